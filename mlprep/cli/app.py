"""The `mlprep` command: global options and the command table."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from mlprep import __version__
from mlprep.cli import (
    code,
    completion,
    content,
    drill,
    export,
    grade,
    importer,
    optimize,
    plan,
    practice,
    progress,
    quiz,
    stats,
    study,
)
from mlprep.cli.common import GuardedGroup, echo_error
from mlprep.cli.state import NOW_VARIABLE, AppState, Environment, parse_now
from mlprep.errors import UsageError

app = typer.Typer(
    cls=GuardedGroup,  # the one error boundary: every command and the home menu run in it
    name="mlprep",
    help="Drill machine-learning interview questions in the terminal.",
    epilog="Start with: mlprep quiz trees. Docs: docs/deck-format.md for writing decks.",
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


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            metavar="DIR",
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
    ctx.obj = AppState(env=env, data_dir=data_dir, debug=debug)
    _check_clock(ctx.obj)
    if ctx.invoked_subcommand is None:
        if env.can_draw():
            from mlprep.cli.home import home

            home(ctx)
        else:
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


app.command("review")(study.review)
app.command("quiz")(quiz.quiz)
app.command("flash")(study.flash)
app.command("drill")(drill.drill)
app.command("sql")(practice.sql)
app.command("mock")(practice.mock)
app.command("stats")(stats.stats)
app.command("plan")(plan.plan)
app.command("optimize")(optimize.optimize)
app.command("decks")(content.decks)
app.command("tags")(content.tags)
app.command("show")(content.show)
app.command("search")(content.search)
app.command("validate")(content.validate)
app.command("grade")(grade.grade)
app.command("export")(export.export)
app.command("import")(importer.import_deck)
app.command("completion")(content.completion_script)
app.add_typer(progress.app, name="progress")
app.add_typer(code.app, name="code")


def main() -> None:
    """The program: every command runs inside GuardedGroup's error boundary, so an error is
    one line and an exit code wherever it is raised."""
    if completion.asked():  # the shell wants completions: only then are its classes loaded
        completion.enable()
    try:
        app(prog_name="mlprep")
    except OSError as error:  # commands report their own; this is help or usage text
        from mlprep.cli.common import silence_stdout

        sys.stderr.write(f"Error: cannot write to standard output: {error.strerror or error}\n")
        silence_stdout()
        sys.exit(1)
