"""`mlprep import` on the files a user test found mishandled: exact messages, files and exit
codes (the general import tests are in test_export_import.py, hostile files in test_faults.py)."""

from __future__ import annotations

import pytest
import yaml

from mlprep.export.anki import to_html
from mlprep.importcsv import (
    _dump,
    _Dumper,
    deck_yaml,
    hard_breaks,
    html_to_text,
    read_rows,
    slug_tag,
)
from mlprep.ui.text import wrap


def user_deck(home, slug: str):
    return home / "decks" / f"{slug}.yaml"


def imported(slug: str, target, cards: int = 1) -> str:
    return (
        f"Imported {cards} card{'s' * (cards != 1)} into deck '{slug}' ({target}).\n"
        f"Start with: mlprep quiz {slug}\n"
    )


# -- 1. a deck over the deck file limit; a long import says so first -------------------------
def test_a_deck_over_the_deck_file_limit_is_refused_and_not_written(cli, tmp_path, mlprep_home):
    # just under the 4 MB input limit, but its YAML is over the 4 MB limit of a deck file: it
    # was written, then refused by every command ("larger than the 4 MB limit (deck skipped)")
    source = tmp_path / "near.csv"
    source.write_text(
        "".join(f"Question {i}?,Answer {i} " + "word " * 380 + "\n" for i in range(1999))
    )
    result = cli("import", str(source), "--deck", "near")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (
        f"Importing {source} (3.9 MB)...\n"
        f"Error: {source}: the deck made from it would be 4.14 MB, over the 4 MB limit of a"
        " deck file; split the file and import each part as its own deck. Nothing was"
        " imported.\n"
    )
    assert not user_deck(mlprep_home, "near").exists()


def test_a_deck_just_under_the_limit_is_written_and_loads(cli, tmp_path, mlprep_home):
    source = tmp_path / "big.csv"
    source.write_text(
        "".join(f"Question {i}?,Answer {i} " + "word " * 360 + "\n" for i in range(1999))
    )
    result = cli("import", str(source), "--deck", "big")
    target = user_deck(mlprep_home, "big")
    assert (result.exit_code, result.stderr) == (0, f"Importing {source} (3.7 MB)...\n")
    assert result.stdout == imported("big", target, 1999)
    assert 3_900_000 < target.stat().st_size <= 4_000_000
    shown = cli("show", "big-1999")
    assert (shown.exit_code, shown.stderr) == (0, "")


def test_a_small_import_says_nothing_on_stderr(cli, tmp_path):
    source = tmp_path / "small.csv"
    source.write_text("Q?,A.\n")
    assert cli("import", str(source), "--deck", "small").stderr == ""


TRICKY_TEXTS = [
    "4",
    "yes",
    "null",
    "- a list?",
    "key: value",
    "# not a comment",
    "'quoted'",
    '"double"',
    "  leading spaces\nand a second line",
    "trailing space \nline",
    "tab\tinside\nand a line",
    "blank\n\n\nlines\n",
    "Ünïcödé 日本語 ✔\nzwei",
    "a long line " * 30,
    "a long line\\\n" * 5 + "end",
    "x: |\n  y",
    "&anchor *alias !tag %percent @at `tick`",
]


def test_the_fast_yaml_reads_back_as_the_deck_yaml_of_pyyaml():
    # the deck is dumped card by card with libyaml (PyYAML's own emitter took seconds for a
    # file near the limit); what it writes must read back as the same deck
    from mlprep.importcsv import Row

    rows = [
        Row(number, text, TRICKY_TEXTS[-number], ("t1", "123", "true"))
        for number, text in enumerate(TRICKY_TEXTS, start=1)
    ]
    fast = deck_yaml("tricky", "Tricky: a title", rows, "tricky.csv")
    slow = deck_yaml("tricky", "Tricky: a title", rows, "tricky.csv", fast=False)
    assert yaml.safe_load(fast) == yaml.safe_load(slow)
    assert yaml.safe_load(fast)["cards"][0]["q"] == "4"
    assert _dump({"a": "x"}, _Dumper) == "a: x\n"


# -- 2. line breaks in answers ---------------------------------------------------------------
KMEANS = (
    "#separator:tab\n#html:true\n"
    "Steps of k-means?\tAssign each point<br>Recompute centroids<br>Repeat until stable\n"
)


