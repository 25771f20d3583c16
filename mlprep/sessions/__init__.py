"""Session logic. Sessions talk to a Prompter and a recorder, never to a terminal."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

INTERRUPTED = "interrupted"  # Ctrl-C
END_OF_INPUT = "end of input"


@contextlib.contextmanager
def until_stopped(result) -> Iterator[None]:
    """Run a session's loop; Ctrl-C or the end of input stops it and is noted on `result`
    (answers are saved as they are given, so nothing is lost)."""
    try:
        yield
    except KeyboardInterrupt:
        result.stopped = INTERRUPTED
    except EOFError:
        result.stopped = END_OF_INPUT
