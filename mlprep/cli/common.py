"""Shared option types and the error boundary every command runs inside."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer._click.exceptions import NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup

from mlprep.cli import completion
from mlprep.cli.state import AppState, Environment
from mlprep.errors import ExitCode, MlprepError, OutputError
from mlprep.fileio import is_terminal

DeckDirs = Annotated[
    list[Path] | None,
    typer.Option(
        "--decks",
        metavar="DIR",
        help="Also load decks from DIR (repeatable).",
        show_default=False,
    ),
]
DeckSlugs = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[DECK]...",
        help="Deck slugs (default: every deck).",
        show_default=False,
        autocompletion=completion.deck_names,
    ),
]
Tags = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        metavar="TAG",
        help="Only cards with this tag (repeatable).",
        show_default=False,
        autocompletion=completion.tag_names,
    ),
]
Seed = Annotated[
    int | None, typer.Option("--seed", metavar="SEED", help="Repeat the same selection and order.")
]
Count = Annotated[int, typer.Option("-n", "--count", min=1, metavar="N", help="How many cards.")]

TrustDeck = Annotated[
    bool,
    typer.Option(
        "--trust-deck",
        help="Run code cards from decks that are not built in (their tests are code).",
    ),
]

Plain = Annotated[
    bool,
    typer.Option("--plain", help="Numbered prompts, one answer a line, no colours."),
]


def between(low: float, high: float, unit: str):
    """An option callback: the number must lie in [low, high]. Click's own ranges let nan
    through (every comparison with nan is false), and nan or inf would remove a limit."""

    def check(value: float | None) -> float | None:
        if value is not None and not low <= value <= high:
            raise typer.BadParameter(f"{value:g} is not between {low:g} and {high:g} {unit}.")
        return value

    return check


def state(ctx: typer.Context) -> AppState:
    return ctx.find_root().obj


def echo_error(app_state: AppState, message: str) -> None:
    from mlprep.textsafe import printable  # messages quote files and input: no raw escapes

    stderr = app_state.env.stderr
    text = f"Error: {printable(message)}"
    if is_terminal(stderr):  # a log or a pipe keeps one line per error, for grep
        text = wrap_for_terminal(text)
    stderr.write(text + "\n")
    stderr.flush()


def wrap_for_terminal(text: str) -> str:
    """An error as lines that fit the terminal, and 80 columns at most: words wrap, and a path
    longer than a line is cut across lines rather than shortened, so none of it is lost."""
    import shutil
    import textwrap

    width = max(20, min(80, shutil.get_terminal_size((80, 24)).columns))
    lines = textwrap.wrap(
        text, width, subsequent_indent="  ", break_on_hyphens=False, replace_whitespace=False
    )
    return "\n".join(lines) or text


def silence_stdout() -> None:
    """Point standard output at /dev/null, so that the flush at exit cannot fail again on what
    is still buffered (Python would print 'Exception ignored' and exit 120)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


@contextlib.contextmanager
def error_boundary(ctx: Any) -> Iterator[None]:
    """The one place errors become messages: a core error is one line and its exit code (a
    traceback only with --debug), Ctrl-C is 130, a closed pipe is quiet, a bug is one line."""
    try:
        yield
        _app_state(ctx).env.stdout.flush()  # a full disk shows here, while we can still say so
    except ClickUsageError as error:
        usage_error(error, ctx)
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except MlprepError as error:
        app_state = _app_state(ctx)
        if app_state.debug:
            traceback.print_exc(file=app_state.env.stderr)
        echo_error(app_state, error.message)
        if isinstance(error, OutputError):
            silence_stdout()
        raise typer.Exit(int(error.exit_code)) from None
    except BrokenPipeError:
        # the reader went away (`mlprep ... | head`): stop quietly, as Unix tools do
        silence_stdout()
        raise typer.Exit(int(ExitCode.ERROR)) from None
    except KeyboardInterrupt:
        _app_state(ctx).env.stderr.write("\nInterrupted.\n")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except OSError as error:
        # a file or directory the system refused (no permission, a file where a directory
        # should be): what and where, as other tools say it; a bug's traceback behind --debug
        app_state = _app_state(ctx)
        if app_state.debug:
            traceback.print_exc(file=app_state.env.stderr)
        if error.filename is None and _written_by_echo(error):
            # (help that click wrote itself, to a full disk: commands write through the
            # environment's stdout, which names its own errors)
            echo_error(app_state, f"cannot write to standard output: {error.strerror or error}")
            silence_stdout()
        elif error.filename is None or not error.strerror:
            echo_error(
                app_state,
                f"unexpected {type(error).__name__}: {error} (run with --debug for details)",
            )
        else:
            echo_error(app_state, f"{error.filename}: {error.strerror}")
        raise typer.Exit(int(ExitCode.ERROR)) from None
    except Exception as error:  # a bug: say so briefly, the traceback is behind --debug
        app_state = _app_state(ctx)
        if app_state.debug:
            traceback.print_exc(file=app_state.env.stderr)
        echo_error(
            app_state,
            f"unexpected {type(error).__name__}: {error} (run with --debug for details)",
        )
        raise typer.Exit(int(ExitCode.ERROR)) from None


