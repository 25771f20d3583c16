"""`mlprep plan` as plain lines that fit the terminal's width (80 columns and narrower)."""

from __future__ import annotations

import textwrap

from mlprep.days import DAY_STARTS_TEXT
from mlprep.plan import Outlook

BAR = "#"


def share_text(value: float, cards: int) -> str:
    """A predicted share in whole percent. A prediction is never certain, so 99.5% shows as
    99%, not 100%; likewise a share above 0 never shows as 0%."""
    if not cards:
        return "-"
    percent = 100 * value / cards
    shown = round(percent)
    if shown == 100 and percent < 100:
        shown = 99
    elif shown == 0 and percent > 0:
        shown = 1
    return f"{shown}%"


def interview_line(view: Outlook) -> str:
    """'Interview on Wed 09 Dec 2026: 14 days left, 30 minutes a day.'"""
    plan = view.plan
    when = plan.interview.strftime("%a %d %b %Y")
    days = "1 day" if view.days_left == 1 else f"{view.days_left} days"
    return (
        f"Interview on {when}: {days} left, {plan.minutes} minute{'s' * (plan.minutes != 1)} a day."
    )


def readiness_lines(view: Outlook, width: int = 80) -> list[str]:
    """On the interview day: the share of each deck's cards predicted recalled at 09:00."""
    width = max(40, min(width, 80))
    rows = [(d.deck, d.cards, d.seen, d.now) for d in view.decks]
    if len(rows) > 1:
        rows.append(("all decks", view.cards, view.seen, view.now))
    name_width = min(max(4, *(len(row[0]) for row in rows)), max(4, width - 22))
    lines = ["", *textwrap.wrap("Predicted share recalled this morning (09:00):", width)]
    lines.append(f"{'deck':<{name_width}}  cards   seen  recalled")
    for name, cards, seen, now in rows:
        shown = name if len(name) <= name_width else name[: name_width - 1] + "~"
        lines.append(f"{shown:<{name_width}}  {cards:>5}  {seen:>5}  {share_text(now, cards):>8}")
    return lines


def outlook_lines(view: Outlook, width: int = 80) -> list[str]:
    width = max(40, min(width, 80))
    lines = [
        *textwrap.wrap(interview_line(view), width),
        *textwrap.wrap(
            f"{view.cards} cards planned: {view.seen} seen, {view.cards - view.seen} unseen.",
            width,
        ),
        "",
        *textwrap.wrap("Predicted share recalled on the day:", width),
    ]
    rows = [(d.deck, d.cards, d.seen, d.now, d.followed) for d in view.decks]
    room = max(4, width - 34)  # for the deck column
    if len(rows) > 1:
        total = "all decks" if room >= len("all decks") else "all"
        rows.append((total, view.cards, view.seen, view.now, view.followed))
    name_width = max(4, *(len(row[0]) for row in rows)) if rows else 4
    name_width = min(name_width, room)
    lines.append(f"{'deck':<{name_width}}  cards   seen    now  if followed")
    for name, cards, seen, now, followed in rows:
        shown = name if len(name) <= name_width else name[: name_width - 1] + "~"
        lines.append(
            f"{shown:<{name_width}}  {cards:>5}  {seen:>5}  {share_text(now, cards):>5}"
            f"  {share_text(followed, cards):>11}"
        )
    # a deck the days leave untouched, said rather than left to a silent 0% (coding drills,
    # ten cards' time each, come last in a plan of several decks)
    idle = [d.deck for d in view.decks if d.cards and not d.seen and d.followed <= 0]
    if idle and len(view.decks) > 1:
        named = ", ".join(idle)
        lines += [
            "",
            *textwrap.wrap(
                # (the plan is one: `mlprep plan coding` alone, suggested here, made a plan of
                # coding only, every other deck dropped without a word)
                f"No time goes to {named} in these minutes: other decks gain more recall a "
                f"minute. Give the plan more than {view.plan.minutes} "
                f"minute{'s' * (view.plan.minutes != 1)} a day (mlprep plan --minutes N), or "
                f"plan {'it' if len(idle) == 1 else 'them'} "
                f"alone: mlprep plan {' '.join(idle)} makes the plan "
                f"{'that deck' if len(idle) == 1 else 'those decks'} only.",
                width,
            ),
        ]
    heading = "Daily load if followed (minutes):"
    if view.small_hours and view.load:  # (at 01:00 on Tuesday the first row is Monday's)
        first = view.load[0].day.strftime("%a %d %b")
        heading = (
            f"Daily load if followed (minutes; {first} runs to {DAY_STARTS_TEXT} this morning):"
        )
    lines += ["", *textwrap.wrap(heading, width)]
    # a full bar is the day's minutes (scaled to the busiest day, 2 of 5 minutes drew one)
    peak = max([float(view.plan.minutes), *(load.minutes for load in view.load)])
    counts = width >= 56
    fixed = 11 + 5 + (21 if counts else 0)
    bar_room = max(1, width - fixed)
    for load in view.load:
        bar = BAR * (round(bar_room * load.minutes / peak) if peak else 0)
        line = f"{load.day.strftime('%a %d %b')} {bar:<{bar_room}} {round(load.minutes):>3}"
        if counts:
            line += f"  {load.new:>4} new {load.reviews:>4} rev"
        lines.append(line.rstrip())
    lines.append("")
    lines += textwrap.wrap(
        "Review follows the plan: mlprep review. End it: mlprep plan --clear", width
    )
    return lines
