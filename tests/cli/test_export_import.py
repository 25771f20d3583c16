"""`mlprep export` and `mlprep import` through CliRunner: exact messages, files and exit codes."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import yaml
from typer.testing import CliRunner

from mlprep.cli.app import app
from mlprep.cli.state import Environment
from mlprep.decks import load_files
from mlprep.export.markdown import deck_markdown, guide_markdown
from mlprep.importcsv import html_to_text, read_rows, slug_tag
from tests.conftest import FIXTURES

DECKS = ["--decks", str(FIXTURES / "decks"), "--decks", str(FIXTURES / "export")]
MINI_MD = (FIXTURES / "golden" / "mini.md").read_text(encoding="utf-8")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """Default export names are relative to the working directory (apart from MLPREP_HOME)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


# -- export ------------------------------------------------------------------------------------
def test_markdown_to_the_default_directory(cli, workdir):
    result = cli("export", "mini", "--format", "md", *DECKS)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "Exported 1 deck (4 cards) to mlprep-guide/.\n"
    assert sorted(p.name for p in (workdir / "mlprep-guide").iterdir()) == ["README.md", "mini.md"]
    assert (workdir / "mlprep-guide" / "mini.md").read_text(encoding="utf-8") == MINI_MD


def test_existing_files_are_kept_without_force(cli, workdir):
    assert cli("export", "mini", "--format", "md", *DECKS).exit_code == 0
    page = workdir / "mlprep-guide" / "mini.md"
    page.write_text("my notes\n")
    result = cli("export", "mini", "export-demo", "--format", "md", *DECKS)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: mlprep-guide/mini.md already exists (and 1 more); add --force to overwrite.\n"
    )
    assert page.read_text() == "my notes\n"
    assert not (workdir / "mlprep-guide" / "export-demo.md").exists()  # nothing written
    result = cli("export", "mini", "--format", "md", "--force", *DECKS)
    assert result.exit_code == 0
    assert page.read_text(encoding="utf-8") == MINI_MD


def test_markdown_to_one_file_or_standard_output(cli, workdir):
    decks = load_files([FIXTURES / "decks", FIXTURES / "export"], builtin=False).decks
    result = cli("export", "mini", "export-demo", "--format", "md", "-o", "guide.md", *DECKS)
    assert result.exit_code == 0
    assert result.stderr == "Exported 2 decks (9 cards) to guide.md.\n"
    assert (workdir / "guide.md").read_text(encoding="utf-8") == guide_markdown(decks)
    result = cli("export", "mini", "--format", "md", "-o", "-", "--no-answers", *DECKS)
    assert result.exit_code == 0
    assert result.stdout == guide_markdown(decks[:1], no_answers=True)
    assert result.stderr == "Exported 1 deck (4 cards) to standard output.\n"
    assert sorted(p.name for p in workdir.iterdir()) == ["guide.md"]


def test_a_markdown_export_to_a_file_like_name_is_a_file_or_refused(cli, workdir):
    result = cli("export", "mini", "--format", "md", "-o", "guide.txt", *DECKS)
    assert result.exit_code == 0
    assert (workdir / "guide.txt").is_file()
    result = cli("export", "mini", "--format", "md", "-o", "trees.json", *DECKS)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: -o trees.json: a Markdown export is one file (.md, .markdown or .txt) or a "
        "directory of pages; for JSON, give --format json.\n"
    )
    assert sorted(p.name for p in workdir.iterdir()) == ["guide.txt"]
    # a directory however it is named: with a dot in it, or said by a / at the end
    for name in ("notes-v1.2", "pages.md/"):
        result = cli("export", "mini", "--format", "md", "-o", name, *DECKS)
        assert result.exit_code == 0, result.stderr
        assert (workdir / name / "mini.md").is_file()


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        ("anki", "guide.md", "an Anki export is one .apkg file; for Markdown, give --format md."),
        ("anki", "x.md/", "an Anki export is one .apkg file; for Markdown, give --format md."),
        ("anki", "deck.JSON", "an Anki export is one .apkg file; for JSON, give --format json."),
        ("json", "my.apkg", "a JSON export is one .json file; for Anki, give --format anki."),
        ("json", "notes.txt", "a JSON export is one .json file; for Markdown, give --format md."),
        ("json", "g.markdown", "a JSON export is one .json file; for Markdown, give --format md."),
        (
            "md",
            "deck.apkg",
            "a Markdown export is one file (.md, .markdown or .txt) or a directory of pages; "
            "for Anki, give --format anki.",
        ),
    ],
)
def test_a_name_of_another_formats_file_is_refused(cli, workdir, fmt, name, message):
    (workdir / "my.apkg").write_bytes(b"an Anki package\n")  # kept, even with --force
    result = cli("export", "mini", "--format", fmt, "-o", name, "--force", *DECKS)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"Error: -o {name}: {message}\n",
    )
    assert sorted(p.name for p in workdir.iterdir()) == ["my.apkg"]
    assert (workdir / "my.apkg").read_bytes() == b"an Anki package\n"


