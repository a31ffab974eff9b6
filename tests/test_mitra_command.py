"""``mitra --help`` lists Mitra's own commands first, one line each, then Django's (issue 9)."""

from __future__ import annotations

import pytest

from mitra.cli import MITRA_COMMANDS, main

OWN = ["simulate", "finance", "vfm", "share", "align", "import", "export", "demo", "serve"]


@pytest.mark.parametrize("flag", [[], ["--help"], ["-h"], ["help"]])
def test_help_lists_mitras_commands_first_then_djangos(flag, capsys):
    assert main(["mitra", *flag]) == 0
    out = capsys.readouterr().out
    mitra_part, _, django_part = out.partition("Django's commands")
    for name in [*OWN, "db_worker"]:
        line = next(line for line in mitra_part.splitlines() if line.startswith(f"  {name} "))
        assert len(line.split(maxsplit=1)[1]) > 20  # one line that says what it does
    assert "migrate" in django_part and "createsuperuser" in django_part
    assert "migrate" not in mitra_part
    # Mitra's commands are not listed twice
    assert " export " not in django_part and " demo " not in django_part


def test_every_listed_command_runs():
    from django.core.management import get_commands

    core = {"simulate", "finance", "vfm", "share", "align", "serve"}
    assert set(MITRA_COMMANDS) - core <= set(get_commands())


def test_help_of_a_django_command_is_still_djangos(capsys):
    with pytest.raises(SystemExit):
        main(["mitra", "migrate", "--help"])
    assert "usage: mitra migrate" in capsys.readouterr().out
