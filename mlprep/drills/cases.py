"""The hidden tests of the built-in drills: for each card id, seeded random valid inputs of
several shapes plus the edge cases its semantics name, and how an output is compared with the
reference's.

A comparison returns None when the output is right, else one short reason ("shape (3,) but
expected (4,)"). Tolerances follow the deck's rule: numpy.allclose with rtol 1e-6, atol 1e-9.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlprep.drills import reference as ref
from mlprep.drills.harness import SeededRng

RTOL = 1e-6
ATOL = 1e-9
# positions a relation between output and expected values is tried on first (see
# how_values_differ)
SAMPLED = 4096

Compare = Callable[[Any, Any], "str | None"]


@dataclass
class Case:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    note: str = ""  # what the case is about ("ties", "large inputs"); shown on failure
    max_seconds: float | None = None  # the call must return within this (vectorisation)


@dataclass(frozen=True)
class Suite:
    function: str
    reference: Callable[..., Any]
    make_cases: Callable[[np.random.Generator], list[Case]]
    compare: Compare
    check: Callable[[Any], str | None] | None = None  # extra rule on the output alone


# -- comparisons ---------------------------------------------------------------------------


def _kind_name(kind: str) -> str:
    return {"f": "a float", "i": "an integer", "u": "an integer", "b": "a boolean"}.get(
        kind, f"a {kind}"
    )


def how_values_differ(expected, got, atol: float = ATOL) -> str:
    """'values differ', followed, where one simple relation holds between the output and the
    expected values, by which: the opposite sign, one factor (a missing 1/n, n - 1 for n), one
    offset, the transpose, else how many values differ and where the first is. What a
    candidate needs to find the mistake, without showing the reference."""
    e = np.asarray(expected, dtype=float)
    g = np.asarray(got, dtype=float)
    scalar = e.ndim == 0
    head = "value differs" if scalar else "values differ"
    if e.shape != g.shape or not (np.all(np.isfinite(e)) and np.all(np.isfinite(g))):
        return head
    flat_e, flat_g = e.reshape(-1), g.reshape(-1)
    # a relation is first tried on a spread of positions: where it fails there, it fails (a
    # 2000 x 2000 output took a second to describe, each relation tried on all of it)
    sample = np.arange(0, e.size, e.size // SAMPLED + 1)

    def matches(relation: Callable[[Any], Any], transposed: bool = False) -> bool:
        """Whether the output is relation(expected values) everywhere (of the transpose of
        the expected values: a square matrix's)."""
        side = e.shape[0] if transposed else 1
        # output position (r, c), flat r * side + c, holds the expected (c, r)
        at = (sample % side) * side + sample // side if transposed else sample
        if not np.allclose(flat_g[sample], relation(flat_e[at]), rtol=RTOL, atol=atol):
            return False
        whole = e.T.reshape(-1) if transposed else flat_e
        return bool(np.allclose(flat_g, relation(whole), rtol=RTOL, atol=atol))

    each = "it is" if scalar else "each is"
    if np.any(np.abs(e) > atol) and matches(operator.neg):
        return f"{head}: {'it has' if scalar else 'each has'} the opposite sign"
    big = np.abs(e) > max(atol, 1e-12)
    if np.any(big):
        factor = float(np.median(g[big] / e[big]))
        if factor != 0 and matches(lambda values: factor * values):
            return f"{head}: {each} {_factor(factor)} the expected"
    if not scalar:
        offset = float(np.median(g - e))
        if matches(lambda values: values + offset):
            return f"{head}: {each} off by the same {offset:+.4g}"
        if e.ndim == 2 and e.shape[0] == e.shape[1] and matches(lambda values: values, True):
            return f"{head}: the output is the transpose of the expected"
        wrong = ~np.isclose(g, e, rtol=RTOL, atol=atol)
        # (argmax finds the first wrong one without listing them all)
        first = tuple(int(i) for i in np.unravel_index(int(np.argmax(wrong)), wrong.shape))
        where = first[0] if len(first) == 1 else first
        return f"{head} at {int(wrong.sum())} of {e.size} positions, the first at index {where}"
    return head


def _factor(factor: float) -> str:
    """'3 times', '1/4 of', '-1/4 of', '0.9 times', '1.00004196 times'."""
    inverse = 1 / factor
    if abs(factor) < 1 and abs(inverse - round(inverse)) < 1e-6 * abs(inverse):
        sign = "-" if inverse < 0 else ""  # (not "1/-4")
        return f"{sign}1/{abs(round(inverse))} of"
    shown = f"{factor:.4g}"
    if shown == "1":  # (a small error: "each is 1 times the expected" said nothing)
        shown = f"{factor:.9g}"
    return f"{shown} times"


def array(kind: str = "f", atol: float = ATOL, dtype: str | None = None) -> Compare:
    """An array of the expected shape; `kind` is the dtype family it must have ('f' float,
    'i' integer, 'b' boolean), `dtype` the exact dtype where the drill states one."""

    def compare(expected, got):
        if isinstance(got, list | tuple):
            return f"returned a {type(got).__name__}, expected a numpy array"
        if not isinstance(got, np.ndarray):
            return f"returned {type(got).__name__}, expected a numpy array"
        if got.shape != expected.shape:
            return f"shape {got.shape}, expected {expected.shape}"
        wanted = "iu" if kind in "iu" else kind
        if got.dtype.kind not in wanted:
            return f"dtype {got.dtype}, expected {_kind_name(kind)} array"
        if dtype is not None and got.dtype != np.dtype(dtype):
            return f"dtype {got.dtype}, expected {dtype}"
        if kind == "f":
            if not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
                return "contains NaN or inf"
            if not np.allclose(got, expected, rtol=RTOL, atol=atol):
                return how_values_differ(expected, got, atol)
            return None
        if not np.array_equal(got, expected):
            return how_values_differ(expected, got, 0.0)
        return None

    return compare


def number(atol: float = ATOL) -> Compare:
    def compare(expected, got):
        if isinstance(got, np.ndarray) and got.shape == ():
            got = got[()]
        if isinstance(got, bool | np.bool_) or not isinstance(got, int | float | np.number):
            return f"returned {type(got).__name__}, expected a number"
        if isinstance(got, np.complexfloating | complex):
            return "returned a complex number"
        if not np.isfinite(got):
            return f"returned {got}"
        if not np.isclose(float(got), float(expected), rtol=RTOL, atol=atol):
            return how_values_differ(float(expected), float(got), atol)
        return None

    return compare


def int_list() -> Compare:
    def compare(expected, got):
        if isinstance(got, np.ndarray):
            if got.ndim != 1 or (got.size and got.dtype.kind not in "iu"):
                return f"returned an array of dtype {got.dtype}, expected a list of int"
            got = got.tolist()
        if not isinstance(got, list | tuple):
            return f"returned {type(got).__name__}, expected a list of int"
        if any(isinstance(i, bool) or not isinstance(i, int | np.integer) for i in got):
            return "expected a list of int"
        if [int(i) for i in got] != list(expected):
            return "values differ"
        return None

    return compare


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


def pair(*parts: Compare) -> Compare:
    def compare(expected, got):
        if not isinstance(got, tuple | list) or len(got) != len(parts):
            what = f"a {len(got)}-tuple" if isinstance(got, tuple | list) else type(got).__name__
            return f"returned {what}, expected a tuple of {len(parts)}"
        for index, (part, e, g) in enumerate(zip(parts, expected, got, strict=True)):
            reason = part(e, g)
            if reason:  # (named as Python counts it too: "item 1" was read as [1])
                return f"the tuple's {_ORDINALS[index]} item, [{index}]: {reason}"
        return None

    return compare


def threshold_and_gain(expected, got):
    if not isinstance(got, tuple | list) or len(got) != 2:
        return "expected a tuple (t, decrease)"
    t, gain = got
    if expected[0] is None:
        if t is not None:
            return f"threshold {t!r}, expected None (x has one distinct value)"
    else:
        if t is None:
            return "threshold None, expected a number"
        reason = number()(expected[0], t)
        if reason:
            return f"threshold: {reason}"
    reason = number()(expected[1], gain)
    return f"decrease: {reason}" if reason else None


def vocab_and_matrix(expected, got):
    if not isinstance(got, tuple | list) or len(got) != 2:
        return "expected a tuple (vocab, M)"
    vocab, matrix = got
    if isinstance(vocab, np.ndarray):
        vocab = vocab.tolist()
    if not isinstance(vocab, list | tuple) or [str(v) for v in vocab] != expected[0]:
        return "vocab differs (sorted distinct tokens, exactly as given)"
    reason = array("f")(expected[1], matrix)
    return f"M: {reason}" if reason else None


def no_negatives(got):
    if isinstance(got, np.ndarray) and got.dtype.kind == "f" and got.size and got.min() < 0:
        return f"has negative values (min {got.min():.3g}); clip rounding error at 0"
    return None


# -- input helpers ---------------------------------------------------------------------------


def _shapes(rng, ndims=(1, 2), low=1, high=7):
    out = []
    for nd in ndims:
        for _ in range(2):
            out.append(tuple(int(s) for s in rng.integers(low, high, size=nd)))
    return out


def _softmax_cases(rng):
    cases = [Case((np.array([1.0, 2.0, 3.0]),))]
    for shape in _shapes(rng, (1, 2, 3)):
        cases.append(Case((rng.normal(0, 3, shape),)))
    cases.append(Case((rng.normal(0, 2, (3, 4)),), {"axis": 0}, "axis=0"))
    cases.append(Case((rng.normal(0, 2, (2, 3, 4)),), {"axis": 1}, "axis=1"))
    cases.append(Case((np.array([1000.0, 1001.0, 999.0]),), note="large inputs"))
    cases.append(Case((np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]]),), note="±1e4"))
    cases.append(Case((rng.uniform(-1e4, 1e4, (4, 5)),), note="±1e4"))
    cases.append(Case((np.array([[-1e4, -9999.0], [5.0, 5.0]]),), {"axis": -1}, "very negative"))
    cases.append(Case((np.array([7.0]),), note="one element"))
    return cases


