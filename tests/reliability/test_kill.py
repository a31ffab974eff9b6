"""kill -9 of the web server in a burst of writes, and of the worker in the middle of an import:
nothing partial, nothing lost, no job left running (tests/reliability/harness.py says how).

Real processes (`mitra serve`, `mitra db_worker`) on a temporary SQLite database: about a minute,
so these run in `make soak`, which repeats them (bench/soak.py)."""

from __future__ import annotations

import pytest

from . import harness

pytestmark = pytest.mark.soak


def test_web_server_killed_mid_burst_leaves_every_answered_write_whole() -> None:
    result = harness.web_kill()

    assert result["server_errors"] == 0, result
    assert result["lost"] == 0, result  # every 201 the clients saw is stored
    assert result["partial"] == 0, result  # every partnership has its one lead and role rows
    assert result["integrity"] == "ok", result


def test_worker_killed_mid_import_leaves_no_job_running_and_all_or_nothing() -> None:
    result = harness.worker_kill()

    assert result["killed_mid_way"], result  # the kill landed while the job was running
    assert result["status"] in ("failed", "succeeded"), result  # never stuck "running"
    if result["status"] == "failed":
        assert result["error"], result  # with a message the user sees
        assert result["new_partnerships"] == 0 == result["new_organisations"], result
    else:
        assert result["new_partnerships"] == result["projects"], result
