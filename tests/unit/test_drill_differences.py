"""What a failed drill says about how its output differs from the expected values: the one
simple relation that holds (a factor, the sign, an offset, the transpose), else where."""

from __future__ import annotations

import numpy as np
import pytest

from mlprep.drills.cases import array, how_values_differ, int_list, number


@pytest.mark.parametrize(
    ("got", "why"),
    [
        # a mean's 1/n forgotten over 3 rows
        (lambda e: e * 3, "values differ: each is 3 times the expected"),
        # a variance divided by n where n - 1 was asked (n = 5)
        (lambda e: e * 0.8, "values differ: each is 0.8 times the expected"),
        (lambda e: e / 4, "values differ: each is 1/4 of the expected"),
        # (it said "1/-4 of the expected")
        (lambda e: e / -4, "values differ: each is -1/4 of the expected"),
        # a gradient's sign flipped
        (lambda e: -e, "values differ: each has the opposite sign"),
        (lambda e: e + 1.5, "values differ: each is off by the same +1.5"),
        (lambda e: e.T, "values differ: the output is the transpose of the expected"),
        # a small error in every value (an off-by-one step count): "each is 1 times" before
        (lambda e: e * 1.000042, "values differ: each is 1.000042 times the expected"),
    ],
)
def test_one_relation_between_output_and_expected_is_named(got, why):
    expected = np.array([[0.5, -1.0, 2.0], [3.0, 0.25, -4.0], [1.0, 7.0, 0.1]])
    assert array()(expected, got(expected)) == why


def test_scattered_differences_say_how_many_and_where_the_first_is():
    expected = np.arange(6.0).reshape(2, 3)
    got = expected.copy()
    got[0, 2] += 1
    got[1, 0] -= 5
    why = "values differ at 2 of 6 positions, the first at index (0, 2)"
    assert array()(expected, got) == why
    flat = np.arange(5.0)
    assert array()(flat, flat + np.array([0, 0, 0, 2.0, 9.0])) == (
        "values differ at 2 of 5 positions, the first at index 3"
    )


def test_integers_and_single_numbers_are_described_too():
    assert array("i")(np.array([1, 2, 3]), np.array([2, 4, 6])) == (
        "values differ: each is 2 times the expected"
    )
    assert number()(0.25, 0.5) == "value differs: it is 2 times the expected"
    assert number()(2.0, -2.0) == "value differs: it has the opposite sign"
    assert number()(2.0, 2.7) == "value differs: it is 1.35 times the expected"
    assert int_list()([1, 2], [2, 1]) == "values differ"  # (a list's order: said as it is)


def test_no_relation_is_claimed_where_none_holds():
    expected = np.array([0.0, 0.0, 0.0])  # (no factor of zeros)
    assert how_values_differ(expected, np.array([0.0, 1.0, 0.0])) == (
        "values differ at 1 of 3 positions, the first at index 1"
    )
    assert how_values_differ(np.array([1.0, np.nan]), np.array([2.0, 3.0])) == "values differ"
    assert how_values_differ(0.0, 1.0) == "value differs"


@pytest.mark.parametrize(
    ("got", "why"),
    [
        (lambda e: e * 3, "values differ: each is 3 times the expected"),
        (lambda e: -e, "values differ: each has the opposite sign"),
        (lambda e: e - 0.5, "values differ: each is off by the same -0.5"),
        (lambda e: e.T, "values differ: the output is the transpose of the expected"),
        # a small error in every value (an off-by-one step count): "each is 1 times" before
        (lambda e: e * 1.000042, "values differ: each is 1.000042 times the expected"),
    ],
)
def test_a_large_output_is_described_as_a_small_one(got, why):
    # (a relation is tried on a sample of the positions first: a 2000 x 2000 output took a
    # second to describe)
    expected = np.random.default_rng(3).uniform(-10, 10, (300, 300))
    assert array()(expected, got(expected)) == why


def test_a_relation_broken_at_one_position_is_not_claimed_for_a_large_output():
    # positions 1 and (299, 298) lie between those a relation is first tried on: the whole
    # output decides
    expected = np.random.default_rng(4).uniform(1, 10, (300, 300))
    got = expected * 3
    got[0, 1] = 0.0
    assert array()(expected, got) == (
        "values differ at 90000 of 90000 positions, the first at index (0, 0)"
    )
    got = expected.copy()
    got[299, 298] += 1
    assert array()(expected, got) == (
        "values differ at 1 of 90000 positions, the first at index (299, 298)"
    )
    symmetric = expected + expected.T
    got = symmetric.T.copy()
    got[0, 1] = -1.0
    assert array()(symmetric, got) == (
        "values differ at 1 of 90000 positions, the first at index (0, 1)"
    )


def test_a_tuple_item_that_differs_is_named_as_python_counts_it():
    from mlprep.drills.cases import pair

    compare = pair(array(), array(), array())
    expected = (np.ones(3), np.zeros(3), np.arange(3.0))
    got = (np.ones(3), np.zeros(3) - 2.0, np.arange(3.0))
    assert compare(expected, got) == (
        "the tuple's second item, [1]: values differ: each is off by the same -2"
    )
