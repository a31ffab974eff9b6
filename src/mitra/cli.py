"""The ``mitra`` console script.

``mitra simulate`` runs the risk engine without Django (an analyst's laptop has no
database); ``mitra serve`` runs gunicorn with the production settings; every other
sub-command is a Django management command (``mitra demo``, ``mitra migrate``, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    command = argv[1] if len(argv) > 1 else "help"
    if command == "simulate":
        from mitra.analysis.cli import main as simulate_main

        return simulate_main(argv[2:])
    if command == "serve":
        return _serve(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


def _serve(args: list[str]) -> int:
    """Production server: gunicorn on the WSGI app with the production settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.production")
    bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
    workers = os.environ.get("WEB_CONCURRENCY", "3")
    gunicorn_args = ["gunicorn", "mitra.config.wsgi:application", "--bind", bind]
    gunicorn_args += ["--workers", workers, "--access-logfile", "-", *args]
    from gunicorn.app.wsgiapp import run

    sys.argv = gunicorn_args
    run()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
