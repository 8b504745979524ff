"""Turn a configuration error into a one-line message and a non-zero exit."""

import importlib
import os
import sys

from dangpt.config import ConfigError


def exit_on_config_error() -> None:
    """Load the settings module now; on a bad variable print one line naming it and exit 1."""
    try:
        importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "dangpt.settings"))
    except ConfigError as exc:
        print(f"dangpt: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