def _sigmoid_cases(rng):
    cases = [Case((np.array([0.0, 1.0, -1.0]),))]
    for shape in _shapes(rng, (1, 2)):
        cases.append(Case((rng.normal(0, 5, shape),)))
    cases.append(Case((np.array([-1000.0, -800.0, -40.0, 40.0, 800.0, 1000.0]),), note="±1000"))
    cases.append(Case((rng.uniform(-1000, 1000, (3, 4)),), note="±1000"))
    return cases


def _bce_cases(rng):
    cases = [Case((np.array([1.0, 0.0]), np.array([0.9, 0.2])))]
    for n in (1, 5, 40):
        y = rng.integers(0, 2, n).astype(float)
        cases.append(Case((y, rng.uniform(0.01, 0.99, n))))
    cases.append(
        Case(
            (np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.0, 1.0, 1.0, 0.0])),
            note="p exactly 0 or 1",
        )
    )
    cases.append(Case((np.array([1.0, 0.0]), np.array([0.3, 0.6])), {"eps": 0.4}, "eps given"))
    cases.append(
        Case(
            (np.array([0.0, 1.0, 1.0]), np.array([1e-20, 1 - 1e-17, 1e-300])), note="p near 0 and 1"
        )
    )
    return cases


def _ce_cases(rng):
    cases = [Case((np.array([[2.0, 1.0, 0.1]]), np.array([0])))]
    for n, k in ((1, 2), (4, 3), (10, 5), (7, 10)):
        cases.append(Case((rng.normal(0, 3, (n, k)), rng.integers(0, k, n))))
    cases.append(
        Case((np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 1e4]]), np.array([1, 1, 0])), note="±1e4")
    )
    cases.append(Case((rng.uniform(-1e4, 1e4, (5, 4)), rng.integers(0, 4, 5)), note="±1e4"))
    return cases


