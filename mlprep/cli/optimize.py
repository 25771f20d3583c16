"""`mlprep optimize`: fit the scheduler to your own memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlprep.cli.common import state
from mlprep.memory import DEFAULT_SOURCE

if TYPE_CHECKING:
    from mlprep.optimize import Fit


def optimize(
    ctx: typer.Context,
    revlog: Annotated[
        Path | None,
        typer.Option(
            "--revlog",
            metavar="FILE.csv",
            help="Fit on another tool's review log (card_id,review_rating,review_time,"
            "review_duration) instead of your mlprep history.",
        ),
    ] = None,
    apply: Annotated[
        bool,
        typer.Option("--apply", help="With --revlog: use the fitted parameters if better."),
    ] = False,
    reset: Annotated[
        bool,
        typer.Option("--reset", help="Go back to FSRS's default parameters (undoes an apply)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Fit FSRS to your own review history.

    Fits on the older 70% of your reviews and scores log loss and calibration error on the
    newest 30%, against the parameters in use. Better parameters are applied (they go into
    the progress log, so they merge across machines) and every card is rescheduled with
    them; otherwise nothing changes. Needs at least 400 reviews.

    \b
    Examples:
      mlprep optimize
      mlprep optimize --revlog revlog.csv --json
      mlprep optimize --revlog revlog.csv --apply
      mlprep optimize --reset
    """
    from mlprep.errors import MlprepError
    from mlprep.optimize import NotEnoughHistory, fit, read_revlog, reviews_of
    from mlprep.progress import effective

    app = state(ctx)
    if reset:
        _reset(app, as_json, fitting=revlog is not None or apply)
        return
    if apply and revlog is None:
        from mlprep.errors import UsageError

        raise UsageError("--apply goes with --revlog (your own history is applied when better)")
    reviews = None
    if revlog is not None:
        from mlprep.errors import unreadable_input
        from mlprep.fileio import read_regular
        from mlprep.limits import MAX_PROGRESS_IMPORT_BYTES

        try:  # (a regular file within the limit, as every other input: not /dev/zero or a pipe)
            text = read_regular(revlog, MAX_PROGRESS_IMPORT_BYTES).decode("utf-8-sig")
        except OSError as error:
            raise unreadable_input(revlog, error) from None
        except UnicodeDecodeError:
            raise MlprepError(f"cannot read {revlog}: not UTF-8 text") from None
        try:
            reviews = read_revlog(str(revlog), text)
        except MlprepError as error:
            app.list_problems(getattr(error, "problems", []))
            raise
    with app.progress() as store:
        if reviews is None:
            reviews = reviews_of(effective(store.events()))
        current = store.scheduler.parameters
        try:
            from mlprep.textsafe import printable

            source = None if revlog is None else printable(str(revlog))
            result = fit(reviews, current, progress=app.say_progress, source=source)
        except NotEnoughHistory as refusal:
            if as_json:
                app.env.stdout.write(
                    json.dumps({"applied": False, "reason": refusal.message}, indent=2) + "\n"
                )
            else:
                app.tell(f"Not fitted: {refusal.message}")
            return
        applied = result.better and (revlog is None or apply)
        if applied:
            data = {
                "parameters": list(result.fitted),
                "reviews": result.reviews,
                "log_loss": round(result.after.log_loss, 4),
                "source": "revlog" if revlog is not None else "history",
            }
            store.record_setting("params", data, app.env.now())
    if as_json:
        app.env.stdout.write(json.dumps({**result.to_json(), "applied": applied}, indent=2) + "\n")
        return
    # (the table's rows as they are; the sentences around it wrapped)
    first, *table, last = report_lines(result, applied, revlog is not None)
    app.tell(first)
    app.env.stdout.write("".join(row + "\n" for row in table))
    app.tell(last)


def _reset(app, as_json: bool, fitting: bool) -> None:
    """Schedule with FSRS's default parameters again: a parameters event saying so goes into
    the log (it merges like any other) and every card is rescheduled."""
    from mlprep.errors import UsageError

    if fitting:
        raise UsageError("--reset goes alone (it fits nothing)")
    with app.progress() as store:
        current = store.setting("params")
        changed = bool(current) and current.get("source") != DEFAULT_SOURCE
        if changed:
            data = {"parameters": None, "source": DEFAULT_SOURCE}
            store.record_setting("params", data, app.env.now())
    if as_json:
        app.env.stdout.write(json.dumps({"reset": changed}, indent=2) + "\n")
    elif changed:
        app.tell("Back to FSRS's default parameters: every card is rescheduled.")
    else:
        app.tell("Already on FSRS's default parameters: nothing was changed.")


def _score_line(label: str, score) -> str:
    return f"{label:<24} {score.log_loss:>9.4f}  {score.calibration:>17.4f}"


def report_lines(result: Fit, applied: bool, external: bool) -> list[str]:
    lines = [
        f"Fitted FSRS to {result.reviews:,} reviews: the older {result.train_reviews:,} to fit, "
        f"the newest {result.test_reviews:,} to score ({result.seconds:.1f} s).",
        "",
        "On the newest reviews     log loss  calibration error",
        _score_line("parameters in use", result.before),
        _score_line("fitted parameters", result.after),
        "",
    ]
    if applied:
        lines.append("Better: applied. Review now schedules with your fitted parameters.")
    elif result.better and external:
        lines.append("Better. Nothing was changed: add --apply to use these parameters.")
    else:
        lines.append("Not better than the parameters in use: nothing was changed.")
    return lines
