"""The runner's portal behind one small interface.

- ``programs.portal.home.home_page(request)``: the runner's home, its body cached while its rows
  are unchanged (``programs.portal.cache``, usable by any read built from the same rows).
- ``programs.portal.items.version_items(version)``: a version's exercises as the runner sees them.
- ``programs.portal.checkoff``: the session check-off form and its hand-rendered selects.
"""