@pytest.mark.parametrize(("fmt", "name"), [("anki", "mini-deck"), ("json", "export.v2")])
def test_a_name_without_a_known_ending_is_written_in_the_format_asked(cli, workdir, fmt, name):
    result = cli("export", "mini", "--format", fmt, "-o", name, *DECKS)
    assert (result.exit_code, result.stderr) == (0, f"Exported 1 deck (4 cards) to {name}.\n")
    assert (workdir / name).is_file()


def test_json_and_anki_defaults(cli, workdir):
    result = cli("export", "mini", "--format", "json", *DECKS)
    assert (result.exit_code, result.stderr) == (0, "Exported 1 deck (4 cards) to mlprep.json.\n")
    document = json.loads((workdir / "mlprep.json").read_text())
    assert [c["id"] for c in document["decks"][0]["cards"]][0] == "mini-single"
    result = cli("export", "mini", "--format", "json", "-o", "-", *DECKS)
    assert json.loads(result.stdout) == document
    result = cli("export", "mini", "export-demo", "--format", "anki", *DECKS)
    assert result.exit_code == 0
    assert result.stderr == "Exported 2 decks (9 cards) to mlprep.apkg.\n"
    with zipfile.ZipFile(workdir / "mlprep.apkg") as archive:
        assert "collection.anki2" in archive.namelist()
    assert sorted(p.name for p in workdir.iterdir()) == ["mlprep.apkg", "mlprep.json"]


def test_all_exports_every_deck(cli, workdir):
    result = cli("export", "--all", "--format", "json", "-o", "all.json", *DECKS)
    assert result.exit_code == 0
    ids = [deck["id"] for deck in json.loads((workdir / "all.json").read_text())["decks"]]
    assert "trees" in ids and ids[-2:] == ["mini", "export-demo"]  # built-ins first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Error: name the decks to export, or give --all for every deck.\n"),
        (["mini", "--all"], "Error: name the decks to export or give --all, not both.\n"),
        (["minii"], "Error: No deck 'minii'. Did you mean 'mini'?\n"),
        (
            ["mini", "--no-answers", "--format", "anki"],
            "Error: --no-answers makes a Markdown practice sheet; Anki and JSON exports always "
            "carry the answers.\n",
        ),
        (
            ["mini", "-o", "-", "--format", "anki"],
            "Error: an Anki package is a binary file; name it with -o, e.g. -o deck.apkg\n",
        ),
    ],
)
def test_usage_errors(cli, workdir, args, message):
    if "--format" not in args:
        args = [*args, "--format", "md"]
    result = cli("export", *args, *DECKS)
    assert (result.exit_code, result.stderr) == (2, message)
    assert list(workdir.iterdir()) == []


def test_format_is_required(cli, workdir):
    result = cli("export", "mini", *DECKS)
    assert result.exit_code == 2
    assert "Missing option '--format'" in result.stderr


