"""The ``mitra`` console script.

``mitra simulate``, ``mitra finance``, ``mitra vfm``, ``mitra share`` and ``mitra align``
run the computation core without Django (an analyst's laptop has no database); ``mitra serve`` runs gunicorn with the production settings; every other
sub-command is a Django management command (``mitra demo``, ``mitra migrate``, ...).
"""

from __future__ import annotations

import os
import sys

#: Mitra's own commands, listed first by ``mitra --help``: name → one line.
MITRA_COMMANDS = {
    "simulate": "Monte Carlo risk quantification of a risk-model spec (no database)",
    "finance": "project-finance model, IRRs, DSCR; solves for a target equity IRR (no database)",
    "vfm": "value for money; 'vfm fiscal' fiscal burden; 'vfm stress' stress tests (no database)",
    "share": "benefit sharing: proportional, Shapley, Nash bargaining, core (no database)",
    "align": "goal alignment: conflict matrix, range gaps, maximin compromise (no database)",
    "import": "import OCDS, OC4IDS or a CSV/XLSX table, all or nothing, with a report",
    "export": "export the published partnerships as OCDS for PPPs or OC4IDS",
    "demo": "load the demo partnerships, organisations and users",
    "serve": "production web server (gunicorn, production settings)",
    "db_worker": "background worker: runs queued jobs (imports, simulations)",
    "backup": "write the database and the uploaded documents to one zip file",
    "restore": "load a backup into a new, empty database (SQLite or PostgreSQL)",
    "staff_otp": "give a platform staff member an authenticator-app device for the admin",
    "send_digests": "e-mail the daily digest of notifications (daily, from cron; safe to rerun)",
    "notify_due_tasks": "notify who is responsible for workplan tasks due soon (daily, from cron)",
}

# Commands of the pure computation core: module whose ``main(argv) -> int`` runs it.
_CORE_COMMANDS = {
    "simulate": "mitra.analysis.risk.cli",
    "finance": "mitra.analysis.finance.cli",
    "vfm": "mitra.analysis.appraisal.cli",
    "share": "mitra.analysis.sharing.cli",
    "align": "mitra.analysis.alignment.cli",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    command = argv[1] if len(argv) > 1 else "help"
    if command in {"help", "--help", "-h"} and len(argv) <= 2:
        return _help()
    if command in _CORE_COMMANDS:
        return _core(command, argv[2:])
    if command == "serve":
        return _serve(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


def _core(command: str, args: list[str]) -> int:
    """A command of the computation core, in the language of ``--lang id|en`` (taken off the
    arguments) or of the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG: Indonesian when
    the first set starts with "id")."""
    from importlib import import_module

    from mitra.analysis import _i18n

    language, rest, error = _i18n.split_lang_option(args)
    if error:
        print(f"mitra {command}: {error}", file=sys.stderr)
        return 2
    module = import_module(_CORE_COMMANDS[command])
    _i18n.activate(language)
    try:
        return int(module.main(rest))
    finally:
        _i18n.activate(None)


def _help() -> int:
    """Mitra's commands first, one line each, then Django's management commands."""
    width = max(map(len, MITRA_COMMANDS))
    lines = [
        "Usage: mitra <command> [options]   ('mitra <command> --help' for a command's options)",
        "       simulate, finance, vfm, share and align also take --lang id|en (default: from",
        "       LANGUAGE, LC_ALL, LC_MESSAGES or LANG; Indonesian when it starts with 'id')",
        "",
        "Mitra's commands:",
        *(f"  {name:<{width}}  {text}" for name, text in MITRA_COMMANDS.items()),
        "",
        "Django's commands (the database, translations, users, ...):",
    ]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.local")
    import django
    from django.core.management import get_commands

    django.setup()
    django_commands = sorted(set(get_commands()) - set(MITRA_COMMANDS))
    lines += _columns(django_commands)
    print("\n".join(lines))
    return 0


def _columns(names: list[str], width: int = 88, indent: int = 2) -> list[str]:
    """Names in as many columns as fit in ``width`` characters."""
    cell = max(map(len, names)) + 2
    per_line = max(1, (width - indent) // cell)
    return [
        " " * indent + "".join(f"{name:<{cell}}" for name in names[i : i + per_line]).rstrip()
        for i in range(0, len(names), per_line)
    ]


def _serve(args: list[str]) -> int:
    """Production server: gunicorn on the WSGI app with the production settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.production")
    # Workers, threads and timeouts sized to the machine: mitra.config.gunicorn.
    gunicorn_args = ["gunicorn", "mitra.config.wsgi:application"]
    gunicorn_args += ["--config", "python:mitra.config.gunicorn", *args]
    from gunicorn.app.wsgiapp import run

    sys.argv = gunicorn_args
    run()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
