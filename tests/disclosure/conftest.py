"""Fixtures of the open-data export tests: the demo data and the shared schema folders."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def _shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"{path} is absent: shared/ sits beside the checkout (CI and dev machines)")
    return path


@pytest.fixture
def ocds_dir() -> Path:
    return _shared("data", "ocds")


@pytest.fixture
def oc4ids_dir() -> Path:
    return _shared("data", "oc4ids")


@pytest.fixture
def demo(db) -> None:
    call_command("demo", stdout=StringIO())