class TerminalStream(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_lines_when_stderr_is_a_terminal(workdir):
    stderr = TerminalStream()
    args = ["export", "mini", "export-demo", "--format", "md", "-o", "g.md", *DECKS]
    result = CliRunner().invoke(app, args, obj=Environment(stderr_=stderr))
    assert result.exit_code == 0
    assert stderr.getvalue() == (
        "exported mini (4 cards)\n"
        "exported export-demo (5 cards)\n"
        "Exported 2 decks (9 cards) to g.md.\n"
    )


def test_an_unwritable_target_is_a_clear_error(cli, workdir):
    (workdir / "taken").write_text("a file, not a directory\n")
    result = cli("export", "mini", "--format", "md", "-o", "taken", *DECKS)
    assert (result.exit_code, result.stderr) == (1, "Error: taken is a file, not a directory.\n")


@pytest.mark.parametrize(
    ("fmt", "name", "what"),
    [
        ("json", "typo/dir/x.json", "typo/dir/x.json"),
        ("anki", "typo/dir/x.apkg", "typo/dir/x.apkg"),
        ("md", "typo/dir/guide.md", "typo/dir/guide.md"),
        # a guide's own directory is made, not the ones above it
        ("md", "typo/dir/guide", "typo/dir/guide/"),
        ("md", "typo/dir/guide/", "typo/dir/guide/"),
    ],
)
def test_a_missing_directory_is_named_and_not_made(cli, workdir, fmt, name, what):
    result = cli("export", "mini", "--format", fmt, "-o", name, *DECKS)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: cannot write {what}: no such directory typo/dir\n",
    )
    assert list(workdir.iterdir()) == []


def test_a_symbolic_link_into_a_missing_directory_makes_no_directory(cli, workdir, tmp_path):
    (workdir / "link.json").symlink_to(tmp_path / "gone" / "x.json")
    result = cli("export", "mini", "--format", "json", "-o", "link.json", *DECKS)
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot write {tmp_path / 'gone' / 'x.json'}: no such directory "
        f"{tmp_path / 'gone'}\n",
    )
    assert not (tmp_path / "gone").exists()


def test_a_guide_directory_is_made_in_an_existing_one(cli, workdir):
    (workdir / "out").mkdir()
    result = cli("export", "mini", "--format", "md", "-o", "out/guide", *DECKS)
    assert (result.exit_code, result.stderr) == (0, "Exported 1 deck (4 cards) to out/guide/.\n")
    assert sorted(p.name for p in (workdir / "out" / "guide").iterdir()) == ["README.md", "mini.md"]


# -- import ------------------------------------------------------------------------------------
def user_deck(home, slug: str):
    return home / "decks" / f"{slug}.yaml"


def test_import_a_csv(cli, tmp_path, mlprep_home):
    source = tmp_path / "my_cards.csv"
    source.write_text(
        "question,answer,tags\n"
        "What is 2 + 2?,4,math Basics::Arithmetic\n"
        '"Bias, or variance?","High variance:\nthe model overfits.",\n'
        "\n"
        "Why scale features?,Distances and penalties depend on scale.\n",
        encoding="utf-8",
    )
    result = cli("import", str(source), "--deck", "my-cards")
    target = user_deck(mlprep_home, "my-cards")
    assert result.exit_code == 0
    assert result.stdout == (
        "Skipped line 1, a header row (question, answer, tags).\n"
        "Renamed 1 tag (deck tags are lower-case a-z, 0-9 and '-'):"
        " Basics::Arithmetic -> basics-arithmetic\n"
        f"Imported 3 cards into deck 'my-cards' ({target}).\nStart with: mlprep quiz my-cards\n"
    )
    assert target.read_text(encoding="utf-8") == (
        "format: 2\n"
        "id: my-cards\n"
        "title: My cards\n"
        "description: Imported from my_cards.csv.\n"
        "cards:\n"
        "  - id: my-cards-001\n"
        "    q: What is 2 + 2?\n"
        "    a: '4'\n"
        "    tags:\n"
        "      - math\n"
        "      - basics-arithmetic\n"
        "  - id: my-cards-002\n"
        "    q: Bias, or variance?\n"
        "    a: |-\n"
        "      High variance:\\\n"
        "      the model overfits.\n"
        "  - id: my-cards-003\n"
        "    q: Why scale features?\n"
        "    a: Distances and penalties depend on scale.\n"
    )
    shown = cli("show", "my-cards-002")
    assert shown.exit_code == 0 and "High variance:" in shown.stdout