def _binary_scores(rng, n, ties=False):
    y = rng.integers(0, 2, n)
    y[0], y[1] = 0, 1  # both classes, always
    rng.shuffle(y)
    scores = rng.integers(0, 4, n).astype(float) if ties else rng.normal(0, 1, n)
    return y, scores


def _ranking_cases(rng):
    cases = [Case((np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])))]
    for n in (2, 5, 12, 60):
        cases.append(Case(_binary_scores(rng, n)))
    for n in (4, 9, 30):
        cases.append(Case(_binary_scores(rng, n, ties=True), note="tied scores"))
    cases.append(Case((np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.5, 0.5])), note="all tied"))
    cases.append(Case((np.array([1, 0, 1]), np.array([0.2, 0.2, 0.9])), note="tied scores"))
    cases.append(Case((np.array([1, 1, 0]), np.array([3.0, 2.0, 1.0])), note="perfect ranking"))
    cases.append(Case((np.array([1, 1, 0]), np.array([1.0, 2.0, 3.0])), note="reversed ranking"))
    return cases


def _precision_at_k_cases(rng):
    cases = [Case(({1, 3}, [3, 2, 1, 4], 2))]
    for n in (5, 10, 20):
        items = [int(i) for i in rng.permutation(40)[:n]]
        relevant = {int(i) for i in rng.choice(40, 8, replace=False)}
        for k in (1, n // 2, n):
            cases.append(Case((relevant, items, k)))
    cases.append(Case(({"a", "c"}, ["c", "b", "a"], 3), note="string ids"))
    cases.append(Case(({"x"}, ["a", "b"], 2), note="no hits"))
    cases.append(Case(({1, 2}, [1, 2], 4), note="k larger than the list"))
    return cases


def _ndcg_cases(rng):
    cases = [Case((np.array([3.0, 2.0, 3.0, 0.0, 1.0, 2.0]), 6))]
    for n in (1, 4, 10):
        rel = rng.integers(0, 4, n).astype(float)
        for k in (1, max(1, n // 2), n):
            cases.append(Case((rel, k)))
    cases.append(Case((np.array([0.0, 0.0, 0.0]), 3), note="no relevant items"))
    cases.append(Case((np.array([0.0, 0.0, 3.0, 1.0]), 2), note="relevant items after k"))
    cases.append(Case((np.array([1.0, 3.0, 0.0]), 5), note="k larger than the list"))
    cases.append(Case((np.array([0.5, 2.5, 1.5]), 2), note="fractional relevance"))
    return cases


def _f1_cases(rng):
    cases = [Case((np.array([1, 0, 1, 1]), np.array([1, 0, 0, 1])))]
    for n in (1, 6, 30):
        cases.append(Case((rng.integers(0, 2, n), rng.integers(0, 2, n))))
    cases.append(Case((np.array([0, 0, 1]), np.array([1, 0, 0])), note="no true positives"))
    cases.append(Case((np.array([0, 0]), np.array([0, 0])), note="no positives at all"))
    cases.append(Case((np.array([1, 1]), np.array([1, 1])), note="perfect"))
    return cases


def _labels(rng, n, classes=3):
    return [str(x) for x in rng.choice(["cat", "dog", "eel", "owl"][:classes], n)]


def _impurity_cases(rng):
    cases = [Case((["a", "a", "b"],))]
    cases.append(Case((np.array([0, 1, 1, 1, 2, 2]),), note="numpy int labels"))
    for n in (1, 4, 25):
        cases.append(Case((_labels(rng, n),)))
    cases.append(Case((["x", "x", "x"],), note="one class"))
    cases.append(Case(([(1, 2), (1, 2), (3, 4)],), note="tuple labels"))
    cases.append(Case(([True, False, False, False],), note="boolean labels"))
    cases.append(Case((rng.integers(0, 5, 40),), note="numpy int labels"))
    return cases


def _info_gain_cases(rng):
    cases = [Case((["a", "a", "b", "b"], ["a", "a"], ["b", "b"]))]
    for n in (2, 8, 30):
        parent = _labels(rng, n)
        cut = int(rng.integers(1, n))
        cases.append(Case((parent, parent[:cut], parent[cut:])))
    parent = rng.integers(0, 3, 12)
    cases.append(Case((parent, parent[:5], parent[5:]), note="numpy labels"))
    cases.append(Case((["a", "b", "b"], [], ["a", "b", "b"]), note="empty left child"))
    cases.append(Case(([1, 1, 0], [1, 1, 0], []), note="empty right child"))
    cases.append(Case((["a", "a"], ["a"], ["a"]), note="pure parent"))
    return cases


def _best_split_cases(rng):
    cases = [Case((np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1])))]
    for n in (3, 8, 25):
        cases.append(Case((rng.normal(0, 1, n), rng.integers(0, 2, n))))
    for n in (6, 15):
        cases.append(
            Case((rng.integers(0, 4, n).astype(float), rng.integers(0, 2, n)), note="repeated x")
        )
    cases.append(Case((np.array([3.0, 1.0, 2.0]), np.array([1, 1, 1])), note="pure node"))
    cases.append(Case((np.array([2.0, 2.0, 2.0]), np.array([0, 1, 0])), note="one distinct x"))
    cases.append(Case((np.array([5.0]), np.array([1])), note="one point"))
    cases.append(Case((np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 1, 1, 0])), note="tied gains"))
    cases.append(
        Case(
            (np.array([4.0, 3.0, 2.0, 1.0, 0.0]), np.array([1, 0, 1, 0, 1])),
            note="tied gains, unsorted x",
        )
    )
    # a midpoint between two equal x is that x itself: it ties with the true midpoint
    # after it, so candidates taken from the sorted x with repeats pick the wrong t
    cases.append(
        Case(
            (np.array([1.0, 1.0, 2.0, 3.0]), np.array([0, 0, 1, 1])),
            note="repeated x at the best split",
        )
    )
    # gains equal but for rounding (1/6 at t = 0.5 and t = 2.5, computed 5e-17 apart): a
    # strict ">" without the 1e-12 of the contract keeps the later t
    cases.append(
        Case((np.array([3.0, 0.0, 2.0, 1.0]), np.array([1, 0, 0, 1])), note="tie up to rounding")
    )
    return cases


