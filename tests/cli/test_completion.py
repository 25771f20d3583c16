"""Shell completion: the scripts, and what the shell gets back for commands, options, deck
slugs, tags and card ids (the same protocol bash, zsh and fish use)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.forkserver import command


def complete(words: str, mlprep_home) -> list[str]:
    env = dict(
        os.environ,
        MLPREP_HOME=str(mlprep_home),
        _MLPREP_COMPLETE="complete_bash",
        COMP_WORDS=words,
        COMP_CWORD=str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    )
    done = subprocess.run(
        command("mlprep", [sys.executable, "-m", "mlprep"], env),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("mlprep qu", ["quiz"]),
        ("mlprep quiz --ta", ["--tag"]),
        ("mlprep quiz tre", ["trees"]),
        ("mlprep quiz trees --tag boo", ["boosting", "bootstrap"]),
        ("mlprep show trees-gini-m", ["trees-gini-max"]),
        ("mlprep grade ensembles-bagging-d", ["ensembles-bagging-definition"]),
        ("mlprep code coding-softm", ["coding-softmax"]),
        ("mlprep code check coding-nm", ["coding-nms"]),
        ("mlprep completion f", ["fish"]),
    ],
)
def test_the_shell_gets_commands_options_decks_tags_and_card_ids(words, expected, mlprep_home):
    assert complete(words, mlprep_home) == expected


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_for_each_shell(cli, shell):
    result = cli("completion", shell)
    assert result.exit_code == 0
    assert "_MLPREP_COMPLETE" in result.stdout
    if shell == "zsh":  # zsh's compinit reads "#compdef" from a file's first line only
        assert result.stdout.startswith("#compdef mlprep\n")


def test_an_unknown_shell_is_a_usage_error(cli):
    result = cli("completion", "tcsh")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: No completion for 'tcsh'; choose bash, zsh or fish.\n",
    )