@pytest.mark.parametrize(
    "header", ["Frage;Antwort", "Q;A", "Term;Definition", "Front side;Back side;Tags"]
)
def test_import_skips_a_header_row_of_any_names(cli, tmp_path, mlprep_home, header):
    source = tmp_path / "karten.csv"
    source.write_text(
        f"{header}\nWas ist Overfitting?;Das Modell lernt das Rauschen mit.\n"
        "Warum skalieren?;Abstände hängen von der Skala ab.\n",
        encoding="utf-8",
    )
    result = cli("import", str(source), "--deck", "karten")
    assert result.exit_code == 0, result.stderr
    names = ", ".join(header.split(";"))
    guessed = "; if it is a card, import again with --no-header" * (header != "Q;A")
    assert result.stdout.splitlines()[0] == f"Skipped line 1, a header row ({names}){guessed}."
    text = user_deck(mlprep_home, "karten").read_text(encoding="utf-8")
    assert "karten-002" in text and "karten-003" not in text
    assert "Frage" not in text and "Term" not in text


def test_import_keeps_a_short_first_card_among_short_cards(cli, tmp_path, mlprep_home):
    source = tmp_path / "words.csv"
    source.write_text("Katze,cat\nHund,dog\nMaus,mouse\n", encoding="utf-8")
    result = cli("import", str(source), "--deck", "words")
    assert result.exit_code == 0, result.stderr
    assert "Skipped" not in result.stdout
    assert "q: Katze" in user_deck(mlprep_home, "words").read_text(encoding="utf-8")


ANKI_EXPORT = (
    "#separator:tab\n"
    "#html:true\n"
    "#guid column:1\n"
    "#notetype column:2\n"
    "#deck column:3\n"
    "#tags column:6\n"
    "a1B2\tBasic\tML\tWhat is <b>overfitting</b>?\tFitting noise:<br>low train error,&nbsp;high"
    " test error.\tml::basics leech\n"
    'c3D4\tBasic\tML\t"Is 1 &lt; 2?"\t"<div>Yes.</div><div>Always.</div>"\t\n'
)


def test_import_an_anki_plain_text_export(cli, tmp_path, mlprep_home):
    source = tmp_path / "anki.txt"
    source.write_text(ANKI_EXPORT, encoding="utf-8")
    result = cli("import", str(source), "--deck", "anki-ml", "--title", "ML from Anki")
    assert result.exit_code == 0, result.stderr
    assert user_deck(mlprep_home, "anki-ml").read_text(encoding="utf-8") == (
        "format: 2\n"
        "id: anki-ml\n"
        "title: ML from Anki\n"
        "description: Imported from anki.txt.\n"
        "cards:\n"
        "  - id: anki-ml-001\n"
        "    q: What is overfitting?\n"
        "    a: |-\n"
        "      Fitting noise:\\\n"
        "      low train error, high test error.\n"
        "    tags:\n"
        "      - ml-basics\n"
        "      - leech\n"
        "  - id: anki-ml-002\n"
        "    q: Is 1 < 2?\n"
        "    a: |-\n"
        "      Yes.\\\n"
        "      Always.\n"
    )


def test_bad_rows_are_all_reported_and_nothing_is_written(cli, tmp_path, mlprep_home):
    source = tmp_path / "bad.csv"
    source.write_bytes(
        b"What is a tensor?,An n-dimensional array.\n"
        b"only a question\n"
        b",an answer without a question\n"
        b"q,a,tags,surprise\n"
        b"caf\xe9?,latin-1 is not UTF-8\n"
        b'"multi\nline question",\n'
        b"Fine?,Yes.\n"
    )
    result = cli("import", str(source), "--deck", "bad")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (
        f"{source}:2: missing answer (only one column: is the separator right?)\n"
        f"{source}:3: missing question\n"
        f"{source}:4: too many columns (4); expected question, answer and optional tags\n"
        f"{source}:5: not UTF-8 text; save the file as UTF-8\n"
        f"{source}:6: missing answer\n"
        f"Error: 5 problems in {source}; nothing was imported.\n"
    )
    assert not (mlprep_home / "decks").exists()