def _kmeans_cases(rng):
    cases = [
        Case((np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0]]), np.array([[0.0, 0.0], [5.0, 4.0]])))
    ]
    for n, d, k in ((5, 1, 2), (20, 2, 3), (50, 4, 5)):
        cases.append(Case((rng.normal(0, 2, (n, d)), rng.normal(0, 2, (k, d)))))
    cases.append(
        Case(
            (np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[0.0, 0.0], [1.0, 0.0], [9.0, 9.0]])),
            note="empty cluster",
        )
    )
    cases.append(
        Case(
            (np.array([[1.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0], [2.0, 0.0]])),
            note="equidistant point",
        )
    )
    X = rng.integers(-3, 4, (15, 2)).astype(float)
    C = rng.integers(-3, 4, (4, 2)).astype(float)
    cases.append(Case((X, C), note="small integer points (ties)"))
    cases.append(
        Case(
            (np.array([[2.0, 2.0]]), np.array([[2.0, 2.0], [2.0, 2.0]])), note="duplicate centroids"
        )
    )
    return cases


def _knn_cases(rng):
    cases = [
        Case((np.array([[0.0], [1.0], [5.0]]), np.array([0, 0, 1]), np.array([[0.5], [4.0]]), 1))
    ]
    for n, m, d, k in ((10, 3, 2, 3), (30, 8, 3, 5), (40, 10, 4, 1)):
        cases.append(
            Case((rng.normal(0, 2, (n, d)), rng.integers(0, 3, n), rng.normal(0, 2, (m, d)), k))
        )
    X = rng.integers(-2, 3, (20, 2)).astype(float)
    cases.append(
        Case(
            (X, rng.integers(0, 3, 20), rng.integers(-2, 3, (8, 2)).astype(float), 4),
            note="equal distances",
        )
    )
    cases.append(
        Case(
            (np.array([[0.0], [1.0], [-1.0], [2.0]]), np.array([2, 1, 1, 2]), np.array([[0.0]]), 2),
            note="tied vote",
        )
    )
    cases.append(
        Case(
            (np.array([[1.0], [-1.0], [0.0]]), np.array([7, 3, 5]), np.array([[0.0]]), 3),
            note="three-way tied vote",
        )
    )
    cases.append(
        Case(
            (np.array([[1.0], [-1.0], [3.0]]), np.array([4, 2, 2]), np.array([[0.0]]), 1),
            note="equal distances, lower index first",
        )
    )
    return cases


def _pairwise_cases(rng):
    cases = [Case((np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[1.0, 0.0]])))]
    for n, m, d in ((1, 1, 1), (3, 4, 2), (10, 7, 5), (30, 20, 16)):
        cases.append(Case((rng.uniform(-10, 10, (n, d)), rng.uniform(-10, 10, (m, d)))))
    A = rng.uniform(-10, 10, (12, 8))
    cases.append(Case((A, A.copy()), note="identical points (distance 0)"))
    cases.append(
        Case(
            (rng.uniform(-10, 10, (2000, 64)), rng.uniform(-10, 10, (2000, 64))),
            note="2000 x 2000 x 64",
            max_seconds=2.0,
        )
    )
    return cases