def test_line_breaks_in_an_answer_stay_line_breaks_everywhere(cli, tmp_path, mlprep_home):
    source = tmp_path / "a.txt"
    source.write_text(KMEANS)
    assert cli("import", str(source), "--deck", "km").exit_code == 0
    assert (
        user_deck(mlprep_home, "km")
        .read_text()
        .endswith(
            "  - id: km-001\n"
            "    q: Steps of k-means?\n"
            "    a: |-\n"
            "      Assign each point\\\n"
            "      Recompute centroids\\\n"
            "      Repeat until stable\n"
        )
    )
    shown = cli("show", "km-001")  # the answer as Markdown (rich), as flash and quiz show it
    assert shown.stdout == (
        "km-001 · km\nSteps of k-means?\nAnswer\n"
        "Assign each point\nRecompute centroids\nRepeat until stable\n"
    )
    flash = cli("flash", "km", "--plain", input="\n3\n")  # plain text
    shown_plain = "Reference answer:\n  Assign each point\n  Recompute centroids\n  Repeat until"
    assert shown_plain + " stable\n" in flash.stdout
    guide = cli("export", "km", "--format", "md", "-o", "-")
    assert "Assign each point\\\nRecompute centroids\\\nRepeat until stable" in guide.stdout
    assert to_html("Assign each point\\\nRecompute centroids") == (
        "<p>Assign each point<br />\nRecompute centroids</p>"
    )


def test_a_quoted_multi_line_cell_keeps_its_line_breaks(cli, tmp_path, mlprep_home):
    source = tmp_path / "cells.csv"
    source.write_text('"Bias, or variance?","High variance:\nthe model overfits."\n')
    assert cli("import", str(source), "--deck", "cells").exit_code == 0
    shown = cli("show", "cells-001")
    assert shown.stdout.endswith("Answer\nHigh variance:\nthe model overfits.\n")


def test_hard_breaks_leave_markdown_blocks_alone():
    assert hard_breaks("one line") == "one line"
    assert hard_breaks("a\nb\n\nc\nd") == "a\\\nb\n\nc\\\nd"
    assert hard_breaks("Steps:\n- one\n- two\n  more") == "Steps:\n- one\n- two\\\n  more"
    assert hard_breaks("1. one\n2. two") == "1. one\n2. two"
    assert hard_breaks("# Title\ntext\n> quote") == "# Title\ntext\n> quote"
    assert hard_breaks("code:\n```\nx = 1\ny = 2\n```\nafter\nend") == (
        "code:\n```\nx = 1\ny = 2\n```\nafter\\\nend"
    )
    assert hard_breaks("    indented\n    code") == "    indented\n    code"
    assert hard_breaks("C:\\\nnext") == "C:\\\nnext"  # a break already
    assert hard_breaks("| a | b |\n| - | - |") == "| a | b |\n| - | - |"


@pytest.mark.parametrize(
    ("cell", "html"),
    [
        # pasted code: Markdown joined the lines and dropped the indentation
        (
            "def f(x):\n    return x + 1",
            "<pre><code>def f(x):\n    return x + 1\n</code></pre>",
        ),
        (
            "Use:\n\tx = `a`\n\tprint(x)",
            "<pre><code>Use:\n\tx = `a`\n\tprint(x)\n</code></pre>",
        ),
        # a number other than 1 starts no list under a line of text
        (
            "Top two:\n2. second\n3. third",
            "<p>Top two:<br />\n2. second<br />\n3. third</p>",
        ),
        ("Steps:\n1. a\n2. b", "<p>Steps:</p>\n<ol>\n<li>a</li>\n<li>b</li>\n</ol>"),
        # dashes under a line of text made it a heading
        ("Total\n---\n42", "<p>Total</p>\n<hr />\n<p>42</p>"),
        ("Total\n===\n42", "<p>Total</p>\n<p>===<br />\n42</p>"),
        ("Total\n-\n42", "<p>Total</p>\n<p>-<br />\n42</p>"),
        # code with more after it: the code fenced, the rest as ever
        (
            "Run:\n    x = 1\n    y = 2\nThen:\n- a\n- b",
            "<pre><code>Run:\n    x = 1\n    y = 2\n</code></pre>\n<p>Then:</p>\n<ul>\n<li>a</li>\n"
            "<li>b</li>\n</ul>",
        ),
        (
            "Say:\nIt prints 3:\n    x[-1] is the last element.\n1. a\n2. b",
            "<p>Say:</p>\n<pre><code>It prints 3:\n    x[-1] is the last element.\n</code></pre>\n"
            "<ol>\n<li>a</li>\n<li>b</li>\n</ol>",
        ),
        # what Markdown already reads as it looks is left as it was
        ("- one\n    - nested", "<ul>\n<li>one\n<ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>"),
        ("text\n\n    code", "<p>text</p>\n<pre><code>code\n</code></pre>"),
    ],
)
def test_a_cell_reads_in_markdown_as_it_looks_in_the_spreadsheet(cell, html):
    from mlprep.export.anki import to_html

    assert to_html(hard_breaks(cell)) == html


