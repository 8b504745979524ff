"""Tooling apart from the code that serves requests: synthetic data (`scale`), the load test
(`bench`), the demo clinic (`demo`) and the local services launcher (`localenv`)."""
