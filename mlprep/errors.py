"""Every error the core raises, and the exit code each one maps to.

Core modules raise these; only ``mlprep.cli`` turns them into a message and an exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # a runtime problem: unreadable progress, a full disk
    USAGE = 2  # bad command line: unknown option, unknown deck
    INVALID_CONTENT = 3  # `mlprep validate` found problems
    INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


class MlprepError(Exception):
    """An error with a one-line message meant for the user."""

    exit_code = ExitCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(MlprepError):
    exit_code = ExitCode.USAGE


class ContentError(MlprepError):
    exit_code = ExitCode.INVALID_CONTENT


class ProgressError(MlprepError):
    """The progress store cannot be read or written safely."""


class OutputError(MlprepError):
    """Standard output cannot be written: a full disk, /dev/full, a failing device."""


def cannot_read(name: object, error: OSError) -> str:
    """What to say of a file that cannot be read, in one line."""
    return f"cannot read {name}: {error.strerror or error}"


def unreadable_input(name: object, error: OSError) -> MlprepError:
    """An input file that cannot be read, as one line: over its size limit it is bad content,
    as a bad row is (exit 3); anything else (missing, a directory, a pipe) exit 1."""
    import errno

    kind = ContentError if error.errno == errno.EFBIG else MlprepError
    return kind(cannot_read(name, error))
