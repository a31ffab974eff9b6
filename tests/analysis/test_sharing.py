"""Benefit sharing: Shapley (exact and sampled), Nash bargaining, core, contributions, fairness.

Known answers are worked by hand or taken from the published sources cited at
each test; properties (efficiency, symmetry, null player, additivity) are
checked with Hypothesis.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mitra.analysis.sharing import (
    MAX_EXACT_PLAYERS,
    coalition_values,
    core_check,
    fairness_report,
    gini,
    nash_bargaining,
    nash_bargaining_general,
    proportional_shares,
    shapley,
    shapley_sample,
    value_contribution,
)

# --------------------------------------------------------------------------- helpers


def textbook_shapley(values: np.ndarray) -> np.ndarray:
    """The subset formula, one coalition at a time with itertools.combinations."""
    n = int(values.size).bit_length() - 1
    phi = np.zeros(n)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for s in range(n):
            weight = math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n)
            for members in itertools.combinations(others, s):
                mask = sum(1 << j for j in members)
                phi[i] += weight * (values[mask | 1 << i] - values[mask])
    return phi


def table(n: int, worth: Callable[[frozenset[int]], float]) -> np.ndarray:
    return coalition_values(list(range(n)), worth)


def weighted_majority(weights: list[int], quota: int) -> np.ndarray:
    return table(len(weights), lambda s: 1.0 if sum(weights[i] for i in s) >= quota else 0.0)


@st.composite
def games(draw: st.DrawFn, min_n: int = 1, max_n: int = 6) -> np.ndarray:
    n = draw(st.integers(min_n, max_n))
    worths = draw(
        st.lists(
            st.floats(-1000, 1000, allow_nan=False, allow_infinity=False),
            min_size=(1 << n) - 1,
            max_size=(1 << n) - 1,
        )
    )
    return np.array([0.0, *worths])


def scale(v: np.ndarray) -> float:
    return 1e-9 * max(1.0, float(np.abs(v).max()))


# --------------------------------------------------------------------------- Shapley: known answers


def test_glove_game() -> None:
    # given the glove game: player 0 holds a left glove, players 1 and 2 a right glove, a pair
    # is worth 1 (L. S. Shapley, "A value for n-person games", 1953; the values 2/3, 1/6, 1/6
    # are also worked in Wikipedia, "Shapley value", section "Glove game")
    v = table(3, lambda s: 1.0 if 0 in s and len(s) >= 2 else 0.0)
    # when / then
    np.testing.assert_allclose(shapley(v), [2 / 3, 1 / 6, 1 / 6], rtol=0, atol=1e-15)


def test_three_player_game_from_maschler_solan_zamir() -> None:
    # given the game v(1)=6, v(2)=12, v(3)=18, v(12)=30, v(13)=60, v(23)=90, v(123)=120 of an
    # exercise on the Harsanyi-dividend algorithm in M. Maschler, E. Solan and S. Zamir, "Game
    # Theory", Cambridge University Press 2013, chapter 18 (The Shapley value); the exercise
    # number was not checked, so the answer below is worked by hand and does not rely on the book.
    # By hand, the dividends are d1=6, d2=12, d3=18, d12=30-18=12, d13=60-24=36,
    # d23=90-30=60, d123=120-144=-24, and phi_i = sum over T containing i of d_T / |T|:
    # phi1 = 6+6+18-8 = 22, phi2 = 12+6+30-8 = 40, phi3 = 18+18+30-8 = 58.
    v = np.array([0, 6, 12, 30, 18, 60, 90, 120], dtype=float)
    # when / then
    np.testing.assert_allclose(shapley(v), [22, 40, 58], rtol=0, atol=1e-12)


def test_airport_game_is_sequential_equal_sharing() -> None:
    # given the airport game v(S) = -max_{i in S} c_i with costs c sorted ascending
    # (S. C. Littlechild and G. Owen, "A simple expression for the Shapley value in a special
    # case", Management Science 20(3), 1973, pp. 370-372): each cost increment c_k - c_{k-1}
    # is shared equally by the players k..n who need it.
    # By hand for c = (1, 3, 6): 1/3; 1/3 + 2/2 = 4/3; 4/3 + 3/1 = 13/3.
    costs = [1.0, 3.0, 6.0]
    v = table(3, lambda s: -max((costs[i] for i in s), default=0.0))
    # when / then
    np.testing.assert_allclose(-shapley(v), [1 / 3, 4 / 3, 13 / 3], rtol=0, atol=1e-14)


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=10))
@settings(max_examples=40, deadline=None)
def test_airport_game_formula_for_random_costs(raw: list[float]) -> None:
    # given sorted runway costs (Littlechild and Owen 1973, as above)
    costs = sorted(raw)
    n = len(costs)
    v = table(n, lambda s: -max((costs[i] for i in s), default=0.0))
    # when the closed form phi_i = sum_{k<=i} (c_k - c_{k-1}) / (n - k + 1) is computed
    expected = np.cumsum([(c - p) / (n - k) for k, (c, p) in enumerate(zip(costs, [0.0, *costs]))])
    # then the Shapley cost shares match it
    np.testing.assert_allclose(-shapley(v), expected, rtol=0, atol=1e-9)


def test_security_council_1954() -> None:
    # given the UN Security Council of 1954: 5 permanent members with a veto and 6 others,
    # 7 votes to pass (L. S. Shapley and M. Shubik, "A method for evaluating the distribution
    # of power in a committee system", American Political Science Review 48(3), 1954,
    # pp. 787-792: the great powers hold 76/77 of the power, the others 1/462 each)
    # as a weighted majority game: weights 5 and 1, quota 27 (5 * 5 + 2 = 27 > 4 * 5 + 6)
    weights = [5] * 5 + [1] * 6
    # when
    phi = shapley(weighted_majority(weights, 27))
    # then
    np.testing.assert_allclose(phi[:5], 76 / 77 / 5, rtol=1e-12)
    np.testing.assert_allclose(phi[5:], 1 / 462, rtol=1e-12)


def test_security_council_since_1965() -> None:
    # given the 15-member council: 5 vetoes, 9 votes to pass; each non-permanent member's
    # Shapley-Shubik index is C(9,3) 8! 6! / 15! = 4/2145 ~ 0.001865 (Wikipedia,
    # "Shapley-Shubik power index", example of the UN Security Council; worked by hand here)
    # as a weighted majority game: weights 7 and 1, quota 39 (5 * 7 + 4 = 39 > 4 * 7 + 10)
    weights = [7] * 5 + [1] * 10
    # when
    phi = shapley(weighted_majority(weights, 39))
    # then
    np.testing.assert_allclose(phi[5:], 4 / 2145, rtol=1e-12)
    np.testing.assert_allclose(phi[:5], (1 - 10 * 4 / 2145) / 5, rtol=1e-12)


def test_weighted_majority_50_49_1() -> None:
    # given weights (50, 49, 1) and quota 51: any pair with player 0 wins, {1, 2} does not.
    # By hand: player 0 is pivotal in 4 of the 6 orders (second or last), players 1 and 2
    # in one each.
    v = weighted_majority([50, 49, 1], 51)
    # when / then
    np.testing.assert_allclose(shapley(v), [4 / 6, 1 / 6, 1 / 6], rtol=0, atol=1e-15)


def test_owner_and_workers() -> None:
    # given one owner and k = 4 workers, v(S) = p * (workers in S) if the owner is in S
    # (Wikipedia, "Shapley value", section "Business example": each worker gets p/2, the owner
    # k p / 2)
    p = 3.0
    v = table(5, lambda s: p * (len(s) - 1) if 0 in s else 0.0)
    # when / then
    np.testing.assert_allclose(shapley(v), [4 * p / 2, p / 2, p / 2, p / 2, p / 2], atol=1e-14)


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_exact_agrees_with_the_textbook_loop(n: int) -> None:
    # given a random game
    rng = np.random.default_rng(n)
    v = rng.normal(0, 100, 1 << n)
    v[0] = 0
    # when / then
    np.testing.assert_allclose(shapley(v), textbook_shapley(v), rtol=0, atol=1e-10)


def test_blocked_computation_matches_for_more_than_16_players() -> None:
    # given a game of 18 players (the table is processed in blocks of 2**16 masks), additive
    # plus one synergy of players 0, 17 and a game term on the high bits
    n = 18
    a = np.arange(1.0, n + 1)
    masks = np.arange(1 << n)
    bits = (masks[:, None] >> np.arange(n)) & 1
    v = bits @ a + 12.0 * ((bits[:, 0] & bits[:, 17]) == 1) + 5.0 * (bits[:, 16:].sum(1) == 2)
    v = v.astype(float)
    # when
    phi = shapley(v)
    # then each gets its stand-alone worth, players 0 and 17 split 12, players 16 and 17 split 5
    expected = a.copy()
    expected[[0, 17]] += 6.0
    expected[[16, 17]] += 2.5
    np.testing.assert_allclose(phi, expected, rtol=0, atol=1e-9)


def test_zero_players() -> None:
    assert shapley([0.0]).shape == (0,)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([0.0, 1.0, 2.0], "power-of-two"),
        ([1.0, 1.0], "must be 0"),
        ([0.0, math.nan], "finite"),
        ([0.0, math.inf], "finite"),
        (np.zeros((2, 2)), "one-dimensional"),
        ([], "power-of-two"),
    ],
)
def test_invalid_tables_are_refused(values: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        shapley(values)  # type: ignore[arg-type]


def test_the_player_limit_is_stated() -> None:
    # a table for n = MAX_EXACT_PLAYERS + 1 would not fit; the limit is checked on the length
    # before any memory is touched, with a broadcast view of zeros
    big = np.broadcast_to(np.zeros(1), (1 << (MAX_EXACT_PLAYERS + 1),))
    with pytest.raises(ValueError, match=f"n <= {MAX_EXACT_PLAYERS}"):
        shapley(big)


# --------------------------------------------------------------------------- Shapley: properties


@given(games())
@settings(max_examples=60, deadline=None)
def test_efficiency(v: np.ndarray) -> None:
    assert abs(shapley(v).sum() - v[-1]) <= 1e-9 * max(1.0, float(np.abs(v).sum()))


@given(games(min_n=2), st.data())
@settings(max_examples=60, deadline=None)
def test_symmetry(v: np.ndarray, data: st.DataObject) -> None:
    # given a game made symmetric in players i and j: v'(S) = (v(S) + v(swap(S))) / 2
    n = int(v.size).bit_length() - 1
    i, j = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    masks = np.arange(v.size)
    bi, bj = (masks >> i) & 1, (masks >> j) & 1
    swapped = masks & ~((1 << i) | (1 << j)) | (bi << j) | (bj << i)
    sym = (v + v[swapped]) / 2
    # when / then
    phi = shapley(sym)
    assert abs(phi[i] - phi[j]) <= scale(v) * 10


@given(games(max_n=5), st.data())
@settings(max_examples=60, deadline=None)
def test_null_player(v: np.ndarray, data: st.DataObject) -> None:
    # given a game where player k adds nothing: v'(S) = v(S without k), with v on n players
    # extended to n + 1 players by inserting k
    n = int(v.size).bit_length() - 1
    k = data.draw(st.integers(0, n))
    masks = np.arange(1 << (n + 1))
    low = masks & ((1 << k) - 1)
    high = (masks >> (k + 1)) << k
    extended = v[low | high]
    # when
    phi = shapley(extended)
    # then k gets 0 and the others get their values in the original game
    assert abs(phi[k]) <= scale(v) * 10
    np.testing.assert_allclose(np.delete(phi, k), shapley(v), rtol=0, atol=scale(v) * 10)


@given(games(min_n=3, max_n=3), games(min_n=3, max_n=3))
@settings(max_examples=60, deadline=None)
def test_additivity(v: np.ndarray, w: np.ndarray) -> None:
    np.testing.assert_allclose(
        shapley(v + w), shapley(v) + shapley(w), rtol=0, atol=scale(v) + scale(w)
    )


@given(games(max_n=8))
@settings(max_examples=30, deadline=None)
def test_exact_equals_textbook_on_random_games(v: np.ndarray) -> None:
    np.testing.assert_allclose(shapley(v), textbook_shapley(v), rtol=0, atol=scale(v) * 100)


# --------------------------------------------------------------------------- sampling


@given(games(min_n=2, max_n=6))
@settings(max_examples=25, deadline=None)
def test_sampling_is_within_a_few_standard_errors(v: np.ndarray) -> None:
    # given a random game and 4,000 random orders with a fixed seed
    est = shapley_sample(v, permutations=4_000, seed=20260101)
    exact = shapley(v)
    # then every estimate lies within 5 standard errors of the exact value
    assert np.all(np.abs(est.values - exact) <= 5 * est.standard_errors + scale(v) * 10)
    # and every order distributes v(N), so the estimates add up to it
    assert abs(est.values.sum() - v[-1]) <= scale(v) * 100


def test_sampling_with_a_function_matches_the_table() -> None:
    # given the glove game as a function and as a table, the same seed
    def gloves(s: frozenset[int]) -> float:
        return 1.0 if 0 in s and len(s) >= 2 else 0.0

    from_fn = shapley_sample(gloves, n_players=3, permutations=3_000, seed=5)
    from_table = shapley_sample(table(3, gloves), permutations=3_000, seed=5)
    # then both are close to (2/3, 1/6, 1/6) within 5 standard errors
    for est in (from_fn, from_table):
        assert est.seed == 5
        assert est.permutations == 3_000
        assert np.all(np.abs(est.values - [2 / 3, 1 / 6, 1 / 6]) <= 5 * est.standard_errors)
        assert np.all(est.standard_errors > 0)


def test_sampling_is_reproducible_and_reports_a_fresh_seed() -> None:
    v = table(4, lambda s: float(len(s)) ** 2)
    a = shapley_sample(v, permutations=50, seed=9)
    b = shapley_sample(v, permutations=50, seed=9)
    np.testing.assert_array_equal(a.values, b.values)
    fresh = shapley_sample(v, permutations=50)
    assert isinstance(fresh.seed, int)
    np.testing.assert_array_equal(
        shapley_sample(v, permutations=50, seed=fresh.seed).values, fresh.values
    )


def test_sampling_standard_error_of_an_additive_game_is_zero() -> None:
    # an additive game: every marginal contribution is the player's own worth
    v = table(4, lambda s: sum(float(i + 1) for i in s))
    est = shapley_sample(v, permutations=100, seed=1)
    np.testing.assert_allclose(est.values, [1, 2, 3, 4])
    np.testing.assert_allclose(est.standard_errors, 0, atol=1e-12)


def test_sampling_argument_errors() -> None:
    with pytest.raises(ValueError, match="permutations"):
        shapley_sample([0.0, 1.0], permutations=1)
    with pytest.raises(ValueError, match="n_players"):
        shapley_sample(lambda s: 0.0, permutations=10)
    with pytest.raises(ValueError, match="empty coalition"):
        shapley_sample(lambda s: 1.0, n_players=2, permutations=10)
    with pytest.raises(ValueError, match="n_players is 3"):
        shapley_sample([0.0, 1.0, 1.0, 2.0], n_players=3, permutations=10)


def test_coalition_values_builds_the_table_in_mask_order() -> None:
    v = coalition_values(["gov", "ngo", "firm"], lambda s: 10.0 * ("gov" in s) + len(s))
    assert v.tolist() == [0, 11, 1, 12, 1, 12, 2, 13]
    with pytest.raises(ValueError, match="empty coalition"):
        coalition_values(["a"], lambda s: 1.0)
    with pytest.raises(ValueError, match="distinct"):
        coalition_values(["a", "a"], lambda s: 0.0)


# --------------------------------------------------------------------------- Nash bargaining


def test_nash_symmetric_and_weighted_by_hand() -> None:
    # surplus 100 - 30 = 70: split equally (35 each), or 3:1 (52.5 and 17.5)
    # (J. F. Nash, "The bargaining problem", Econometrica 18(2), 1950; weighted form:
    # E. Kalai, International Journal of Game Theory 6(3), 1977)
    np.testing.assert_allclose(nash_bargaining(100, [10, 20]), [45, 55])
    np.testing.assert_allclose(nash_bargaining(100, [10, 20], [3, 1]), [62.5, 37.5])


def test_nash_infeasible_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"infeasible.*walk-away"):
        nash_bargaining(10, [6, 5])
    with pytest.raises(ValueError, match="> 0"):
        nash_bargaining(10, [1, 1], [1, 0])


@given(
    st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=4),
    st.floats(1, 100),
    st.data(),
)
@settings(max_examples=30, deadline=None)
def test_nash_closed_form_maximises_the_nash_product(
    d: list[float], surplus: float, data: st.DataObject
) -> None:
    # given a TU frontier sum(u) = sum(d) + surplus and random weights
    w = data.draw(st.lists(st.floats(0.2, 5), min_size=len(d), max_size=len(d)))
    total = sum(d) + surplus
    # when the closed form and a numerical maximisation over the same set are compared
    closed = nash_bargaining(total, d, w)
    numeric = nash_bargaining_general(lambda u: float(u.sum()) - total, d, w)
    # then they agree
    np.testing.assert_allclose(closed, numeric, rtol=0, atol=1e-5 * max(1.0, abs(total)))


def test_nash_general_on_a_curved_frontier_by_hand() -> None:
    # feasible set u1 + u2^2 <= 1, d = 0: maximise u1 * sqrt(1 - u1) -> u1 = 2/3, u2 = 1/sqrt(3)
    u = nash_bargaining_general(lambda u: u[0] + u[1] ** 2 - 1, [0, 0])
    np.testing.assert_allclose(u, [2 / 3, 1 / math.sqrt(3)], atol=1e-6)
    # weighted (2, 1): maximise 2 log u1 + log sqrt(1 - u1) -> 2/u1 = 1/(2(1-u1)) -> u1 = 4/5
    u = nash_bargaining_general(lambda u: u[0] + u[1] ** 2 - 1, [0, 0], [2, 1])
    np.testing.assert_allclose(u, [4 / 5, math.sqrt(1 / 5)], atol=1e-6)
    with pytest.raises(ValueError, match="infeasible"):
        nash_bargaining_general(lambda u: u[0] + u[1] - 1, [1, 1])


# --------------------------------------------------------------------------- core


def test_core_of_the_glove_game() -> None:
    # the glove game's core is the single point (1, 0, 0) (the left glove is scarce);
    # the Shapley value (2/3, 1/6, 1/6) is blocked by {0, 1}: worth 1, gets 5/6
    v = table(3, lambda s: 1.0 if 0 in s and len(s) >= 2 else 0.0)
    assert core_check(v, [1, 0, 0]).in_core
    check = core_check(v, [2 / 3, 1 / 6, 1 / 6])
    assert not check.in_core
    assert check.efficient
    assert check.blocking is not None
    assert check.blocking.members == (0, 1)
    assert check.blocking.worth == 1.0
    assert check.blocking.allocated == pytest.approx(5 / 6)
    assert check.blocking.excess == pytest.approx(1 / 6)


def test_the_majority_game_has_an_empty_core() -> None:
    # three players, any two win 1: equal split leaves every pair 1/3 short
    v = table(3, lambda s: 1.0 if len(s) >= 2 else 0.0)
    check = core_check(v, [1 / 3, 1 / 3, 1 / 3])
    assert not check.in_core
    assert check.blocking is not None
    assert check.blocking.excess == pytest.approx(1 / 3)
    assert check.max_excess == pytest.approx(1 / 3)


def test_core_reports_an_allocation_that_does_not_add_up() -> None:
    v = table(2, lambda s: 10.0 if len(s) == 2 else 0.0)
    short = core_check(v, [4, 4])  # the grand coalition blocks: it is worth 10, gets 8
    assert not short.in_core
    assert short.blocking is not None
    assert short.blocking.members == (0, 1)
    assert short.blocking.excess == pytest.approx(2)
    over = core_check(v, [6, 6])  # distributes 12 of 10: not feasible
    assert not over.in_core
    assert not over.efficient
    assert over.surplus_gap == pytest.approx(2)
    assert over.blocking is None


@given(games(min_n=2, max_n=5))
@settings(max_examples=40, deadline=None)
def test_core_check_agrees_with_a_loop(v: np.ndarray) -> None:
    # given the Shapley allocation of a random game
    x = shapley(v)
    n = x.size
    # when the largest excess over proper coalitions is computed by a plain loop
    excess = [v[m] - sum(x[i] for i in range(n) if m >> i & 1) for m in range(1, (1 << n) - 1)]
    check = core_check(v, x)
    # then it matches, and membership follows from it
    assert check.max_excess == pytest.approx(max(excess), abs=1e-6)
    assert check.in_core == (max(excess) <= check.atol)


# --------------------------------------------------------------------------- contributions


def test_contribution_valuation() -> None:
    assert value_contribution("expertise", person_days=120, day_rate=2.5).value == 300
    land = value_contribution("land", area_m2=5000, price_per_m2=0.8)
    assert (land.value, land.area_m2) == (4000, 5000)
    assert value_contribution("cash", amount=7).basis == "face value of the money paid in"
    assert value_contribution("other", amount=1, basis="agreed").basis == "agreed"
    with pytest.raises(ValueError, match="basis"):
        value_contribution("other", amount=1)
    with pytest.raises(ValueError, match="person_days x day_rate"):
        value_contribution("expertise", amount=3)
    with pytest.raises(ValueError, match="only to expertise"):
        value_contribution("cash", amount=3, day_rate=1)
    with pytest.raises(ValueError, match=">= 0"):
        value_contribution("cash", amount=-1)
    with pytest.raises(ValueError, match="unknown"):
        value_contribution("goodwill", amount=1)


def test_proportional_shares() -> None:
    np.testing.assert_allclose(proportional_shares([100, 300, 0], 80), [20, 60, 0])
    with pytest.raises(ValueError, match="positive"):
        proportional_shares([0, 0], 10)


def test_gini_by_hand() -> None:
    # G = sum |x_i - x_j| / (2 n^2 mean): (1, 2, 3) -> 8 / (2 * 9 * 2) = 2/9;
    # (0, 0, 0, 1) -> 6 / (2 * 16 * 1/4) = 3/4 (C. Gini 1912; A. Sen, On Economic
    # Inequality, 1973, ch. 2)
    assert gini([1, 2, 3]) == pytest.approx(2 / 9)
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)
    assert gini([5, 5]) == 0.0
    assert gini([-1, 2]) is None
    assert gini([0, 0]) is None


# --------------------------------------------------------------------------- fairness report


def test_fairness_report_of_a_proposal() -> None:
    # given the glove game, contributions (2, 1, 1), walk-away (0.1, 0, 0.2) and an equal split
    v = table(3, lambda s: 1.0 if 0 in s and len(s) >= 2 else 0.0)
    report = fairness_report(
        players=["L", "R1", "R2"],
        contributions=[2, 1, 1],
        proposal=[1 / 3, 1 / 3, 1 / 3],
        walk_away=[0.1, 0, 0.5],
        values=v,
    )
    left, r1, r2 = report.parties
    # then by hand: proportional (1/2, 1/4, 1/4); ratios (1/6, 1/3, 1/3);
    # Nash: surplus 1 - 0.6 = 0.4 -> (0.1 + 0.4/3, 0.4/3, 0.5 + 0.4/3)
    assert left.proportional == pytest.approx(0.5)
    assert left.shapley == pytest.approx(2 / 3)
    assert left.deviation_shapley == pytest.approx(1 / 3 - 2 / 3)
    assert left.deviation_proportional == pytest.approx(1 / 3 - 1 / 2)
    assert left.ratio == pytest.approx(1 / 6)
    assert r1.nash == pytest.approx(0.4 / 3)
    assert r2.above_walk_away is False
    assert r2.gain == pytest.approx(1 / 3 - 0.5)
    assert report.all_above_walk_away is False
    # Gini of (1/6, 1/3, 1/3): sum |diff| = 4 * 1/6 = 2/3; / (2 * 9 * 5/18) = 2/15
    assert report.gini_ratio == pytest.approx(2 / 15)
    assert report.gini_benefit == pytest.approx(0.0)
    assert report.core is not None
    assert report.core.blocking is not None
    assert report.core.blocking.members == (0, 1)
    assert report.nash_feasible


def test_fairness_report_without_a_table_uses_given_shapley_values() -> None:
    report = fairness_report(
        players=["a", "b"],
        contributions=[1, 0],
        proposal=[6, 4],
        walk_away=[8, 7],
        shapley_values=[5, 5],
        shapley_se=[0.1, 0.1],
    )
    assert report.core is None
    assert report.total == 10
    assert report.parties[1].ratio is None
    assert report.parties[0].shapley_se == 0.1
    assert not report.nash_feasible  # walk-away 15 > 10
    assert report.parties[0].nash is None


def test_nash_general_is_accurate_where_the_nash_product_is_flat() -> None:
    # Found by the property test in CI: SLSQP alone stopped 1.2e-4 away from the closed form
    # (the weighted product is flat there); the Newton polish on the optimality conditions
    # brings it to the closed form.
    d = [-5.11041843, 1.26892233, -43.01574235, -18.8667246]
    w = [3.6968239, 1.16561102, 2.99024504, 3.581063]
    total = sum(d) + 65.66
    closed = nash_bargaining(total, d, w)
    numeric = nash_bargaining_general(lambda u: float(u.sum()) - total, d, w)
    np.testing.assert_allclose(numeric, closed, rtol=0, atol=1e-6)