def _written_by_echo(error: BaseException) -> bool:
    """Whether the error came from click's echo (the help text it prints itself)."""
    trace = error.__traceback__
    while trace is not None:
        code = trace.tb_frame.f_code
        if code.co_name == "echo" and "click" in code.co_filename:
            return True
        trace = trace.tb_next
    return False


# the options of the program itself, given before any command, and how they are given
_PROGRAM_OPTIONS = {
    "--debug": "mlprep --debug {command} ...",
    "--data-dir": "mlprep --data-dir DIR {command} ...",
    "--version": "mlprep --version",
}


def usage_error(error: ClickUsageError, outer: Any = None) -> NoReturn:
    """A usage error (an unknown option, a bad value) as one line, with where help is, and its
    exit code: not the usage, a hint and the error over four lines."""
    if isinstance(error, NoArgsIsHelpError) and error.ctx is not None:
        # a group named alone (`mlprep progress`) asks what it holds: its help, on standard
        # output as -h gives it (to read or page), not an error
        typer.echo(error.ctx.get_help())
        raise typer.Exit(0)
    text = _in_words(" ".join(error.format_message().split()))  # (choices come on lines)
    if not text.endswith((".", "?", "!")):
        text += "."
    # (an option given without its value comes with no context of its own: the one it was
    # read in, the group's, names the command being started)
    context = error.ctx if error.ctx is not None else outer
    where = "mlprep"
    if context is not None:
        where = context.command_path
        if context is outer and getattr(outer, "invoked_subcommand", None):
            where += f" {outer.invoked_subcommand}"
    option = getattr(error, "option_name", None)  # (an option the command does not know)
    if option in _PROGRAM_OPTIONS and where != "mlprep":
        # `mlprep quiz trees --debug`: the program's own options go before the command
        given = _PROGRAM_OPTIONS[option].format(command=where.removeprefix("mlprep "))
        text += f" {option} is mlprep's own, before any command: `{given}`."
    elif "Did you mean" not in text:  # (a suggestion says enough)
        text += f" See `{where} -h`."  # (commands in backticks, as elsewhere)
    echo_error(_app_state(context), text)
    raise typer.Exit(error.exit_code)


# click's words for a number out of range or not a number ("0 is not in the range x>=1.",
# "'abc' is not a valid int range."), and what mlprep says instead (compiled only when an
# error is shown). Only the words after the value are matched: a value of thousands of
# characters is not scanned again at every position.
_RANGE_WORDS = (
    (r" is not in the range x>=(\S+)\.", r" is too small: at least \1."),
    (r" is not in the range x<=(\S+)\.", r" is too large: at most \1."),
    (r" is not in the range (\S+)<=x<=(\S+)\.", r" is not from \1 to \2."),
    (r" is not a valid int(?:eger)?(?: range)?\.", " is not a whole number."),
    (r" is not a valid float(?: range)?\.", " is not a number."),
)


def _in_words(text: str) -> str:
    import re

    for pattern, words in _RANGE_WORDS:
        text = re.sub(pattern, words, text)
    # digits too many for Python's int() (over 4,300) are a whole number all the same
    end = text.find("' is not a whole number.")
    value = text[text.rfind("'", 0, end) + 1 : end]
    digits = value.removeprefix("-").removeprefix("+")
    if end > 0 and digits.isdigit() and digits.isascii():
        # (sys.get_int_max_str_digits(): 4,300 unless set otherwise)
        said = "' has more digits than a number may have (4,300)."
        text = text.replace("' is not a whole number.", said, 1)
    # (a value of thousands of digits made a line of thousands of characters)
    shown = r"'([^'\s]{30})[^'\s]{4,}'(?= (?:is not a (?:whole )?number|has more digits)\b)"
    return re.sub(shown, r"'\1...'", text)


def _app_state(ctx: Any) -> AppState:
    obj = ctx.find_root().obj if ctx is not None else None
    if isinstance(obj, AppState):
        return obj
    return AppState(env=obj if isinstance(obj, Environment) else Environment())


class GuardedGroup(TyperGroup):
    """The command group whose every command (and the home menu) runs inside error_boundary."""

    def invoke(self, ctx: Any) -> Any:
        with error_boundary(ctx):
            return super().invoke(ctx)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        # help as wide as the terminal, to 80 columns (click keeps it at least 50 wide: it
        # ran past a 40-column terminal), and at least 38 (narrower, its option column left
        # its descriptions a word a line); commands' contexts take it from this one
        columns = shutil.get_terminal_size((80, 24)).columns
        kwargs.setdefault("terminal_width", max(38, min(columns, 80) - 2))
        try:  # (the program's own options are read here, before any command runs)
            return super().make_context(*args, **kwargs)
        except ClickUsageError as error:
            usage_error(error, None)