def test_an_empty_file_is_an_error(cli, tmp_path):
    source = tmp_path / "empty.csv"
    source.write_text("\n")
    result = cli("import", str(source), "--deck", "empty")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == (
        f"{source}: no cards found; expected question, answer and optional tags on each line"
    )


def test_slug_clashes(cli, tmp_path, mlprep_home, monkeypatch):
    source = tmp_path / "cards.tsv"
    source.write_text("Q one?\tA one.\n", encoding="utf-8")
    result = cli("import", str(source), "--deck", "trees", "--force")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: 'trees' is a built-in deck; choose another --deck.\n",
    )
    result = cli("import", str(source), "--deck", "Not A Slug")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: deck id 'Not A Slug' must be lower-case letters and digits, in words joined by "
        "one '-' (my-deck-2).\n",
    )

    assert cli("import", str(source), "--deck", "mine").exit_code == 0
    target = user_deck(mlprep_home, "mine")
    source.write_text("Q two?\tA two.\n", encoding="utf-8")
    result = cli("import", str(source), "--deck", "mine")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: you already have a deck 'mine' ({target}); add --force to replace it.\n",
    )
    assert "Q one?" in target.read_text()
    result = cli("import", str(source), "--deck", "mine", "--force")
    assert result.exit_code == 0
    assert "Q two?" in target.read_text() and "Q one?" not in target.read_text()

    # a deck of that id elsewhere (MLPREP_DECKS) cannot be replaced, even with --force
    monkeypatch.setenv("MLPREP_DECKS", str(FIXTURES / "decks"))
    result = cli("import", str(source), "--deck", "mini", "--force")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: deck 'mini' already exists in {FIXTURES / 'decks' / 'mini.yaml'}; "
        "choose another --deck.\n",
    )


def test_importing_a_deck_again_keeps_each_questions_id_and_so_its_progress(
    cli, tmp_path, mlprep_home
):
    """Ids were row numbers: a row added at the top of the file moved every answer onto the
    question below it. An earlier question keeps its id; a new one gets an id the deck never
    had (not that of a question since removed, whose progress would come with it)."""
    source = tmp_path / "cards.csv"
    source.write_text("What is AUC?,Area under ROC\nWhat is F1?,Harmonic mean\nWhat is MSE?,MSE\n")
    assert cli("import", str(source), "--deck", "mine").exit_code == 0
    source.write_text("What is R2?,Explained\nWhat is F1?,Harmonic mean\nWhat is AUC?,Area\n")
    result = cli("import", str(source), "--deck", "mine", "--force")
    assert result.stdout.startswith(
        "Kept the ids, and so your progress, of 2 questions already in 'mine'.\n"
    )
    cards = yaml.safe_load(user_deck(mlprep_home, "mine").read_text())["cards"]
    assert [(card["id"], card["q"]) for card in cards] == [
        ("mine-004", "What is R2?"),  # (not mine-003: "What is MSE?" had it)
        ("mine-002", "What is F1?"),
        ("mine-001", "What is AUC?"),
    ]


def test_an_import_never_replaces_a_deck_of_another_id_in_its_file(cli, tmp_path, mlprep_home):
    """decks/good.yaml held the hand-written deck 'my-good': "you already have a deck 'good'",
    and --force replaced it with the CSV, no copy kept."""
    decks = mlprep_home / "decks"
    decks.mkdir(parents=True, exist_ok=True)
    mine = decks / "good.yaml"
    mine.write_text("id: my-good\ntitle: Good\ncards:\n  - {id: my-good-1, q: q?, a: a}\n")
    before = mine.read_text()
    source = tmp_path / "cards.csv"
    source.write_text("Q?,A.\n")
    result = cli("import", str(source), "--deck", "good", "--force")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {mine} holds your deck 'my-good', not deck 'good'; choose another --deck "
        "(nothing was replaced).\n",
    )
    assert mine.read_text() == before


def test_an_import_names_a_directory_in_place_of_its_deck_file(cli, tmp_path, mlprep_home):
    """A directory at decks/mine.yaml was "a file that is not a deck"."""
    in_the_way = mlprep_home / "decks" / "mine.yaml"
    in_the_way.mkdir(parents=True)
    source = tmp_path / "cards.csv"
    source.write_text("Q?,A.\n")
    result = cli("import", str(source), "--deck", "mine")
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {in_the_way} is a directory; choose another --deck (nothing was replaced).\n",
    )
    assert list(in_the_way.iterdir()) == []


