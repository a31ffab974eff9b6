"""The ``mitra`` console script.

``mitra simulate``, ``mitra finance``, ``mitra vfm``, ``mitra share`` and ``mitra align``
run the computation core without Django (an analyst's laptop has no database); ``mitra serve`` runs gunicorn with the production settings; every other
sub-command is a Django management command (``mitra demo``, ``mitra migrate``, ...).
"""

from __future__ import annotations

import os
import sys

# Commands of the pure computation core: module whose ``main(argv) -> int`` runs it.
_CORE_COMMANDS = {
    "simulate": "mitra.analysis.cli",
    "finance": "mitra.analysis.finance_cli",
    "vfm": "mitra.analysis.vfm_cli",
    "share": "mitra.analysis.sharing_cli",
    "align": "mitra.analysis.alignment_cli",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    command = argv[1] if len(argv) > 1 else "help"
    if command in _CORE_COMMANDS:
        from importlib import import_module

        module = import_module(_CORE_COMMANDS[command])
        return int(module.main(argv[2:]))
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