def _cosine_cases(rng):
    cases = [Case((np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([[2.0, 0.0], [0.0, 3.0]])))]
    for n, m, d in ((1, 1, 3), (4, 5, 2), (10, 6, 8)):
        cases.append(Case((rng.normal(0, 3, (n, d)), rng.normal(0, 3, (m, d)))))
    A = rng.normal(0, 1, (3, 4))
    A[1] = 0
    B = rng.normal(0, 1, (2, 4))
    B[0] = 0
    cases.append(Case((A, B), note="zero rows"))
    cases.append(Case((np.zeros((2, 3)), np.zeros((1, 3))), note="all rows zero"))
    # rows of small norm are as alike as any (an epsilon added to the norms made 1 into 0.67)
    small = (np.array([[1e-4, 0.0], [0.0, 3e-5]]), np.array([[2e-4, 0.0], [1e-5, 1e-5]]))
    cases.append(Case(small, note="rows of small norm"))
    return cases


def _ridge_cases(rng):
    cases = [Case((np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([1.0, 2.0, 3.0]), 1.0))]
    for n, d, lam in ((10, 3, 0.5), (30, 5, 10.0), (5, 8, 2.0), (50, 4, 0.0)):
        cases.append(Case((rng.normal(0, 1, (n, d)), rng.normal(0, 3, n), lam)))
    return cases


def _logreg_cases(rng):
    cases = []
    for n, d in ((1, 1), (6, 2), (30, 4)):
        cases.append(
            Case(
                (rng.normal(0, 1, d), rng.normal(0, 1, (n, d)), rng.integers(0, 2, n).astype(float))
            )
        )
    X = np.array([[1.0, 2.0], [-3.0, 1.0], [2.0, -2.0]])
    cases.append(
        Case((np.array([300.0, 150.0]), X, np.array([0.0, 1.0, 1.0])), note="|Xw| up to 1e3")
    )
    cases.append(Case((np.array([0.0, 0.0]), X, np.array([1.0, 0.0, 1.0])), note="w = 0"))
    return cases


def _momentum_cases(rng):
    cases = []
    for d in (1, 3, 10):
        cases.append(
            Case((rng.normal(0, 1, d), rng.normal(0, 1, d), rng.normal(0, 1, d), 0.1, 0.9))
        )
    cases.append(
        Case(
            (np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((2, 2)), np.zeros((2, 2)), 0.5, 0.0),
            note="beta = 0",
        )
    )
    return cases


def _adam_cases(rng):
    cases = []
    for d, t in ((1, 1), (3, 1), (4, 10), (6, 1000)):
        cases.append(
            Case(
                (
                    rng.normal(0, 1, d),
                    rng.normal(0, 1, d),
                    rng.normal(0, 0.1, d),
                    rng.uniform(0, 0.1, d),
                    t,
                )
            )
        )
    d = 3
    cases.append(
        Case(
            (rng.normal(0, 1, d), rng.normal(0, 1, d), np.zeros(d), np.zeros(d), 1),
            {"lr": 0.1, "b1": 0.5, "b2": 0.9, "eps": 1e-3},
            "hyperparameters given",
        )
    )
    cases.append(Case((np.ones(2), np.zeros(2), np.zeros(2), np.zeros(2), 1), note="zero gradient"))
    return cases


def _pca_data(rng, n, d):
    scales = np.linspace(3.0, 0.5, d) * rng.uniform(0.9, 1.1)
    basis, _ = np.linalg.qr(rng.normal(0, 1, (d, d)))
    return (rng.normal(0, 1, (n, d)) * scales) @ basis.T + rng.normal(0, 5, d)


def _pca_cases(rng):
    cases = []
    for n, d, k in ((10, 2, 1), (40, 3, 2), (60, 5, 3), (30, 4, 4)):
        cases.append(Case((_pca_data(rng, n, d), k)))
    return cases


def _standardize_cases(rng):
    cases = [Case((np.array([[1.0, 2.0], [3.0, 2.0]]), np.array([[2.0, 5.0]])))]
    for n, m, d in ((2, 1, 1), (10, 4, 3), (30, 6, 5)):
        cases.append(Case((rng.normal(5, 3, (n, d)), rng.normal(5, 3, (m, d)))))
    X = rng.normal(0, 1, (3, 3))
    X[:, 1] = 0.1  # std of three 0.1s is 1.4e-17 in floating point, not 0
    cases.append(Case((X, rng.normal(0, 1, (2, 3))), note="constant column (0.1)"))
    X = rng.normal(0, 1, (5, 2))
    X[:, 0] = 7.0
    cases.append(Case((X, np.array([[7.0, 1.0], [8.0, 0.0]])), note="constant column"))
    # values that differ are standardised however small their spread (no std < eps test)
    X = np.array([[0.0, 1.0], [1e-9, 2.0], [2e-9, 4.0]])
    cases.append(Case((X, np.array([[1e-9, 0.0]])), note="tiny but real spread"))
    return cases


