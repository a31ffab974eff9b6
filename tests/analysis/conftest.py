"""Fixtures of the analysis tests: the shared examples.

Nothing here imports Django: the analysis core must be testable on its own
(``pytest tests/analysis -p no:django --confcutdir=tests/analysis``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .specs import shared_path


@pytest.fixture
def toll_road() -> Path:
    return shared_path("specs", "examples", "toll-road.json")


@pytest.fixture
def school() -> Path:
    return shared_path("specs", "examples", "school-psp.json")
