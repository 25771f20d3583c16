"""The one runner for study sessions: open the store, build the prompter and the recorder,
run the session, print its summary, map how it stopped to the exit code."""

from __future__ import annotations

import random

import typer

from mlprep.cli.state import AppState
from mlprep.errors import ExitCode
from mlprep.sessions.base import Session, SessionContext, SessionResult, Stop
from mlprep.sessions.ports import Prompter

EXIT_CODES = {Stop.INTERRUPTED: ExitCode.INTERRUPTED}  # end of input, quit, time up: 0


def run_session(
    app: AppState,
    session: Session,
    plain: bool = False,
    seed: int | None = None,
    prompter: Prompter | None = None,
    sql_time_limit: float = 2.0,
    trust_deck: bool = False,
) -> SessionResult:
    """Run `session` and print its summary; the caller then calls `finish(result)` (after any
    work of its own, such as saving a transcript)."""
    from mlprep.sessions.recording import ProgressRecorder, StoreView

    with app.progress() as store:
        store.check_writable()
        prompter = prompter or app.prompter(plain)
        recorder = ProgressRecorder(store, session.mode, app.env.now)
        context = SessionContext(
            now=app.env.now,
            clock=app.env.clock,
            rng=random.Random(seed),
            progress=StoreView(store),
            sql_time_limit=sql_time_limit,
            code_dir=app.paths.data_dir / "code",
            trust_deck=trust_deck,
        )
        result = session.run(prompter, recorder, context)
        if hasattr(result, "width"):
            result.width = getattr(
                prompter, "width", 80
            )  # the summary's rows fit the terminal as it is now
        for line in result.summary():
            prompter.notice(line)
    return result


def finish(result: SessionResult) -> None:
    """Exit with the code for how the session stopped (0 unless interrupted)."""
    code = EXIT_CODES.get(result.stopped) if result.stopped else None
    if code is not None:
        raise typer.Exit(int(code))