def test_plain_text_keeps_markdown_line_breaks_and_joins_soft_ones():
    # built-in answers are wrapped at ~100 columns with single newlines: still one paragraph
    assert wrap("one\ntwo", 80) == ["one two"]
    assert wrap("one\\\ntwo\nthree", 80, "  ") == ["  one", "  two three"]
    assert wrap("path C:\\\\\nnext", 80) == ["path C:\\\\ next"]  # an escaped backslash


# -- 3. --header / --no-header ---------------------------------------------------------------
BAGGING = (
    "Bagging,Bootstrap aggregating\n"
    "What does bagging reduce?,Mostly the variance of a high-variance model.\n"
    "What is boosting?,Fitting models in sequence on the errors of the ones before.\n"
)


@pytest.mark.parametrize(
    ("option", "message", "cards"),
    [
        pytest.param(
            [],
            "Skipped line 1, a header row (Bagging, Bootstrap aggregating); if it is a card,"
            " import again with --no-header.\n",
            2,
            id="guessed",
        ),
        pytest.param(["--no-header"], "", 3, id="no-header"),
        pytest.param(
            ["--header"],
            "Skipped line 1, a header row (Bagging, Bootstrap aggregating).\n",
            2,
            id="header",
        ),
    ],
)
def test_header_option(cli, tmp_path, mlprep_home, option, message, cards):
    source = tmp_path / "bag.csv"
    source.write_text(BAGGING)
    result = cli("import", str(source), "--deck", "bag", *option)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == message + imported("bag", user_deck(mlprep_home, "bag"), cards)


def test_header_option_skips_a_row_that_would_not_be_a_card(cli, tmp_path, mlprep_home):
    source = tmp_path / "odd.csv"
    source.write_text("Question,Answer,Tags,Source\nWhat is 2 + 2?,4\n")
    result = cli("import", str(source), "--deck", "odd", "--header")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == (
        "Skipped line 1, a header row (Question, Answer, Tags, Source)."
    )


def test_header_options_are_in_the_help(cli):
    help_text = cli("import", "--help").stdout
    assert "--header" in help_text and "--no-header" in help_text


# -- 4. HTML: only HTML tags are tags --------------------------------------------------------
def test_html_mode_keeps_text_that_only_looks_like_a_tag(cli, tmp_path, mlprep_home):
    source = tmp_path / "java.csv"
    source.write_text(
        "What does List<T> mean in Java?,A generic list of T<br>typed\n"
        'Is a < b > c true?,"<b>Yes</b> &amp; <i>no</i>: Map&lt;K, V&gt; <img src=x.png>"\n'
    )
    assert cli("import", str(source), "--deck", "java").exit_code == 0
    assert (
        user_deck(mlprep_home, "java")
        .read_text()
        .endswith(
            "cards:\n"
            "  - id: java-001\n"
            "    q: What does List<T> mean in Java?\n"
            "    a: |-\n"
            "      A generic list of T\\\n"
            "      typed\n"
            "  - id: java-002\n"
            "    q: Is a < b > c true?\n"
            "    a: 'Yes & no: Map<K, V>'\n"
        )
    )


def test_html_to_text_knows_html_tags_only():
    assert html_to_text("List<T> and <SPAN style='x'>Map<K,V></span>") == "List<T> and Map<K,V>"
    assert html_to_text("a<!-- hidden -->b<style>p {}</style>c") == "abc"
    assert html_to_text("<ul><li>one</li><li>two</li></ul>end") == "one\ntwo\nend"


# -- 5. tags renamed or dropped, repeated questions ------------------------------------------
def test_changed_tags_and_repeated_questions_are_reported(cli, tmp_path, mlprep_home):
    source = tmp_path / "tags.csv"
    source.write_text(
        "What is C++?,A language.,c++ ML::Trees #hash c# 日本\n"
        "What is C?,Another language.,c\n"
        "what is  c++?,Still a language.,c++\n"
        "What is C?,Yes.\n",
        encoding="utf-8",
    )
    result = cli("import", str(source), "--deck", "tags")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Renamed 4 tags (deck tags are lower-case a-z, 0-9 and '-'): c++ -> cpp,"
        " ML::Trees -> ml-trees, #hash -> hash, c# -> csharp\n"
        "Dropped 1 tag with no a-z or 0-9 in it to keep: 日本\n"
        "2 questions asked before, each imported as a card of its own: line 3 repeats line 1,"
        " line 4 repeats line 2\n" + imported("tags", user_deck(mlprep_home, "tags"), 4)
    )
    quiz = cli("quiz", "tags", "--tag", "cpp", "--plain", input="q\n")
    assert "Quiz: tags - 2 cards" in quiz.stdout
    assert cli("quiz", "tags", "--tag", "c", "--plain", input="q\n").stdout.count("C?") == 1


