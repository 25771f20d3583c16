"""decks, show, search, validate, --version and --help through CliRunner."""

from __future__ import annotations

import json

import pytest

from mlprep import __version__
from tests.conftest import FIXTURES, REPO

MINI = ["--decks", str(FIXTURES / "decks")]


def test_version(cli):
    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"mlprep {__version__}\n")


def test_decks_json_lists_builtins_and_user_decks(cli):
    result = cli("decks", "--json", *MINI)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    by_id = {d["id"]: d for d in data}
    assert by_id["mini"] == {
        "id": "mini",
        "title": "A tiny test deck",
        "description": "One card of each kind, for exact-output tests.",
        "cards": 4,
        "tags": ["impurity", "numeric", "testing", "variance"],
        "source": str(FIXTURES / "decks" / "mini.yaml"),
    }
    assert by_id["trees"]["source"] == "built-in"
    assert by_id["trees"]["cards"] >= 30
    assert [d["id"] for d in data][-1] == "mini"  # built-ins first


def test_decks_table_fits_80_columns(cli):
    result = cli("decks", *MINI)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split() == ["deck", "title", "cards", "source"]
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert "\x1b[" not in result.stdout


def test_decks_table_lines_up_titles_of_wide_characters(cli, tmp_path):
    from mlprep.textfit import columns

    (tmp_path / "wide.yaml").write_text(
        'id: wide\ntitle: "Ünïcödé deck 🚀 日本語"\ncards:\n  - {id: wide-1, q: x, a: y}\n',
        encoding="utf-8",
    )
    result = cli("decks", "--decks", str(tmp_path))
    table = [line for line in result.stdout.splitlines() if line.endswith(("built-in", "yours"))]
    # every row's card count ends in the same column (then comes the source)
    assert len({columns(line.rsplit("  ", 1)[0]) for line in table}) == 1
    assert [line for line in table if line.startswith("wide ")] != []


def test_decks_guide_prints_how_to_write_a_deck(cli):
    # in a pipe, the guide's own text, to read with a pager or keep
    result = cli("decks", "--guide")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (REPO / "docs" / "deck-format.md").read_text(encoding="utf-8")
    assert "mlprep decks --guide" in cli("--help").stdout


def test_show_prints_everything_about_a_card(cli):
    result = cli("show", "mini-multi", *MINI)
    assert result.exit_code == 0
    out = result.stdout
    for text in [
        "mini-multi · mini · difficulty 2",
        "Which of these are impurity measures?",
        "✔ 1) Gini impurity",
        "✔ 2) Entropy",
        "   3) Accuracy of the parent node",
        "Gini impurity and entropy.",
        "Information gain is a drop in entropy",
    ]:
        assert text in out


def test_show_unknown_card(cli):
    result = cli("show", "mini-singel", *MINI)
    assert result.exit_code == 2
    assert result.stderr == "Error: No card 'mini-singel'. Did you mean 'mini-single'?\n"


def test_search_finds_by_question_answer_and_tag(cli):
    result = cli("search", "greedily", *MINI)
    assert result.exit_code == 0
    assert "mini-open" in result.stdout
    result = cli("search", "no-such-word-anywhere", *MINI)
    assert result.stdout == "No cards match 'no-such-word-anywhere'.\n"


def test_search_in_a_narrow_terminal_puts_each_question_under_its_id(cli, monkeypatch):
    """At 40 columns a question beside a 30-character id took 11 columns and a dozen lines."""
    monkeypatch.setenv("COLUMNS", "40")
    lines = cli("search", "gini impurity", "-n", "3").stdout.splitlines()
    ids = [line for line in lines if not line.startswith(" ")]
    assert len(ids) == 3 and all(" " not in line for line in ids)  # (ids alone, no header)
    questions = [line for line in lines if line.startswith("  ")]
    assert questions and all(len(line) <= 40 for line in lines)
    assert len(lines) <= 3 + 3 * 4  # (each question on a few full lines)


def test_search_for_no_words_is_a_usage_error(cli):
    for nothing in ("", "  "):
        result = cli("search", nothing, *MINI)
        assert (result.exit_code, result.stdout) == (2, "")
        # one line: what is wrong, and where help is (not the usage over four lines)
        assert result.stderr == (
            "Error: Invalid value for 'TEXT': is empty; give the words to search for."
            " See `mlprep search -h`.\n"
        )


def test_search_says_when_it_shows_only_some_matches(cli):
    def ids(lines: list[str]) -> list[str]:  # (a question's further lines start with spaces)
        return [line.split()[0] for line in lines[1:] if line[:1].strip()]

    everything = cli("search", "impurity", "-n", "1000")
    matches = ids(everything.stdout.splitlines())
    assert len(matches) > 3 and everything.stderr == ""
    shown = cli("search", "impurity", "-n", "2")
    assert ids(shown.stdout.splitlines()) == matches[:2]
    assert shown.stderr == f"2 of {len(matches)} matches; -n {len(matches)} shows them all.\n"


