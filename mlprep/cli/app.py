"""The `mlprep` command: global options and the command table."""

import difflib
import io
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.exceptions import UsageError as ClickUsageError
from typer._click.utils import make_default_short_help

from mlprep import __version__
from mlprep.cli import completion
from mlprep.cli.common import GuardedGroup, echo_error
from mlprep.cli.state import NOW_VARIABLE, AppState, Environment, parse_now
from mlprep.errors import UsageError

# Every command: the module in mlprep.cli and the function that implement it, and its one-line
# summary. A command's module is imported only when that command runs (or shows its help), so
# `mlprep decks` does not pay for the imports of `mlprep review`; `mlprep --help` lists the
# summaries from here (a test checks that they match each command's own help).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "review": ("study", "review", "Review every card that spaced repetition says is due."),
    "quiz": ("quiz", "quiz", "Quiz yourself on one or more decks."),
    "flash": ("study", "flash", "Flip through flashcards and grade yourself."),
    "drill": ("drill", "drill", "Drill your weakest cards without touching the schedule."),
    "sql": ("practice", "sql", "Practise SQL on a real database; results are checked."),
    "mock": ("practice", "mock", "Sit a timed mock interview, then grade your answers."),
    "stats": ("stats", "stats", "Show your progress: counts, recall, forecast, streak."),
    "plan": ("plan", "plan", "Plan for an interview date; review then aims at that day."),
    "optimize": ("optimize", "optimize", "Fit FSRS to your own review history."),
    "decks": ("content", "decks", "List the decks you can study."),
    "tags": ("content", "tags", "List the tags for --tag, with how many cards carry each."),
    "show": ("content", "show", "Show one card with its answer."),
    "search": (
        "content",
        "search",
        "Find cards by words: question, answer, explanation, tags.",
    ),
    "validate": ("content", "validate", "Check deck files for problems."),
    "grade": ("grade", "grade", "Check a typed answer against a card's keypoints."),
    "export": ("export", "export", "Export decks to Markdown, Anki or JSON."),
    "import": (
        "importer",
        "import_deck",
        "Make a deck from a CSV or TSV of questions and answers.",
    ),
    "completion": (
        "content",
        "completion_script",
        "Print the shell code that completes mlprep's commands.",
    ),
}
# Command groups: the module whose `app` is the group, and its summary.
GROUPS: dict[str, tuple[str, str]] = {
    "progress": (
        "progress",
        "Look after your progress: where it is, export, import, merge, reset.",
    ),
    "code": ("code", "Coding drills: write the function, mlprep runs and grades it."),
}


# what a command of another tool's name is called here (no close spelling finds these)
ELSEWHERE = {
    "history": "mlprep show CARD --history",
    "learn": "mlprep review",
    "study": "mlprep review",
    "due": "mlprep review",
    "test": "mlprep quiz DECK",
    "list": "mlprep decks",
}