def _norm_params(rng, d):
    return rng.normal(1, 0.5, d), rng.normal(0, 0.5, d)


def _batchnorm_cases(rng):
    cases = []
    for n, d in ((2, 1), (8, 3), (32, 6)):
        cases.append(Case((rng.normal(3, 2, (n, d)), *_norm_params(rng, d))))
    x = rng.normal(0, 1, (4, 3))
    x[:, 2] = 5.0
    cases.append(Case((x, *_norm_params(rng, 3)), note="constant column"))
    cases.append(Case((rng.normal(0, 1, (6, 2)), *_norm_params(rng, 2)), {"eps": 0.5}, "eps given"))
    return cases


def _layernorm_cases(rng):
    cases = []
    for shape in ((1, 4), (5, 3), (2, 3, 6)):
        cases.append(Case((rng.normal(3, 2, shape), *_norm_params(rng, shape[-1]))))
    x = rng.normal(0, 1, (3, 4))
    x[1] = 2.0
    cases.append(Case((x, *_norm_params(rng, 4)), note="constant row"))
    cases.append(Case((rng.normal(0, 1, (4, 5)), *_norm_params(rng, 5)), {"eps": 0.5}, "eps given"))
    return cases


def _dropout_cases(rng):
    cases = []
    for seed, (shape, p) in enumerate((((5,), 0.5), ((4, 3), 0.2), ((2, 3, 4), 0.9)), start=1):
        cases.append(Case((rng.normal(0, 1, shape), p, SeededRng(seed))))
    cases.append(Case((rng.normal(0, 1, (3, 3)), 0.0, SeededRng(7)), note="p = 0"))
    return cases


def _linear_backward_cases(rng):
    cases = []
    for n, d, h in ((1, 1, 1), (4, 3, 2), (10, 5, 7)):
        cases.append(
            Case((rng.normal(0, 1, (n, h)), rng.normal(0, 1, (n, d)), rng.normal(0, 1, (d, h))))
        )
    return cases


def _relu_backward_cases(rng):
    cases = [Case((np.array([1.0, 2.0, 3.0]), np.array([-1.0, 0.0, 2.0])), note="x = 0")]
    for shape in ((5,), (3, 4), (2, 2, 3)):
        x = rng.normal(0, 1, shape)
        x.flat[0] = 0.0
        cases.append(Case((rng.normal(0, 1, shape), x)))
    return cases


def _attention_cases(rng):
    cases = []
    for batch, n, m, d, dv in (
        ((), 1, 1, 1, 1),
        ((), 3, 4, 2, 3),
        ((2,), 4, 5, 8, 2),
        ((2, 3), 2, 3, 4, 4),
    ):
        q = rng.normal(0, 1, (*batch, n, d))
        k = rng.normal(0, 1, (*batch, m, d))
        v = rng.normal(0, 1, (*batch, m, dv))
        cases.append(Case((q, k, v)))
    q, k, v = rng.normal(0, 1, (4, 3)), rng.normal(0, 1, (4, 3)), rng.normal(0, 1, (4, 2))
    cases.append(Case((q, k, v), {"mask": ref.causal_mask(4)}, "causal mask"))
    qb, kb, vb = (
        rng.normal(0, 1, (2, 3, 4)),
        rng.normal(0, 1, (2, 5, 4)),
        rng.normal(0, 1, (2, 5, 3)),
    )
    mask = rng.random((2, 1, 5)) < 0.6
    mask[..., 0] = True
    cases.append(Case((qb, kb, vb), {"mask": mask}, "broadcast mask"))
    cases.append(
        Case(
            (rng.normal(0, 30, (3, 4)), rng.normal(0, 30, (5, 4)), rng.normal(0, 1, (5, 2))),
            note="large scores",
        )
    )
    return cases


def _conv_cases(rng):
    cases = [
        Case(
            (np.arange(16.0).reshape(4, 4), np.array([[1.0, 0.0], [0.0, -1.0]])),
            note="asymmetric kernel",
        )
    ]
    for (h, w), (kh, kw), s, p in (
        ((5, 5), (3, 3), 1, 0),
        ((6, 7), (2, 3), 2, 1),
        ((7, 5), (3, 2), 3, 2),
        ((3, 3), (3, 3), 1, 0),
    ):
        cases.append(
            Case(
                (rng.normal(0, 1, (h, w)), rng.normal(0, 1, (kh, kw))), {"stride": s, "padding": p}
            )
        )
    cases.append(
        Case((rng.normal(0, 1, (4, 4)), rng.normal(0, 1, (3, 3))), {"padding": 1}, "padding")
    )
    return cases


def _maxpool_cases(rng):
    cases = [Case((np.arange(16.0).reshape(4, 4), 2, 2))]
    for (h, w), size, stride in (((5, 5), 2, 2), ((6, 7), 3, 2), ((4, 6), 2, 1), ((3, 3), 3, 3)):
        cases.append(Case((rng.normal(0, 1, (h, w)), size, stride)))
    cases.append(Case((-np.abs(rng.normal(0, 1, (4, 4))), 2, 2), note="all negative"))
    return cases


