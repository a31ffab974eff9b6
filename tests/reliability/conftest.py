"""The long part of the reliability suite (marked ``soak``) runs in `make soak` (MITRA_SOAK=1),
not in `make test`: it starts real servers and workers and kills them."""

from __future__ import annotations

import os
from typing import Any

import pytest


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "soak: kill -9 scenarios with real processes (make soak)")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if os.environ.get("MITRA_SOAK") == "1":
        return
    skip = pytest.mark.skip(reason="long: runs in `make soak` (MITRA_SOAK=1)")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)