class LazyCommands(GuardedGroup):
    """The top-level group: builds a command from its module the first time it is asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *GROUPS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in (*COMMANDS, *GROUPS):
            self.commands[cmd_name] = build_command(cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args:
            self.get_command(ctx, args[0])
        try:
            return super().resolve_command(ctx, args)
        except ClickUsageError as error:
            close = difflib.get_close_matches(args[0], self.list_commands(ctx)) if args else []
            elsewhere = ELSEWHERE.get(args[0]) if args else None
            if elsewhere and "Did you mean" not in error.message:
                error.message = f"{error.message.rstrip('.')}. Did you mean `{elsewhere}`?"
            elif close and "Did you mean" not in error.message:
                suggestions = ", ".join(f"{name!r}" for name in close)
                error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list from the summaries above, without importing every command."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = [(name, make_default_short_help(summary(name), limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def summary(name: str) -> str:
    return COMMANDS[name][2] if name in COMMANDS else GROUPS[name][1]


def build_command(name: str) -> Any:
    """The click command (or group) for `name`, from its module."""
    import importlib

    from typer.main import get_command_from_info, get_group
    from typer.models import CommandInfo

    if name in GROUPS:
        module = importlib.import_module(f"mlprep.cli.{GROUPS[name][0]}")
        group = get_group(module.app)
        group.name = name
        return group
    module_name, function, _ = COMMANDS[name]
    module = importlib.import_module(f"mlprep.cli.{module_name}")
    return get_command_from_info(
        CommandInfo(name=name, callback=getattr(module, function)),
        pretty_exceptions_short=False,
        rich_markup_mode=None,
    )


app = typer.Typer(
    cls=LazyCommands,  # the one error boundary: every command and the home menu run in it
    name="mlprep",
    help="Drill machine-learning interview questions in the terminal.",
    epilog="Start with: mlprep quiz trees. Your own decks: mlprep decks --guide.",
    no_args_is_help=False,
    add_completion=False,  # `mlprep completion SHELL` prints the script; see cli/completion.py
    rich_markup_mode=None,  # plain click help: fast, no markup, reads well in pipes
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 80},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlprep {__version__}")
        raise typer.Exit()


def _directory(value: str | None) -> str | None:
    """--data-dir's value: an empty one named the working directory, unasked (an empty
    MLPREP_HOME counts as unset)."""
    if value is not None and not value.strip():
        raise typer.BadParameter("give a directory; an empty value names none.")
    return value


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    data_dir: Annotated[
        str | None,
        typer.Option(
            "--data-dir",
            metavar="DIR",
            callback=_directory,
            help="Keep progress and user decks in DIR (default: $MLPREP_HOME, else the "
            "platform's user data dir).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Drill machine-learning interview questions in the terminal.

    \b
    Examples:
      mlprep quiz trees          quiz yourself on decision trees
      mlprep decks               list every deck
      mlprep search "bias"       find cards
    """
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment()
    ctx.obj = AppState(env=env, data_dir=None if data_dir is None else Path(data_dir), debug=debug)
    _check_clock(ctx.obj)
    if ctx.invoked_subcommand is None:
        if env.can_draw():
            from mlprep.cli.home import home

            home(ctx)
        else:
            if env.is_terminal():  # (TERM=dumb: say why there is no menu, then the commands)
                term = env.environ.get("TERM", "")
                ctx.obj.note(f"The menu needs a terminal that can move its cursor (TERM={term}).")
            typer.echo(ctx.get_help())


def _check_clock(app_state: AppState) -> None:
    """A bad MLPREP_NOW stops every command up front, not halfway through a session."""
    text = app_state.env.environ.get(NOW_VARIABLE)
    if text:
        try:
            parse_now(text)
        except UsageError as error:
            echo_error(app_state, error.message)
            raise typer.Exit(int(error.exit_code)) from None


def _ended_by_signals() -> None:
    """SIGTERM and SIGHUP (a closed terminal window, a `kill`) end mlprep through the code
    that puts the terminal back, as Ctrl-C does: killed outright, a menu left its cursor hidden
    and half its lines under the shell's prompt. Answers are saved as they are given, and a
    forked child leaves by os._exit whatever it raises (forkwork). A second signal kills."""
    import signal

    def stop(number: int, frame: object) -> None:
        signal.signal(number, signal.SIG_DFL)
        raise SystemExit(128 + number)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def _usable_standard_streams() -> None:
    """Standard streams a command can always use: a closed input reads as ended (a session
    stops as at the end of piped input), a closed output fails as a full disk does (one line,
    exit 1), and a terminal that cannot show a character (an ASCII locale) shows "?" for it
    instead of stopping the command."""
    import os

    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the whole run
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, _Closed())
        elif isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() not in (
            "utf-8",
            "utf8",
        ):
            stream.reconfigure(errors="replace")


class _Closed(io.TextIOBase):
    """A standard output that was closed before the program started: every write fails."""

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.EBADF, "it is closed")


def main() -> None:
    """The program: every command runs inside GuardedGroup's error boundary, so an error is
    one line and an exit code wherever it is raised."""
    if completion.asked():  # the shell wants completions: only then are its classes loaded
        completion.enable()
    _usable_standard_streams()
    _ended_by_signals()
    try:
        app(prog_name="mlprep")
    except OSError as error:  # commands report their own; this is help or usage text
        from mlprep.cli.common import silence_stdout

        sys.stderr.write(f"Error: cannot write to standard output: {error.strerror or error}\n")
        silence_stdout()
        sys.exit(1)
