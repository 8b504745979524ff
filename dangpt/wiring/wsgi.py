"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from dangpt.startup import exit_on_config_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangpt.settings")
exit_on_config_error()
application = get_wsgi_application()
