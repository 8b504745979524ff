#!/usr/bin/env python
"""Django's command-line utility for dangpt."""

import os
import sys


def main() -> None:
    """Run a management command after checking the configuration."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangpt.settings")
    from dangpt.startup import exit_on_config_error

    exit_on_config_error()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
