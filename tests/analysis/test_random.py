"""The one seed helper."""

from __future__ import annotations

import numpy as np
import pytest

from mitra.analysis import as_generator, resolve_seed
from mitra.analysis._random import stream


def test_an_int_seed_is_kept() -> None:
    assert resolve_seed(12345) == 12345
    assert resolve_seed(np.int64(7)) == 7


def test_a_generator_seed_is_drawn_from_the_generator() -> None:
    # given two generators in the same state
    # then they give the same root seed, and the generator advances
    g = np.random.default_rng(3)
    first = resolve_seed(g)
    assert first == resolve_seed(np.random.default_rng(3))
    assert resolve_seed(g) != first


def test_none_gives_fresh_entropy_in_range() -> None:
    seeds = {resolve_seed(None) for _ in range(5)}
    assert len(seeds) == 5
    assert all(0 <= s < 2**63 for s in seeds)


@pytest.mark.parametrize(("bad", "error"), [(-1, ValueError), (True, TypeError), ("1", TypeError)])
def test_bad_seeds_are_rejected(bad: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        resolve_seed(bad)  # type: ignore[arg-type]


def test_as_generator_passes_a_generator_through_and_seeds_ints() -> None:
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    assert as_generator(5).random() == as_generator(5).random()


def test_streams_are_reproducible_and_distinct() -> None:
    assert stream(1, 0, 2, 1).random() == stream(1, 0, 2, 1).random()
    assert stream(1, 0, 2, 1).random() != stream(1, 0, 2, 0).random()
    assert stream(1, 0, 2, 1).random() != stream(2, 0, 2, 1).random()


def test_stream_equals_the_spawned_child() -> None:
    child = np.random.SeedSequence(11).spawn(4)[3]
    expected = np.random.Generator(np.random.PCG64(child)).random(3)
    np.testing.assert_array_equal(stream(11, 3).random(3), expected)