def test_generated_card_ids_must_be_free(cli, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    (other / "o.yaml").write_text("id: other\ntitle: O\ncards:\n  - {id: fresh-001, q: x, a: y}\n")
    monkeypatch.setenv("MLPREP_DECKS", str(other))
    source = tmp_path / "cards.csv"
    source.write_text("Q?,A.\n")
    result = cli("import", str(source), "--deck", "fresh")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: card id 'fresh-001' is used by deck 'other'; choose another --deck.\n",
    )


def test_a_missing_file(cli, tmp_path):
    result = cli("import", str(tmp_path / "nope.csv"), "--deck", "x")
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: cannot read {tmp_path / 'nope.csv'}: No such file or directory\n"
    )


# -- the import core ---------------------------------------------------------------------------
def test_separators_are_detected():
    rows, problems = read_rows(b"A?;Yes, it is.;t1\nB?;No, never.;\n", "x.csv")
    assert problems == [] and [(r.q, r.a, r.tags) for r in rows] == [
        ("A?", "Yes, it is.", ("t1",)),
        ("B?", "No, never.", ()),
    ]
    rows, _ = read_rows(b"A, really?\tYes, it is, twice.\n", "x.txt")
    assert [(r.q, r.a) for r in rows] == [("A, really?", "Yes, it is, twice.")]
    rows, _ = read_rows(b"#separator:Pipe\nA?|Yes.\n", "x.txt")
    assert [(r.line, r.q, r.a) for r in rows] == [(2, "A?", "Yes.")]


def test_plain_text_is_not_treated_as_html():
    rows, _ = read_rows(b"Is a<b written <b> here?\tYes\n", "x.tsv")
    assert rows[0].q == "Is a<b written <b> here?"


def test_html_to_text():
    assert html_to_text("a<br>b<br/>c&nbsp;d &amp; <i>e</i><script>x()</script>") == "a\nb\nc d & e"
    assert html_to_text("<div>one</div><div><br></div><div>two</div>") == "one\n\ntwo"


def test_slug_tag():
    assert [slug_tag(t) for t in ["ML::Trees", "to_review", "Über", "--"]] == [
        "ml-trees",
        "to-review",
        "uber",
        "",
    ]


def test_the_guide_matches_the_exporter(cli, workdir):
    # the CLI adds nothing of its own to the Markdown
    deck = load_files([FIXTURES / "export"], builtin=False).decks[0]
    result = cli("export", "export-demo", "--format", "md", "-o", "-", *DECKS)
    assert result.stdout == guide_markdown([deck])
    assert deck_markdown(deck).startswith("# Export demo")


def test_an_anki_export_has_no_guessed_header_row(cli, tmp_path, mlprep_home):
    source = tmp_path / "anki.txt"
    source.write_text(
        "#separator:tab\n#html:false\nKatze\tcat\nWhat does bagging reduce?\tMostly variance.\n",
        encoding="utf-8",
    )
    result = cli("import", str(source), "--deck", "anki")
    assert result.exit_code == 0, result.stderr
    assert "Skipped" not in result.stdout
    assert "q: Katze" in user_deck(mlprep_home, "anki").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ["export", "mini", "--format", "anki", "-o", "{log}", "--force"],
        ["export", "mini", "--format", "md", "-o", "{cache}/guide.md", "--force"],
        ["progress", "export", "{log}", "--force"],
        ["export", "mini", "--format", "json", "-o", "{home}/revisit.json", "--force"],
    ],
    ids=["anki over the log", "into the cache", "progress over the log", "over the revisit list"],
)
def test_an_export_onto_mlpreps_own_files_is_refused(cli, mlprep_home, args):
    """With --force, an Anki export replaced the review log with a zip file: the whole
    history lost."""
    cli(
        "quiz",
        "mini",
        "--plain",
        "-n",
        "1",
        "--seed",
        "5",
        "--decks",
        str(FIXTURES / "decks"),
        input="1\n",
    )
    log = mlprep_home / "progress" / "reviews.jsonl"
    before = log.read_bytes()
    cache = mlprep_home / "cache"
    filled = [a.format(log=log, cache=cache, home=mlprep_home) for a in args]
    result = (
        cli(*filled, "--decks", str(FIXTURES / "decks")) if args[0] == "export" else cli(*filled)
    )
    assert result.exit_code == 2
    assert "is among mlprep's own files" in result.stderr
    assert result.stderr.count("\n") == 1
    assert log.read_bytes() == before