def test_validate_clean_and_broken(cli, tmp_path):
    result = cli("validate", str(FIXTURES / "decks"))
    assert (result.exit_code, result.stdout) == (0, "OK: 1 deck, 4 cards, no problems.\n")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.yaml").write_text("id: a\ntitle: A\ncards:\n  - {id: a-1, q: x, a: y, tgs: [z]}\n")
    (bad / "b.yaml").write_text("id: b\ntitle: B\ncards:\n  - {id: a-1, q: x, a: y}\n")
    result = cli("validate", str(bad))
    assert result.exit_code == 3
    # a.yaml is broken, yet its card's id still counts: b.yaml reuses it
    assert result.stdout.splitlines() == [
        f"{bad / 'a.yaml'}:4: card 'a-1': unknown key 'tgs' (did you mean 'tags'?)",
        f"{bad / 'b.yaml'}:4: card 'a-1': card id also used in {bad / 'a.yaml'}:4",
        "2 problems in 2 files.",
    ]


def test_validate_finds_two_files_with_one_deck_id(cli, tmp_path):
    """Loaded together, the later of two decks with one id is skipped: validate says so."""
    for name, card in (("a", "same-a"), ("b", "same-b")):
        (tmp_path / f"{name}.yaml").write_text(
            f"id: same\ntitle: {name}\ncards:\n  - {{id: {card}, q: x, a: y}}\n"
        )
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'b.yaml'}: deck id 'same' clashes with the deck in {tmp_path / 'a.yaml'};"
        " give it another id",
        "1 problem in 1 file.",
    ]


@pytest.mark.parametrize(
    ("deck", "problems"),
    [
        pytest.param(
            "id: a\ntitle: A\ncards:\n  - {id: a-1, q: x, a: y, tgs: [z]}\n"
            "  - {id: a-1, q: x, a: y}\n",
            [
                ":4: card 'a-1': unknown key 'tgs' (did you mean 'tags'?)",
                ":5: card 'a-1': duplicate card id (first at line 4)",
            ],
            id="a duplicate whose first copy is broken",
        ),
        pytest.param(
            "id: trees\ntitle: Mine\ncards:\n  - {id: trees-nonparametric, q: x, a: y}\n"
            "  - {id: mine-1, q: x, a: y}\n",
            [
                ": deck id 'trees' is a built-in deck's; pick another",
                ":4: card 'trees-nonparametric': card id also used in built-in deck 'trees'",
            ],
            id="a built-in deck's ids reused",
        ),
        # (`mlprep code coding` took the built-in deck: the card could not be named)
        pytest.param(
            "id: mine\ntitle: Mine\ncards:\n  - {id: coding, q: x, a: y}\n"
            "  - {id: mine, q: x, a: y}\n",
            [
                ":4: card 'coding': card id 'coding' is also a deck's id; give the card another",
                ":5: card 'mine': card id 'mine' is also a deck's id; give the card another",
            ],
            id="a card id that is a deck's",
        ),
    ],
)
def test_validate_names_each_id_that_clashes(cli, tmp_path, deck, problems):
    path = tmp_path / "mine.yaml"
    path.write_text(deck)
    result = cli("validate", str(path))
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        *(f"{path}{problem}" for problem in problems),
        f"{len(problems)} problems in 1 file.",
    ]


def test_validate_reports_ids_shared_across_decks(cli, tmp_path):
    (tmp_path / "a.yaml").write_text("id: a\ntitle: A\ncards:\n  - {id: a-1, q: x, a: y}\n")
    (tmp_path / "b.yaml").write_text("id: b\ntitle: B\ncards:\n  - {id: a-1, q: z, a: y}\n")
    result = cli("validate", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'b.yaml'}:4: card 'a-1': card id also used in {tmp_path / 'a.yaml'}:4",
        "1 problem in 1 file.",
    ]


