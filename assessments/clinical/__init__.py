"""Pure clinical-record logic with no Django in it: exam fields, PROM schedules, gait comparison."""