def test_a_backup_of_the_log_is_restored_by_import(cli, mlprep_home):
    """Backups made by reset and import are the log itself (one event a line), which import
    refused as "not a progress export": no command restored one."""
    mini = ["--decks", str(FIXTURES / "decks")]
    cli("quiz", "mini", "--plain", "-n", "1", "--seed", "5", *mini, input="1\n")
    log = mlprep_home / "progress" / "reviews.jsonl"
    before = log.read_text()
    assert cli("progress", "reset", "--yes").exit_code == 0
    (backup,) = (mlprep_home / "progress" / "backups").iterdir()
    result = cli("progress", "import", str(backup), "--yes")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        f"Imported 1 answer from\n{backup}"
    )  # (a long path: its own line)
    assert [json.loads(line)["id"] for line in log.read_text().splitlines()] == [
        json.loads(line)["id"] for line in before.splitlines()
    ]
    damaged = backup.with_name("damaged.jsonl")
    damaged.write_text(before + "{not json\n")
    result = cli("progress", "import", str(damaged), "--yes")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {damaged}:2: not a review event (not JSON)\n",
    )


def test_a_backup_of_the_log_is_merged_as_its_export_would_be(cli, mlprep_home):
    """Merge said "not a progress export (invalid JSON: Extra data: line 2 column 1)" of a
    backup that reset made, which import restores."""
    mini = ["--decks", str(FIXTURES / "decks")]
    cli("quiz", "mini", "--plain", "-n", "2", "--seed", "5", *mini, input="1\n1 2\n")
    log = mlprep_home / "progress" / "reviews.jsonl"
    before = [json.loads(line)["id"] for line in log.read_text().splitlines()]
    assert cli("progress", "reset", "--yes").exit_code == 0
    (backup,) = (mlprep_home / "progress" / "backups").iterdir()
    result = cli("progress", "merge", str(backup))
    assert result.exit_code == 0
    assert " ".join(result.stdout.split()) == (
        f"Merged 2 new answers from {backup} (0 already present)."
    )
    assert sorted(json.loads(line)["id"] for line in log.read_text().splitlines()) == sorted(before)
    again = cli("progress", "merge", "-", input=backup.read_text())  # (from a pipe too)
    assert again.stdout == "Merged 0 new answers from standard input (2 already present).\n"


def test_a_backup_with_an_unfinished_last_line_is_restored_without_it(cli, mlprep_home):
    """A backup of a log that ended in an interrupted write (as reset keeps it) was refused
    by import and merge ("...:3: not a review event (not JSON)"), which the log's reader
    passes with a warning; a line whose answer held a raw U+2028 (valid JSON) was cut in two
    there."""
    mini = ["--decks", str(FIXTURES / "decks")]
    cli("quiz", "mini", "--plain", "-n", "2", "--seed", "5", *mini, input="1\n1 2\n")
    log = mlprep_home / "progress" / "reviews.jsonl"
    first, second = log.read_text().splitlines(keepends=True)
    event = json.loads(first) | {"answer": "one\u2028two"}
    backup = mlprep_home / "backup.jsonl"
    backup.write_text(json.dumps(event, ensure_ascii=False) + "\n" + second + second[:40])
    for command in (["merge", str(backup)], ["import", str(backup), "--yes"]):
        result = cli("progress", *command)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == (
            f"warning: {backup}:3: ignored an unfinished last line (left by an interrupted write)\n"
        )
    answers = [json.loads(line).get("answer") for line in log.read_text().splitlines()]
    assert sorted(answers, key=str) == sorted(
        [json.loads(second).get("answer"), "one\u2028two"], key=str
    )


