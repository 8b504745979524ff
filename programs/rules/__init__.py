"""Pure clinical rules of home exercise programs, with no Django in them.

- ``progression``: progress, hold or regress an exercise by the tissue's pain rule.
- ``load``: the single-run spike check and weekly distance of logged runs.
- ``walkrun``: the walk-run return-to-run stages and when to advance.
"""
