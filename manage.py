#!/usr/bin/env python
import os
import sys
from pathlib import Path


def load_local_env():
    """Read `.env.development` beside this file (made by `make install`) without overriding
    variables already set. Production sets its variables itself and has no such file, so a
    forgotten SECRET_KEY there still stops the process."""
    env_file = Path(__file__).resolve().parent / ".env.development"
    if not env_file.is_file():
        return
    for line in env_file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip())


def main():
    load_local_env()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovation_portal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
