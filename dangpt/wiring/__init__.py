"""Project wiring: the URL conf, the mount of every app's API router, pages over several apps,
and the WSGI/ASGI entry points. The core modules of `dangpt` never import from here."""