def test_slug_tag_keeps_cpp_and_csharp_apart_from_c():
    tags = ["c", "c++", "C#", "f#", "#nlp", "c++11", "a+b", "ML::Trees", "日本"]
    assert [slug_tag(t) for t in tags] == [
        "c",
        "cpp",
        "csharp",
        "fsharp",
        "nlp",
        "cpp11",
        "a-b",
        "ml-trees",
        "",
    ]


def test_a_long_list_of_changes_is_cut(cli, tmp_path):
    source = tmp_path / "many.csv"
    source.write_text("".join(f"Q{i}?,A.,Tag{i}\n" for i in range(12)))
    first = cli("import", str(source), "--deck", "many").stdout.splitlines()[0]
    assert first.endswith("Tag8 -> tag8, Tag9 -> tag9 and 2 more")


# -- 6. option values ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--deck", "a" * 300], "Error: deck id is 300 characters long; at most 64.\n", id="long"
        ),
        pytest.param(
            ["--deck", "x", "--title", "bad\x1btitle"],
            "Error: --title contains a control character (U+001B).\n",
            id="escape",
        ),
        pytest.param(
            ["--deck", "x", "--title", "two\nlines"],
            "Error: --title contains a control character (U+000A).\n",
            id="newline",
        ),
        pytest.param(
            ["--deck", "x", "--title", "a\u202eb"],
            "Error: --title contains a bidirectional override (U+202E).\n",
            id="bidi",
        ),
        pytest.param(
            ["--deck", "x", "--title", ""],
            "Error: --title is empty; leave it out to take the title from FILE.\n",
            id="empty-title",
        ),
        pytest.param(
            ["--deck", "x", "--title", "  "],
            "Error: --title is empty; leave it out to take the title from FILE.\n",
            id="blank-title",
        ),
    ],
)
def test_bad_option_values_are_usage_errors(cli, tmp_path, mlprep_home, args, message):
    source = tmp_path / "ml.csv"
    source.write_text("Q?,A.\n")
    result = cli("import", str(source), *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert not (mlprep_home / "decks").exists()


def test_the_longest_deck_id_imports(cli, tmp_path, mlprep_home):
    source = tmp_path / "ml.csv"
    source.write_text("Q?,A.\n")
    result = cli("import", str(source), "--deck", "a" * 64)
    assert result.exit_code == 0, result.stderr


def test_an_empty_path_is_named(cli):
    result = cli("import", "", "--deck", "x")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: FILE is empty; give the path of a CSV or TSV file.\n",
    )


# -- 7. encodings, JSON, long error lists, the header row ------------------------------------
def test_utf16_with_a_byte_order_mark_is_read(cli, tmp_path, mlprep_home):
    source = tmp_path / "excel.txt"
    source.write_bytes("question\tanswer\nCafé?\tOui, un café.\n".encode("utf-16"))
    result = cli("import", str(source), "--deck", "excel")
    assert (result.exit_code, result.stderr) == (0, "")
    assert "    q: Café?\n    a: Oui, un café.\n" in user_deck(mlprep_home, "excel").read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "question,answer\nQ?,A.\n".encode("utf-16-le"),
            "UTF-16 text without a byte order mark; save the file as UTF-8",
            id="utf16-no-bom",
        ),
        pytest.param(
            b"\xff\xfeq\x00,\x00\x00\xd8",
            "not UTF-16 text after its byte order mark (byte 7); save the file as UTF-8",
            id="bad-utf16",
        ),
        pytest.param(
            b'{"format": 1, "decks": [{"id": "x", "cards": []}]}',
            "this is JSON, not CSV or TSV; expected question, answer and optional tags on each"
            " line",
            id="json",
        ),
        pytest.param(
            b'[\n  {"q": "a", "a": "b"},\n',
            "this is JSON, not CSV or TSV; expected question, answer and optional tags on each"
            " line",
            id="cut-json",
        ),
    ],
)
def test_a_file_of_another_kind_is_one_line(cli, tmp_path, mlprep_home, content, message):
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    result = cli("import", str(source), "--deck", "x")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (
        f"{source}: {message}\nError: 1 problem in {source}; nothing was imported.\n"
    )


def test_a_row_that_only_starts_like_json_is_a_card():
    rows, problems = read_rows(b'{"a": 1} in Python?,A dict.\n', "x.csv")
    assert problems == [] and rows[0].q == '{"a": 1} in Python?'


