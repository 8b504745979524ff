"""The clinic's date, time and number formats, per language (``FORMAT_MODULE_PATH``).

US conventions for every page: month before day, 12-hour times. Besides Django's own names
(``DATE_FORMAT``, ``TIME_FORMAT`` …) each language defines the named formats in ``NAMED`` that
the ``dates`` template library's ``on`` filter reads, so a page asks for "weekday" and gets
"Sat, Dec 5" in English and "sáb 5 dic" in Spanish.
"""
