"""The patient record as FHIR R4: one patient's Bundle for the API, the whole clinic as NDJSON.

The mapping reads every app, so it lives in the wiring; each app publishes the selectors
(`record_*`) for what it holds.
"""
