"""The one seed helper of the analysis core: seeds and random streams.

Every function of :mod:`mitra.analysis` that draws random numbers takes
``seed: int | numpy.random.Generator | None`` and normalises it here; nothing
in the package touches NumPy's global random state. It is shared (private, at the
top of the package rather than in one subpackage) because three subpackages draw:
``risk`` (the Monte Carlo streams), ``sharing`` (sampled Shapley values) and
``appraisal`` (the seeds of VfM, fiscal and stress draws).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SeedLike", "as_generator", "resolve_seed", "stream"]

SeedLike = int | np.random.Generator | None

#: Root seeds are non-negative integers below 2**63 (so they survive JSON and SQL bigint).
_SEED_LIMIT = 2**63


def resolve_seed(seed: SeedLike) -> int:
    """Turn a seed argument into the non-negative integer root seed of a run.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        An ``int >= 0`` is returned unchanged. A ``Generator`` is asked for one
        integer in ``[0, 2**63)`` (advancing it), so that a caller's generator
        still decides the run. ``None`` takes fresh entropy from the operating
        system (via :class:`numpy.random.SeedSequence`).

    Returns
    -------
    int
        The root seed; passing it back as ``seed`` reproduces the run exactly.

    Raises
    ------
    ValueError
        If ``seed`` is a negative integer.
    TypeError
        If ``seed`` is of any other type (``bool`` included).

    Examples
    --------
    >>> resolve_seed(42)
    42
    >>> resolve_seed(np.random.default_rng(1)) == resolve_seed(np.random.default_rng(1))
    True
    """
    if isinstance(seed, bool):
        raise TypeError("seed must be an int, a numpy Generator or None, not bool")
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        return int(entropy) % _SEED_LIMIT  # type: ignore[arg-type]
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, _SEED_LIMIT))
    if isinstance(seed, int | np.integer):
        value = int(seed)
        if value < 0:
            raise ValueError(f"seed must be >= 0, got {value}")
        return value
    raise TypeError(f"seed must be an int, a numpy Generator or None, not {type(seed).__name__}")


def as_generator(seed: SeedLike) -> np.random.Generator:
    """Normalise a seed argument to a :class:`numpy.random.Generator`.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        A ``Generator`` is returned as is (not copied); anything else goes
        through :func:`resolve_seed` and seeds a fresh PCG64 generator.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> float(as_generator(7).random()) == float(as_generator(7).random())
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.Generator(np.random.PCG64(resolve_seed(seed)))


def stream(root: int, *key: int) -> np.random.Generator:
    """The independent generator identified by ``key`` under the root seed ``root``.

    Parameters
    ----------
    root : int
        Root seed (from :func:`resolve_seed`).
    *key : int
        Non-negative integers naming the stream, e.g. ``(block, risk, kind)``.

    Returns
    -------
    numpy.random.Generator
        ``Generator(PCG64(SeedSequence(root, spawn_key=key)))``: the same stream
        as ``SeedSequence(root).spawn(...)`` would give for that child, built
        directly so that any one stream can be regenerated on its own.

    Notes
    -----
    Streams with different keys are statistically independent (SeedSequence
    hashing); the same ``(root, key)`` always gives the same numbers.

    Examples
    --------
    >>> a = stream(1, 0, 3).random(2)
    >>> b = stream(1, 0, 3).random(2)
    >>> bool((a == b).all())
    True
    """
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(root, spawn_key=key)))
