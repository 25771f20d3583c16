from __future__ import annotations

import pytest

from mlprep.grading import parse_number, parse_option_numbers
from mlprep.model import Expect


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("0.5", 0.5),
        (".5", 0.5),
        ("-3", -3.0),
        ("1e-3", 0.001),
        ("1/4", 0.25),
        ("50%", 0.5),
        ("1,000", 1000.0),
        ("12,345.5", 12345.5),
        (" 7 ", 7.0),
        ("\u22121.5", -1.5),  # the minus sign, as some keyboards and pastes give it
    ],
)
def test_numbers_as_people_type_them(typed, value):
    assert parse_number(typed) == pytest.approx(value)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "nothing typed; for example 0.25"),
        ("abc", "'abc' is not a number"),
        ("1/0", "division by zero"),
        ("1/x", "'1/x' is not a number"),
        ("0,54", "use a dot for decimals"),
        ("0,001", "use a dot for decimals"),  # (no thousands start with 0: not 1)
        ("1e400", "too large"),
    ],
)
def test_non_numbers_get_a_reason(typed, reason):
    with pytest.raises(ValueError, match=reason):
        parse_number(typed)


def test_tolerance_is_absolute_with_rounding_slack():
    expect = Expect(0.278, 0.001)
    assert expect.accepts(0.2785) and expect.accepts(0.277)
    assert not expect.accepts(0.28)
    assert Expect(15).accepts(15.0) and not Expect(15).accepts(15.01)


def test_option_numbers():
    assert parse_option_numbers("2", 3, several=False) == [1]
    assert parse_option_numbers("3, 1 3", 3, several=True) == [0, 2]
    for typed, several, reason in [
        ("", False, "choose an option from 1 to 3"),
        ("1 2", False, "choose one option from 1 to 3"),
        ("4", True, r"choose from 1 to 3 \('4' is not an option\)"),
        ("b", False, r"choose from 1 to 3 \('b' is not an option\)"),
    ]:
        with pytest.raises(ValueError, match=reason):
            parse_option_numbers(typed, 3, several)


def test_an_option_number_of_thousands_of_digits_is_not_an_option():
    with pytest.raises(ValueError) as caught:
        parse_option_numbers("9" * 5000, 3, several=True)
    assert (
        str(caught.value)
        == "choose from 1 to 3 ('999999999999999999999999999...' is not an option)"
    )


def test_a_huge_number_is_named_briefly():
    with pytest.raises(ValueError) as caught:
        parse_number("9" * 5000 + "/2")
    assert str(caught.value) == "'999999999999999999999999999...' is too large"
