"""Assessments: the therapist's judgement about a runner, in four sub-domains.

- screening: the symptom questionnaire and its engine (``screening/``, pure Python), red-flag
  acknowledgement and working diagnosis; ``safety.py`` is the gate other apps ask.
- evaluations: SOAP notes, signing and addenda; ``exam.py`` holds the structured exam's fields.
- gait: gait analyses; ``gait_metrics.py`` compares two and measures left/right asymmetry.
- outcomes: PROM results and schedules; ``proms/`` scores the instruments and says when each is due.

Each layer is split the same way: ``models/``, ``services/`` (writes), ``selectors.py`` (reads),
``loaders.py`` (one object scoped to a request, with its access-log row), ``forms/``, ``views/``
(plus ``views/charts.py``, the chart that shows all four), ``api/``; one ``urls.py``, namespace
``assessments``.
"""