def test_validate_names_a_missing_path(cli, tmp_path):
    result = cli("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 3
    assert result.stdout.splitlines()[0] == f"{tmp_path / 'nope.yaml'}: no such file or directory"


def test_a_broken_user_deck_warns_and_the_builtins_still_work(cli, mlprep_home):
    user = mlprep_home / "decks"
    user.mkdir(parents=True)
    (user / "bad.yaml").write_text("id: bad\ntitle: Bad\ncards:\n\t- oops\n")
    result = cli("decks", "--json")
    assert result.exit_code == 0
    assert result.stderr == (
        f"warning: {user / 'bad.yaml'}:4: tab used for indentation; indent with spaces "
        "(deck skipped)\n"
    )
    assert "trees" in {d["id"] for d in json.loads(result.stdout)}


def test_mlprep_decks_env_var_adds_deck_dirs(cli, monkeypatch):
    monkeypatch.setenv("MLPREP_DECKS", str(FIXTURES / "decks"))
    result = cli("decks", "--json")
    assert "mini" in {d["id"] for d in json.loads(result.stdout)}


def test_no_command_prints_help(cli):
    result = cli()
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: mlprep [OPTIONS] COMMAND [ARGS]...")


def test_show_labels_the_answer_and_each_why_and_keeps_inline_code_piped(cli, tmp_path):
    (tmp_path / "code.yaml").write_text(
        "format: 2\nid: code\ntitle: Code\ncards:\n"
        "  - id: code-1\n"
        "    q: What does `df.groupby('k').size()` return?\n"
        "    a: A Series of group sizes.\n"
        "    choices:\n"
        "      - text: A `Series` of counts per key\n"
        "        correct: true\n"
        "        why: One number per group, [bold]indexed[/bold] by key.\n"
        "      - text: A DataFrame\n"
        "        why: That is what `.count()` gives.\n"
    )
    result = cli("show", "code-1", "--decks", str(tmp_path))
    assert result.exit_code == 0
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[1] == "What does `df.groupby('k').size()` return?"
    assert lines[2:6] == [
        " ✔ 1) A `Series` of counts per key",
        "      Why: One number per group, [bold]indexed[/bold] by key.",
        "   2) A DataFrame",
        "      Why: That is what `.count()` gives.",
    ]
    assert lines[6:8] == ["Answer", "A Series of group sizes."]


def test_piped_tables_and_code_have_no_padding_at_line_ends(cli):
    # rich pads a table or a code block to the console's width; a file or a pipe gets the
    # text without it
    for args in (("search", "bias"), ("show", "coding-softmax"), ("show", "trees-gini-max")):
        result = cli(*args)
        assert result.exit_code == 0
        assert len(result.stdout.splitlines()) > 5
        assert [line for line in result.stdout.splitlines() if line != line.rstrip()] == []


def test_validate_names_what_no_command_would_load(cli, tmp_path, mlprep_home):
    """A directory given with no deck in it, and a deck named *.YAML (decks are *.yaml and
    *.yml): validate passed them ("OK: 0 decks"), and no command ever loads them. An empty
    deck directory of one's own is no problem when nothing is named."""
    empty = tmp_path / "empty"
    empty.mkdir()
    upper = tmp_path / "upper"
    upper.mkdir()
    (upper / "Mine.YAML").write_text(  # (its broken SQL is not run: no command loads it)
        "id: mine\ntitle: M\ncards:\n  - {id: mine-1, q: x, a: y}\n"
        "  - {id: mine-2, type: sql, db: shop, q: x, a: y, solution: SELECT nothing FROM nowhere}\n"
    )
    result = cli("validate", str(empty), str(upper))
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        f"{empty}: no deck files (*.yaml or *.yml) in it",
        f"{upper}: no deck files (*.yaml or *.yml) in it",
        f"{upper / 'Mine.YAML'}: named .YAML: decks are loaded only from *.yaml and *.yml files",
        "3 problems in 3 files.",
    ]
    (mlprep_home / "decks").mkdir(exist_ok=True)
    assert cli("validate").exit_code == 0


def test_validate_checks_a_file_named_twice_once(cli):
    mini = FIXTURES / "decks" / "mini.yaml"
    result = cli("validate", str(mini), str(mini.parent / ".." / "decks" / "mini.yaml"))
    assert (result.exit_code, result.stdout) == (0, "OK: 1 deck, 4 cards, no problems.\n")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("history", "`mlprep show CARD --history`"),
        ("study", "`mlprep review`"),
        ("statz", "'stats'"),
    ],
)
def test_an_unknown_command_points_to_the_one_meant(cli, typed, meant):
    """`mlprep history` was "No such command" with nothing more (it is `show --history`)."""
    result = cli(typed)
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[-1] == f"Error: No such command '{typed}'. Did you mean {meant}?"
    )


def test_show_lists_a_card_s_misconceptions_with_their_corrections(cli):
    """What a typed answer is checked against was nowhere to be read but in the deck file."""
    shown = cli("show", "exp-table", "--decks", str(FIXTURES / "export")).stdout
    assert (
        "Common misconceptions\n"
        "  ✗ L2 sets weights to exactly zero\n"  # (*emphasis* shown as such, as deck text is)
        "    In fact: L2 shrinks weights towards zero; L1 sets some to zero <exactly>.\n"
    ) in shown