def test_a_long_list_of_problems_is_cut_at_ten(cli, tmp_path):
    source = tmp_path / "one.csv"
    source.write_text("".join(f"q{i}\n" for i in range(1, 79)))
    result = cli("import", str(source), "--deck", "one")
    assert result.exit_code == 3
    lines = [
        f"{source}:{line}: missing answer (only one column: is the separator right?)"
        for line in range(1, 11)
    ]
    assert result.stderr.splitlines() == [
        *lines,
        "... and 68 more problems",
        f"Error: 78 problems in {source}; nothing was imported.",
    ]


def test_a_csv_over_the_input_limit_is_bad_input_exit_3(cli, tmp_path, mlprep_home):
    """A file over the limit is refused as a bad row is (exit 3); nothing is written."""
    source = tmp_path / "huge.csv"
    with open(source, "wb") as handle:
        handle.truncate(5_000_000)  # (sparse: instant)
    result = cli("import", str(source), "--deck", "huge")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"Error: cannot read {source}: larger than the 4 MB limit\n"
    assert not user_deck(mlprep_home, "huge").exists()


def test_cells_read_as_html_without_a_header_saying_so_are_named_with_the_way_back(
    cli, tmp_path, mlprep_home
):
    """A plain file that happened to hold "<br>" lost text silently: "What does the <div>
    tag do?" became "What does the" and " tag do?"."""
    source = tmp_path / "web.csv"
    source.write_text("What does the <div> tag do?,A generic block container\n")
    result = cli("import", str(source), "--deck", "web")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "Read the cells as HTML, as in an Anki export (the file holds <div): tags were dropped"
        " and entities decoded. To keep them as text, add the line #html:false at the top of the"
        " file and import again.\n"
    )
    source.write_text("#html:false\nWhat does the <div> tag do?,A generic block container\n")
    result = cli("import", str(source), "--deck", "web2")
    assert "HTML" not in result.stdout
    assert cli("show", "web2-001").stdout.startswith("web2-001 · web2\nWhat does the <div> tag")
    source.write_text("#html:true\nWhat does the <b>div</b> tag do?,A container\n")
    assert "HTML" not in cli("import", str(source), "--deck", "web3").stdout


def test_a_cell_that_only_begins_with_a_quote_is_refused_with_how_to_write_it(
    cli, tmp_path, mlprep_home
):
    source = tmp_path / "q.tsv"
    source.write_text('"Attention is all you need" introduced what?\tThe Transformer\n')
    result = cli("import", str(source), "--deck", "qtsv")
    assert result.exit_code == 3
    assert result.stderr == (
        f"{source}:1: cannot read this row: text after the closing quote of a cell; a cell that"
        " begins with a quote is read up to the next one: put the whole cell in quotes and"
        ' double each quote inside it, as in "a ""quoted"" word"\n'
        f"Error: 1 problem in {source}; nothing was imported.\n"
    )
    source.write_text('"""Attention is all you need"" introduced what?"\tThe Transformer\n')
    assert cli("import", str(source), "--deck", "qtsv").exit_code == 0
    assert '\n"Attention is all you need" introduced what?\n' in cli("show", "qtsv-001").stdout


def test_a_lone_row_read_as_column_names_says_so(cli, tmp_path, mlprep_home):
    """'Q,A' alone was 'no cards found', without a word of the row taken as a header."""
    lone = tmp_path / "one.csv"
    lone.write_text("Q,A\n")
    result = cli("import", str(lone), "--deck", "one")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (
        f"{lone}: no cards found: the only row (Q, A) was read as column names; use "
        "--no-header if it is a card\n"
        f"Error: 1 problem in {lone}; nothing was imported.\n"
    )
    named = cli("import", str(lone), "--deck", "one", "--header")  # (it said no more)
    assert named.stderr.startswith(
        f"{lone}: no cards found: the only row (Q, A) is the --header row; use --no-header if "
        "it is a card\n"
    )
    assert cli("import", str(lone), "--deck", "one", "--no-header").exit_code == 0


def test_a_file_in_place_of_the_decks_directory_is_named(cli, tmp_path, mlprep_home):
    """It said 'cannot write .../decks/one.yaml: File exists'."""
    (mlprep_home / "decks").write_text("")
    source = tmp_path / "one.csv"
    source.write_text("What is bias?,Error from wrong assumptions\n")
    result = cli("import", str(source), "--deck", "one")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot write {mlprep_home / 'decks' / 'one.yaml'}: {mlprep_home / 'decks'} is "
        "a file, not a directory; move it away\n",
    )
