"""Deck validation: every problem at once, each as path:line: card 'id': what is wrong."""

from __future__ import annotations

import textwrap

import pytest

from mlprep.model import CardType
from mlprep.schema import parse_deck


def problems(text: str) -> list[str]:
    deck, found = parse_deck(textwrap.dedent(text), "d.yaml")
    assert (deck is None) == bool(found)
    return [str(p) for p in found]


HEAD = "id: d\ntitle: T\ncards:\n"

BROKEN = [
    (
        "tab indentation",
        "id: d\ntitle: T\ncards:\n\t- id: d-a\n",
        ["d.yaml:4: tab used for indentation; indent with spaces"],
    ),
    (
        "bad indentation",
        HEAD + "  - id: d-a\n   q: x\n",
        [
            "d.yaml:5: invalid YAML: did not find expected '-' indicator"
            " (in a block collection that starts at line 4)"
        ],
    ),
    (
        "a quote never closed",
        HEAD + '  - id: d-a\n    q: "unterminated\n    a: x\n    explain: y\n',
        [
            "d.yaml:5: invalid YAML: a quoted scalar that starts here is never closed"
            " (found unexpected end of stream)"
        ],
    ),
    (
        "duplicate key in a card",
        HEAD + "  - id: d-a\n    q: one\n    a: x\n    q: two\n",
        ["d.yaml:7: card 'd-a': duplicate key 'q' (first at line 5)"],
    ),
    (
        "unknown key with a suggestion",
        HEAD + "  - id: d-a\n    q: x\n    a: y\n    explian: z\n",
        ["d.yaml:7: card 'd-a': unknown key 'explian' (did you mean 'explain'?)"],
    ),
    (
        "missing and empty q/a",
        HEAD + "  - id: d-a\n    q: ''\n",
        [
            "d.yaml:4: card 'd-a': 'a' is missing or empty",
            "d.yaml:5: card 'd-a': 'q' is missing or empty",
        ],
    ),
    (
        "missing id",
        HEAD + "  - q: x\n    a: y\n",
        ["d.yaml:4: card #1: 'id' is missing (every card needs a unique id)"],
    ),
    (
        "wrong types",
        HEAD + "  - id: d-a\n    q: [x]\n    a: y\n    difficulty: 5\n    tags: x\n",
        [
            "d.yaml:5: card 'd-a': 'q' must be text, not a list",
            "d.yaml:7: card 'd-a': difficulty must be 1, 2 or 3, not 5",
            "d.yaml:8: card 'd-a': 'tags' must be a list, not text",
        ],
    ),
    (
        "terminal escape sequences in text",
        HEAD
        + '  - id: d-a\n    q: "Hi \\x1b]0;pwned\\x07"\n    a: "tabs\\tand\\nnewlines are fine"\n',
        [
            "d.yaml:5: card 'd-a': 'q' contains a control character (U+001B); decks are shown as "
            "plain text"
        ],
    ),
    (
        "a bare null in a list",
        HEAD + "  - id: d-a\n    q: x\n    a: y\n    tags: [joins, null]\n",
        [
            "d.yaml:7: card 'd-a': 'tags' has an empty item (YAML reads a bare null or ~ as "
            "nothing; quote it)"
        ],
    ),
    (
        "choices with no correct option",
        HEAD + "  - id: d-a\n    q: x\n    a: y\n    choices:\n      - text: p\n      - text: q\n",
        ["d.yaml:7: card 'd-a': no choice is marked 'correct: true'"],
    ),
    (
        "a single choice",
        HEAD + "  - id: d-a\n    q: x\n    a: y\n    choices:\n      - {text: p, correct: true}\n",
        ["d.yaml:7: card 'd-a': 'choices' must be a list of at least two options"],
    ),
    (
        "expect without a number",
        HEAD + "  - id: d-a\n    q: x\n    a: y\n    expect: {value: half}\n",
        ["d.yaml:7: card 'd-a': expect value must be a number, not text"],
    ),
    (
        "sql card without its solution",
        HEAD + "  - id: d-a\n    type: sql\n    db: shop\n    q: x\n    a: y\n",
        ["d.yaml:4: card 'd-a': 'solution' is missing or empty"],
    ),
    (
        "sql keys on an open card",
        HEAD + "  - id: d-a\n    q: x\n    a: y\n    ordered: true\n",
        ["d.yaml:7: card 'd-a': 'ordered' is only for 'type: sql' cards"],
    ),
    (
        "duplicate card ids in one deck",
        HEAD + "  - {id: d-a, q: x, a: y}\n  - {id: d-a, q: z, a: w}\n",
        ["d.yaml:5: card 'd-a': duplicate card id (first at line 4)"],
    ),
    (
        "a python tag is refused, never constructed",
        HEAD + "  - !!python/object/apply:os.system ['echo pwned']\n",
        [
            "d.yaml:4: unsupported YAML tag tag:yaml.org,2002:python/object/apply:os.system",
        ],
    ),
    (
        "an alias of a text is refused as one of a mapping is",
        HEAD + "  - {id: d-a, q: x, a: &long y}\n  - {id: d-b, q: z, a: *long}\n",
        ["d.yaml:5: YAML anchors and aliases (&name, *name) are not supported"],
    ),
    (
        "a newer deck format",
        "format: 3\nid: d\ntitle: T\ncards: []\n",
        ["d.yaml:1: deck format 3 is newer than this mlprep understands (2); upgrade mlprep"],
    ),
    (
        "a deck format below the first",
        "format: 0\n" + HEAD + "  - {id: d-a, q: x, a: y}\n",
        ["d.yaml:1: 'format' must be a deck format from 1 to 2, not 0"],
    ),
    (
        "no cards",
        "id: d\ntitle: T\n",
        ["d.yaml:1: 'cards' must be a non-empty list of cards"],
    ),
    (
        "not a mapping",
        "- just\n- a list\n",
        ["d.yaml:1: a deck must be a mapping with 'id', 'title' and 'cards', not a list"],
    ),
    ("empty file", "", ["d.yaml: the file is empty; a deck needs 'id', 'title' and 'cards'"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [case[1:] for case in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_broken_decks_give_exact_messages(text, expected):
    assert problems(text) == expected


def test_every_problem_is_reported_at_once():
    text = (
        HEAD + "  - {id: d-a, q: x}\n  - {id: D_B, q: x, a: y}\n  - {id: d-c, q: x, a: y, x: 1}\n"
    )
    assert problems(text) == [
        "d.yaml:4: card 'd-a': 'a' is missing or empty",
        "d.yaml:5: card 'D_B': id must be lower-case letters and digits, in words joined by one "
        "'-' (my-deck-2)",
        "d.yaml:6: card 'd-c': unknown key 'x' (known: id, q, a, explain, choices, expect, "
        "type, db, solution, ordered, rubric, difficulty, tags, refs, followups, keypoints, "
        "misconceptions, signature, tests)",
    ]


def test_a_complete_card_becomes_a_model_object():
    deck, found = parse_deck(
        HEAD
        + textwrap.dedent(
            """\
              - id: d-sql
                type: sql
                db: shop
                q: Count users.
                a: COUNT(*) over users.
                solution: SELECT COUNT(*) FROM users;
                ordered: false
                difficulty: 1
                tags: [aggregation]
                refs: ["SQLite docs"]
                followups: [What about NULLs?]
            """
        ),
        "d.yaml",
    )
    assert found == []
    card = deck.cards[0]
    assert card.type is CardType.SQL
    assert (card.db, card.solution, card.difficulty, card.deck) == (
        "shop",
        "SELECT COUNT(*) FROM users;",
        1,
        "d",
    )
    assert card.tags == ("aggregation",) and card.followups == ("What about NULLs?",)
    assert card.line == 4


def test_the_documented_example_is_valid():
    from tests.conftest import REPO

    doc = (REPO / "docs" / "deck-format.md").read_text()
    complete = doc.split("## A complete example", 1)[1]
    example = complete.split("```yaml\n", 1)[1].split("```", 1)[0]
    deck, found = parse_deck(example, "example.yaml")
    assert found == []
    assert len(deck.cards) == 4
    # copied as written beside the built-in decks, none of its ids is theirs (it would be
    # skipped)
    from mlprep.decks import load_files
    from mlprep.paths import builtin_content_dir

    builtin = load_files([builtin_content_dir() / "decks"], builtin=True).decks
    assert deck.id not in {d.id for d in builtin}
    assert not {c.id for c in deck.cards} & {c for d in builtin for c in d.index.ids}
    keypoints = doc.split("## Keypoints and misconceptions", 1)[1]
    card = keypoints.split("```yaml\n", 1)[1].split("```", 1)[0]
    deck, found = parse_deck("format: 2\n" + HEAD + card, "example.yaml")
    assert found == []
    assert len(deck.cards[0].keypoints) == 3 and len(deck.cards[0].misconceptions) == 1


KEYPOINT_CARD = HEAD + textwrap.dedent(
    """\
      - id: d-bag
        q: What does bagging do to bias and variance?
        a: It mainly reduces variance; bias stays about the same.
        keypoints:
          - point: Bagging mainly reduces variance
            match: ["reduce|lower variance", "less variance"]
          - point: Bias stays about the same
            match: ["bias unchanged|same"]
        misconceptions:
          - claim: Bagging reduces bias
            match: ["reduce|lower bias"]
            correction: Boosting is what attacks bias.
    """
)


def test_keypoints_and_misconceptions_become_model_objects():
    deck, found = parse_deck("format: 2\n" + KEYPOINT_CARD, "d.yaml")
    assert found == []
    card = deck.cards[0]
    assert [k.point for k in card.keypoints] == [
        "Bagging mainly reduces variance",
        "Bias stays about the same",
    ]
    assert card.keypoints[0].match == ("reduce|lower variance", "less variance")
    (wrong,) = card.misconceptions
    assert (wrong.claim, wrong.match, wrong.correction) == (
        "Bagging reduces bias",
        ("reduce|lower bias",),
        "Boosting is what attacks bias.",
    )


def test_a_format_1_deck_still_loads():
    deck, found = parse_deck("format: 1\n" + HEAD + "  - id: d-a\n    q: x\n    a: y\n", "d.yaml")
    assert found == [] and deck.cards[0].keypoints == ()


def test_a_choice_keeps_its_why():
    deck, found = parse_deck(
        HEAD + "  - id: d-a\n    q: x\n    a: y\n    choices:\n"
        "      - {text: one, correct: true, why: It is right.}\n      - {text: two}\n",
        "d.yaml",
    )
    assert found == []
    assert [c.why for c in deck.cards[0].choices] == ["It is right.", ""]


BROKEN_KEYPOINTS = [
    (
        "one keypoint is too few",
        "    keypoints:\n      - {point: p, match: [a b]}\n",
        ["d.yaml:7: card 'd-a': 'keypoints' lists 1 claim; a full answer makes 2-6"],
    ),
    (
        "keypoint without match, a bare string, an unknown key",
        "    keypoints:\n      - {point: p}\n      - just text\n"
        "      - {point: q, match: [x], mtch: y}\n",
        [
            "d.yaml:8: card 'd-a': 'match' is missing (the phrases that show the claim)",
            "d.yaml:9: card 'd-a': each item of 'keypoints' must be a mapping like "
            "{point: ..., match: [...]}",
            "d.yaml:10: card 'd-a': unknown keypoint key 'mtch' (did you mean 'match'?)",
        ],
    ),
    (
        "empty alternative and an overlong phrase",
        "    keypoints:\n      - point: p\n        match:\n          - a||b\n"
        "          - one two three four five six seven eight nine\n"
        "      - {point: q, match: [x]}\n",
        [
            "d.yaml:10: card 'd-a': match phrase 'a||b' has an empty '|' alternative",
            "d.yaml:11: card 'd-a': match phrase 'one two three four five six seven eight "
            "nine' has 9 words; keep a claim's few content words (at most 8)",
        ],
    ),
    (
        "misconception without a correction, with an empty match",
        "    misconceptions:\n      - claim: c\n        match: []\n",
        [
            "d.yaml:8: card 'd-a': 'correction' is missing or empty",
            "d.yaml:9: card 'd-a': 'match' needs at least one phrase",
        ],
    ),
    (
        "keypoints on a choice card",
        "    choices:\n      - {text: one, correct: true}\n      - {text: two}\n"
        "    keypoints:\n      - {point: p, match: [x]}\n      - {point: q, match: [y]}\n",
        ["d.yaml:10: card 'd-a': 'keypoints' are for open cards (not choice, number or sql cards)"],
    ),
]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [case[1:] for case in BROKEN_KEYPOINTS],
    ids=[c[0] for c in BROKEN_KEYPOINTS],
)
def test_broken_keypoints_give_exact_messages(extra, expected):
    assert problems(HEAD + "  - id: d-a\n    q: x\n    a: y\n" + extra) == expected


SCALARS = [
    *"yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF".split(),
    *"y n Y N tRUE yES oN nULL ~ null Null NULL nil None Nothing".split(),
    *"0 -1 +2 3.5 .5 .inf -.Inf .NaN 1e3 0x1F 0o17 017 1_000 12:30:00 2026-11-25 <<".split(),
    *"tree Trees forest Off-by-one on-call nullable Tabs ~home = ! & *".split(),
    "The right option",
    "O(n log n) time",
]


def test_deck_scalars_read_as_the_safe_loader_reads_them():
    """Every scalar of SCALARS reads as the safe loader reads it, or fails as it fails. (All
    in one test: a test each cost many times the reading.)"""
    import yaml

    from mlprep.schema import _Loader

    safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # what decks were read with before
    unlike = []
    for scalar in SCALARS:
        text = f"value: {scalar}\n"
        try:
            expected = yaml.load(text, Loader=safe)  # noqa: S506 (a safe loader)
        except yaml.YAMLError:
            expected = yaml.YAMLError
        try:
            got = yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
        except yaml.YAMLError:
            got = yaml.YAMLError
        if got is yaml.YAMLError or expected is yaml.YAMLError:
            if got is not expected:
                unlike.append((scalar, got, expected))
        elif got != expected or type(got["value"]) is not type(expected["value"]):
            unlike.append((scalar, got, expected))
    assert unlike == []  # (the scalar, what it reads as, what the safe loader reads)


@pytest.mark.parametrize(
    "document",
    [
        'a: "yes"\nb: \'12\'\nc: "~"\nd: ""\n',  # quoted: text whatever it reads like
        "a: ! 12\nb: ! yes\nc: !!int '7'\nd: !!str 3\n",  # tagged
        "a:\nb: ~\nc: []\nd: {}\n",  # empty, null, empty collections
        "- [1, two, 'three', {four: 4}]\n- - nested\n  - 2026-11-25\n",  # sequences
        "a: |\n  12\nb: >\n  yes\nc:\n  d: {e: [f, 1.5]}\n",  # block scalars, nesting
    ],
)
def test_deck_documents_read_as_the_safe_loader_reads_them(document):
    import yaml

    from mlprep.schema import _Loader

    safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    expected = yaml.load(document, Loader=safe)  # noqa: S506 (a safe loader)
    got = yaml.load(document, Loader=_Loader)  # noqa: S506 (a safe loader)
    assert got == expected
    assert repr(got) == repr(expected)  # (the same types: 1 is not True, "12" is not 12)


def test_a_number_in_scientific_notation_without_a_dot_is_a_number():
    """YAML 1.1 reads 1e-3 (no dot) as text; deck authors write it as a number."""
    deck, found = parse_deck(
        HEAD + "  - id: d-a\n    q: x\n    a: y\n    expect: {value: 1e-3, tolerance: 5E-5}\n",
        "d.yaml",
    )
    assert found == []
    assert (deck.cards[0].expect.value, deck.cards[0].expect.tolerance) == (0.001, 5e-05)
    assert problems(HEAD + "  - id: d-a\n    q: x\n    a: y\n    expect: {value: e-3}\n") == [
        "d.yaml:7: card 'd-a': expect value must be a number, not text"
    ]


def test_text_that_yaml_read_as_true_or_false_says_to_quote_it():
    assert problems(HEAD + "  - id: d-a\n    q: Is it?\n    a: No\n") == [
        "d.yaml:6: card 'd-a': 'a' must be text, not true/false (YAML reads a bare yes, no, on,"
        " off, true or false so: put the text in quotes)"
    ]


def test_a_bad_signature_is_one_problem_not_two():
    """A signature that does not parse is named once: the solution is not then said to lack
    a function named after its first characters ("a function import os; f()")."""
    card = (
        "  - id: d-a\n    type: code\n    signature: 'import os; f()'\n    q: x\n    a: y\n"
        "    solution: |\n      def f():\n          return 1\n"
        "    tests: |\n      def cases(rng):\n          return [()]\n"
    )
    assert problems(HEAD + card) == [
        "d.yaml:6: card 'd-a': signature must look like 'name(a, b=1)', not 'import os; f()'"
    ]


def test_ids_longer_than_the_review_log_keeps_or_not_text_are_named():
    """A 300-character card id passed validate, and its first answer made a log line that
    stopped every command; "id: 12345" was reported as missing."""
    long_id = "my-t5-" + "a" * 300
    text = f"id: my-t5\ntitle: t5\ncards:\n  - id: {long_id}\n    q: q?\n    a: x\n"
    assert problems(text) == [f"d.yaml:4: card '{long_id}': id is longer than 200 characters"]
    text = "id: my-t5\ntitle: t5\ncards:\n  - id: [12345]\n    q: q?\n    a: x\n"
    assert problems(text) == [
        "d.yaml:4: card #1: 'id' must be text: lower-case letters and digits, in words joined by "
        "one '-' (my-deck-2)"
    ]


def test_unquoted_numbers_and_dates_in_text_are_kept_as_written():
    """YAML 1.1 reads "3:1" as 181, "010" as 8, "0x1f" as 31, "3.10" as 3.1 and "2024-06-01"
    as a date: a deck showed "181" for the odds 3:1 and listed deck "0x1f" as "31"."""
    text = (
        "id: 0x1f\ntitle: 2024-06-01\ntags: [2024]\ncards:\n"
        "  - {id: 12345, q: 3.10, a: 3:1, tags: [010]}\n"
        "  - id: 2024-06-02\n    q: Which odds are even?\n    a: 12:30:00\n"
        "    choices: [{text: 1:1, correct: true}, {text: .5}]\n"
    )
    deck, found = parse_deck(text, "d.yaml")
    assert found == []
    assert (deck.id, deck.title, deck.tags) == ("0x1f", "2024-06-01", ("2024",))
    first, second = deck.cards
    assert (first.id, first.q, first.a, first.tags) == ("12345", "3.10", "3:1", ("010",))
    assert (second.id, second.a) == ("2024-06-02", "12:30:00")
    assert [choice.text for choice in second.choices] == ["1:1", ".5"]
    # what is not text in any spelling is still named
    assert problems(HEAD + "  - id: 1.5\n    q: x\n    a: ~\n") == [
        "d.yaml:4: card '1.5': id must be lower-case letters and digits, in words joined by one "
        "'-' (my-deck-2)",
        "d.yaml:6: card '1.5': 'a' is missing or empty",
    ]


def test_a_character_yaml_refuses_is_named_with_its_line():
    """A raw ESC byte was "invalid YAML" with no line to look at."""
    text = 'id: d\ntitle: T\ncards:\n  - id: d-1\n    q: "bad \x1b here"\n    a: a\n'
    assert problems(text) == [
        "d.yaml:5: invalid YAML: unacceptable character #x001b: control characters are not allowed"
    ]


def test_a_literal_block_may_start_a_line_with_a_tab():
    """YAML allows a tab after a block's indentation (libyaml refuses it where it starts the
    block's first line, and the deck was named as indented with tabs)."""
    card = "  - id: d-a\n    q: x\n    a: |\n      \tcol1\tcol2\n      name\tvalue\n"
    deck, found = parse_deck(HEAD + card, "d.yaml")
    assert found == []
    assert deck.cards[0].a == "\tcol1\tcol2\nname\tvalue\n"
    # a tab that indents is still named, by libyaml's error
    assert problems(HEAD + "  - id: d-a\n    q: x\n\ta: y\n") == [
        "d.yaml:6: tab used for indentation; indent with spaces"
    ]


def test_a_question_written_as_a_block_keeps_no_final_line_break():
    card = "  - id: d-a\n    q: >\n      A folded\n      question?\n    a: |\n      kept\n"
    deck, found = parse_deck(HEAD + card, "d.yaml")
    assert found == []
    assert (deck.cards[0].q, deck.cards[0].a) == ("A folded question?", "kept\n")


def test_only_a_tab_in_a_block_is_read_again_by_the_slower_loader(monkeypatch):
    """PyYAML's own loader is ten times slower than libyaml's: reading every broken deck again
    with it made a 2.5 MB deck broken at its end take seven seconds at every start."""
    from mlprep import schema

    tried: list[str] = []

    class Counting(schema._PythonLoader):
        def __init__(self, stream) -> None:
            tried.append(stream)
            super().__init__(stream)

    monkeypatch.setattr(schema, "_PythonLoader", Counting)
    broken = HEAD + "  - id: d-a\n    q: x\n    a: 'unclosed\n"
    assert problems(broken)[0].startswith("d.yaml:")
    assert tried == []
    tab_in_block = HEAD + "  - id: d-a\n    q: x\n    a: |\n      \tcol1\n"
    assert parse_deck(tab_in_block, "d.yaml")[1] == []
    assert tried == [tab_in_block]