def _tfidf_cases(rng):
    cases = [Case(([["the", "cat"], ["the", "dog", "dog"]],))]
    words = ["ml", "data", "Data", "model", "loss", "grad", "a"]
    for n in (1, 4, 8):
        docs = [[str(w) for w in rng.choice(words, int(rng.integers(1, 7)))] for _ in range(n)]
        cases.append(Case((docs,)))
    cases.append(Case(([["a", "b"], [], ["b", "b", "c"]],), note="empty document"))
    cases.append(Case(([["Apple", "apple", "APPLE"], ["apple"]],), note="case kept as given"))
    return cases


def _one_hot_cases(rng):
    cases = [Case((np.array([0, 2, 1]), 3))]
    for n, k in ((1, 1), (6, 4), (20, 10)):
        cases.append(Case((rng.integers(0, k, n), k)))
    cases.append(Case((np.array([0, 1]), 5), note="classes beyond the largest label"))
    return cases


def _ewma_cases(rng):
    cases = [Case((np.array([1.0, 2.0, 3.0]), 0.5))]
    for n, alpha in ((1, 0.3), (10, 0.1), (50, 0.9), (5, 1.0)):
        cases.append(Case((rng.normal(0, 3, n), alpha)))
    return cases


def _nb_cases(rng):
    cases = []
    for n, m, d, k in ((6, 3, 4, 2), (20, 8, 6, 3), (40, 10, 10, 4)):
        X = rng.poisson(2.0, (n, d)).astype(float)
        y = rng.integers(0, k, n)
        y[:k] = np.arange(k)
        cases.append(Case((X, y, rng.poisson(2.0, (m, d)).astype(float))))
    X = np.array([[3.0, 0.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 4.0]])
    y = np.array([0, 0, 1])
    cases.append(
        Case((X, y, np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])), note="unseen feature in a class")
    )
    # rows 2 and 3 are predicted differently with alpha=1, so ignoring alpha fails
    test_rows = np.array([[1.0, 0.0, 2.0], [2.0, 0.0, 2.0], [1.0, 3.0, 2.0]])
    cases.append(Case((X, y, test_rows), {"alpha": 0.5}, "alpha given"))
    cases.append(
        Case(
            (X, np.array([2, 2, 5]), np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])),
            note="labels 2 and 5",
        )
    )
    return cases


def _iou_cases(rng):
    cases = [Case((np.array([0.0, 0.0, 2.0, 2.0]), np.array([1.0, 1.0, 3.0, 3.0])))]
    for _ in range(4):
        a = np.sort(rng.uniform(0, 10, (2, 2)), axis=0).T.ravel()[[0, 2, 1, 3]]
        b = np.sort(rng.uniform(0, 10, (2, 2)), axis=0).T.ravel()[[0, 2, 1, 3]]
        cases.append(Case((a, b)))
    cases.append(
        Case((np.array([0.0, 0.0, 1.0, 1.0]), np.array([2.0, 2.0, 3.0, 3.0])), note="no overlap")
    )
    cases.append(
        Case(
            (np.array([0.0, 0.0, 1.0, 1.0]), np.array([1.0, 0.0, 2.0, 1.0])), note="touching edges"
        )
    )
    cases.append(
        Case((np.array([0.0, 0.0, 1.0, 1.0]), np.array([0.0, 0.0, 1.0, 1.0])), note="identical")
    )
    cases.append(
        Case(
            (np.array([0.0, 0.0, 4.0, 4.0]), np.array([1.0, 1.0, 2.0, 2.0])),
            note="one inside the other",
        )
    )
    cases.append(
        Case(
            (np.array([0.0, 5.0, 2.0, 6.0]), np.array([3.0, 0.0, 4.0, 1.0])),
            note="apart on both axes",
        )
    )
    return cases


def _nms_cases(rng):
    boxes = np.array([[0.0, 0.0, 2.0, 2.0], [0.1, 0.1, 2.1, 2.1], [5.0, 5.0, 6.0, 6.0]])
    cases = [Case((boxes, np.array([0.9, 0.8, 0.7]), 0.5))]
    for n in (1, 6, 20):
        xy = rng.uniform(0, 10, (n, 2))
        wh = rng.uniform(1, 4, (n, 2))
        cases.append(Case((np.hstack([xy, xy + wh]), rng.uniform(0, 1, n), 0.3)))
    half = np.array([[0.0, 0.0, 2.0, 1.0], [0.0, 0.0, 1.0, 1.0]])  # IoU exactly 0.5
    cases.append(Case((half, np.array([0.9, 0.8]), 0.5), note="IoU equal to the threshold"))
    same = np.array([[0.0, 0.0, 1.0, 1.0], [5.0, 5.0, 6.0, 6.0], [0.0, 0.0, 1.0, 1.0]])
    cases.append(Case((same, np.array([0.5, 0.5, 0.5]), 0.5), note="equal scores"))
    cases.append(Case((boxes, np.array([0.1, 0.9, 0.2]), 0.0), note="threshold 0"))
    chain = np.array([[0.0, 0.0, 2.0, 1.0], [1.0, 0.0, 3.0, 1.0], [2.0, 0.0, 4.0, 1.0]])
    cases.append(
        Case((chain, np.array([0.9, 0.8, 0.7]), 0.2), note="suppressed box does not suppress")
    )
    return cases