def test_importing_a_long_history_says_so_before_it_reads_it(
    cli, mlprep_home, monkeypatch, tmp_path
):
    """Checking 388,000 answers took 10 s before the first word ("Importing ...")."""
    from mlprep.cli import progress as progress_cli

    mini = ["--decks", str(FIXTURES / "decks")]
    cli("quiz", "mini", "--plain", "-n", "1", "--seed", "5", *mini, input="1\n")
    export = tmp_path / "x.json"  # (not in the data dir: an export is refused there)
    assert cli("progress", "export", str(export)).exit_code == 0
    monkeypatch.setattr(progress_cli, "LONG_READ_BYTES", export.stat().st_size)
    result = cli("progress", "import", str(export), "--yes")
    assert result.stderr.startswith(f"Reading 0 MB of answers from {export}...\n")


def test_an_import_refuses_a_bad_setting_and_counts_each_answer_once(cli, mlprep_home, tmp_path):
    """A merge refused a plan mlprep would not write; an import took it. An answer named
    twice was counted twice ("Imported 962 answers", 961 written)."""
    mini = ["--decks", str(FIXTURES / "decks")]
    cli("quiz", "mini", "--plain", "-n", "1", "--seed", "5", *mini, input="1\n")
    export = tmp_path / "x.json"  # (not in the data dir: an export is refused there)
    cli("progress", "export", str(export))
    document = json.loads(export.read_text())
    document["events"].append(document["events"][0])  # the same answer again
    export.write_text(json.dumps(document))
    result = cli("progress", "import", str(export), "--yes")
    assert result.stdout.startswith("Imported 1 answer from")
    bad = dict(document["events"][0], id="f" * 32, card="@plan", kind="plan", mode="plan")
    bad.update(grade=0, data={"interview": "2026-12-20", "minutes": -3, "decks": []})
    bad.pop("state", None)
    document["events"].append(bad)
    export.write_text(json.dumps(document))
    log = mlprep_home / "progress" / "reviews.jsonl"
    before = log.read_bytes()
    result = cli("progress", "import", str(export), "--yes")
    assert result.exit_code == 1
    assert result.stderr.endswith("('minutes' must be 1 to 600); nothing was imported\n")
    assert log.read_bytes() == before


def test_a_new_question_never_takes_the_id_of_one_with_answers(cli, tmp_path, mlprep_home):
    """An import that dropped a question freed its id; the next import gave it to a new
    question, which took over the old one's history. A question whose case or spacing
    changed kept no id at all."""
    source = tmp_path / "cards.csv"
    source.write_text("What is alpha?,A\nWhat is beta?,B\n")
    cli("import", str(source), "--deck", "mine")
    cli("quiz", "mine", "--plain", "-n", "2", "--seed", "2", input="x\n1\ny\n1\n")
    source.write_text("What is alpha?,A\n")
    cli("import", str(source), "--deck", "mine", "--force")
    source.write_text("what is  ALPHA?,A\nWhat is gamma?,G\n")
    cli("import", str(source), "--deck", "mine", "--force")
    cards = yaml.safe_load(user_deck(mlprep_home, "mine").read_text())["cards"]
    assert [(card["id"], card["q"]) for card in cards] == [
        ("mine-001", "what is  ALPHA?"),
        ("mine-003", "What is gamma?"),  # (not mine-002: "What is beta?" has answers)
    ]


def test_a_progress_export_into_a_missing_directory_is_refused(cli, tmp_path, mlprep_home):
    """A typo in the path made a stray tree of directories and said it exported."""
    cli("quiz", "mini", "-n", "1", *DECKS, input="1\n")
    target = tmp_path / "nosuch" / "dir" / "x.json"
    result = cli("progress", "export", str(target))
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot write {target}: {target.parent} does not exist.\n",
    )
    assert not (tmp_path / "nosuch").exists()


def test_a_device_as_the_guide_directory_is_named_as_one(cli, workdir):
    """`-o /dev/full` said "/dev/full is a file, not a directory"."""
    result = cli("export", "mini", "--format", "md", "-o", "/dev/full", *DECKS)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: /dev/full is a character device, not a directory.\n",
    )
