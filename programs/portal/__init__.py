"""The runner's portal behind one small interface.

- ``programs.portal.home.home_page(request)``: the runner's home, its body cached while its rows
  are unchanged (``programs.portal.cache``, usable by any read built from the same rows); the
  next appointment and the questionnaires due are read on each visit, outside the cached body.
- ``programs.portal.items.version_items(version)``: a version's exercises as the runner sees them.
- ``programs.portal.checkoff``: the session check-off form and its hand-rendered selects.
- ``programs.dose.dose_text(item)``: the dose in the active language (shared with staff pages).
- ``programs.portal.advice``: what the plan says to do when logged pain passes its limit.
- ``programs.portal.runs``: the load warning in plain words, in the runner's language and unit.
"""