SUITES: dict[str, Suite] = {
    "coding-softmax": Suite("softmax", ref.softmax, _softmax_cases, array("f")),
    "coding-log-softmax": Suite("log_softmax", ref.log_softmax, _softmax_cases, array("f")),
    "coding-sigmoid": Suite("sigmoid", ref.sigmoid, _sigmoid_cases, array("f")),
    "coding-bce": Suite("binary_cross_entropy", ref.binary_cross_entropy, _bce_cases, number()),
    "coding-ce-logits": Suite(
        "cross_entropy_from_logits", ref.cross_entropy_from_logits, _ce_cases, number()
    ),
    "coding-ce-grad": Suite("cross_entropy_grad", ref.cross_entropy_grad, _ce_cases, array("f")),
    "coding-roc-auc": Suite("roc_auc", ref.roc_auc, _ranking_cases, number()),
    "coding-average-precision": Suite(
        "average_precision", ref.average_precision, _ranking_cases, number()
    ),
    "coding-precision-at-k": Suite(
        "precision_at_k", ref.precision_at_k, _precision_at_k_cases, number()
    ),
    "coding-ndcg": Suite("ndcg_at_k", ref.ndcg_at_k, _ndcg_cases, number()),
    "coding-f1": Suite("f1_score", ref.f1_score, _f1_cases, number()),
    "coding-gini": Suite("gini_impurity", ref.gini_impurity, _impurity_cases, number()),
    "coding-entropy": Suite("entropy_bits", ref.entropy_bits, _impurity_cases, number()),
    "coding-info-gain": Suite("information_gain", ref.information_gain, _info_gain_cases, number()),
    "coding-best-split": Suite(
        "best_threshold", ref.best_threshold, _best_split_cases, threshold_and_gain
    ),
    "coding-kmeans-step": Suite(
        "kmeans_step", ref.kmeans_step, _kmeans_cases, pair(array("i"), array("f"))
    ),
    "coding-knn-predict": Suite("knn_predict", ref.knn_predict, _knn_cases, array("i")),
    "coding-pairwise-dist": Suite(
        "pairwise_sq_dists",
        ref.pairwise_sq_dists,
        _pairwise_cases,
        array("f", atol=1e-7),
        check=no_negatives,
    ),
    "coding-cosine-sim": Suite(
        "cosine_similarity_matrix", ref.cosine_similarity_matrix, _cosine_cases, array("f")
    ),
    "coding-ridge-fit": Suite("ridge_fit", ref.ridge_fit, _ridge_cases, array("f")),
    "coding-logreg-grad": Suite(
        "logistic_loss_grad", ref.logistic_loss_grad, _logreg_cases, pair(number(), array("f"))
    ),
    "coding-momentum-step": Suite(
        "momentum_step", ref.momentum_step, _momentum_cases, pair(array("f"), array("f"))
    ),
    "coding-adam-step": Suite(
        "adam_step", ref.adam_step, _adam_cases, pair(array("f"), array("f"), array("f"))
    ),
    "coding-pca": Suite("pca", ref.pca, _pca_cases, pair(array("f"), array("f"))),
    "coding-standardize": Suite(
        "standardize", ref.standardize, _standardize_cases, pair(array("f"), array("f"))
    ),
    "coding-batchnorm": Suite(
        "batchnorm_forward", ref.batchnorm_forward, _batchnorm_cases, array("f")
    ),
    "coding-layernorm": Suite(
        "layernorm_forward", ref.layernorm_forward, _layernorm_cases, array("f")
    ),
    "coding-dropout": Suite(
        "dropout_forward", ref.dropout_forward, _dropout_cases, pair(array("f"), array("f"))
    ),
    "coding-linear-backward": Suite(
        "linear_backward",
        ref.linear_backward,
        _linear_backward_cases,
        pair(array("f"), array("f"), array("f")),
    ),
    "coding-relu-backward": Suite(
        "relu_backward", ref.relu_backward, _relu_backward_cases, array("f")
    ),
    "coding-attention": Suite(
        "scaled_dot_product_attention",
        ref.scaled_dot_product_attention,
        _attention_cases,
        array("f"),
    ),
    "coding-causal-mask": Suite(
        "causal_mask",
        ref.causal_mask,
        lambda rng: [Case((n,)) for n in (1, 2, 3, 5, 8)],
        array("b"),
    ),
    "coding-conv2d": Suite("conv2d", ref.conv2d, _conv_cases, array("f")),
    "coding-maxpool": Suite("maxpool2d", ref.maxpool2d, _maxpool_cases, array("f")),
    "coding-tfidf": Suite("tfidf", ref.tfidf, _tfidf_cases, vocab_and_matrix),
    "coding-one-hot": Suite("one_hot", ref.one_hot, _one_hot_cases, array("f", dtype="float64")),
    "coding-ewma": Suite("ewma", ref.ewma, _ewma_cases, array("f")),
    "coding-naive-bayes": Suite(
        "multinomial_nb_predict", ref.multinomial_nb_predict, _nb_cases, array("i")
    ),
    "coding-iou": Suite("box_iou", ref.box_iou, _iou_cases, number()),
    "coding-nms": Suite("nms", ref.nms, _nms_cases, int_list()),
}


def seed_for(card_id: str) -> int:
    """A fixed seed per drill, so a drill's tests are the same on every run."""
    return sum((i + 1) * ord(c) for i, c in enumerate(card_id))
