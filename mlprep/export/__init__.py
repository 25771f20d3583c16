"""Exports: decks -> a Markdown study guide, an Anki package or one JSON document.

An export is built whole in memory (a list of ExportFile) before anything touches the disk, so a
refused overwrite or a failed build writes nothing. Heavy imports (genanki, markdown-it) stay in
the format modules, which load only when that format is asked for.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from mlprep.errors import MlprepError, UsageError
from mlprep.model import Deck

STDOUT = "-"

OnDeck = Callable[[Deck], None]  # told about each deck once it is rendered (for progress lines)


class ExportFormat(StrEnum):
    MD = "md"
    ANKI = "anki"
    JSON = "json"


# a Markdown export to a name ending so is one combined guide; to any other, a directory
SINGLE_GUIDE_SUFFIXES = (".md", ".markdown", ".txt")
# the format each known name ending is written in: -o with another format's ending is refused
# (-o trees.json with --format md; -o guide.md with --format anki); other names are accepted
FORMAT_OF_SUFFIX = {
    **dict.fromkeys(SINGLE_GUIDE_SUFFIXES, "md"),
    ".apkg": "anki",
    ".json": "json",
}
FORMAT_NAME = {"md": "Markdown", "anki": "Anki", "json": "JSON"}

DEFAULT_OUTPUT = {
    ExportFormat.MD: "mlprep-guide",  # a directory: one file per deck and an index
    ExportFormat.ANKI: "mlprep.apkg",
    ExportFormat.JSON: "mlprep.json",
}


@dataclass(frozen=True)
class ExportFile:
    path: Path | None  # None: standard output
    data: bytes
    # True for the pages of a Markdown guide: their directory is made if it is missing (the
    # directory that holds it must exist). Any other file's directory must exist already.
    new_dir: bool = False


def build(
    decks: Sequence[Deck],
    fmt: ExportFormat,
    output: str | None = None,
    no_answers: bool = False,
    on_deck: OnDeck | None = None,
    timestamp: float | None = None,
) -> list[ExportFile]:
    """Every file an export writes (`timestamp`: the time an Anki package's notes are stamped
    with; now if None). `output` is a path, `-` for standard output, or None for
    the format's default; for Markdown a name ending in .md means one combined guide."""
    target = output or DEFAULT_OUTPUT[fmt]
    if no_answers and fmt is not ExportFormat.MD:
        raise UsageError(
            "--no-answers makes a Markdown practice sheet; Anki and JSON exports always "
            "carry the answers."
        )
    to_stdout = target == STDOUT
    if not to_stdout:
        _refuse_another_formats_name(target, fmt)
    if fmt is ExportFormat.ANKI:
        if to_stdout:
            raise UsageError("an Anki package is a binary file; name it with -o, e.g. -o deck.apkg")
        from mlprep.export.anki import anki_package

        return [ExportFile(Path(target), anki_package(decks, on_deck, timestamp))]
    if fmt is ExportFormat.JSON:
        from mlprep.export.jsonexport import json_bytes

        return [ExportFile(None if to_stdout else Path(target), json_bytes(decks, on_deck))]
    from mlprep.export.markdown import guide_markdown, markdown_files

    # (a / at the end says a directory; otherwise the name's suffix says what it is)
    suffix = "" if target.endswith(("/", os.sep)) else Path(target).suffix.lower()
    if to_stdout or suffix in SINGLE_GUIDE_SUFFIXES:
        text = guide_markdown(decks, no_answers, on_deck)
        return [ExportFile(None if to_stdout else Path(target), text.encode())]
    return markdown_files(decks, Path(target), no_answers, on_deck)


def _refuse_another_formats_name(target: str, fmt: ExportFormat) -> None:
    """A UsageError if `target` ends as another format's file does: .md, .markdown, .txt,
    .apkg, .json (in any case). A name without one of these endings is accepted."""
    # (an APKG named guide.md, or a directory of pages named trees.json, surprised people)
    if fmt is ExportFormat.MD and target.endswith(("/", os.sep)):
        return  # a directory of pages, however it is named
    # (Anki and JSON write one file; a / at the end does not change the name it gets)
    suffix = Path(target).suffix.lower()
    other = FORMAT_OF_SUFFIX.get(suffix, fmt.value)
    if other == fmt.value:
        return
    what = {
        ExportFormat.MD: "a Markdown export is one file (.md, .markdown or .txt) or a "
        "directory of pages",
        ExportFormat.ANKI: "an Anki export is one .apkg file",
        ExportFormat.JSON: "a JSON export is one .json file",
    }[fmt]
    raise UsageError(f"-o {target}: {what}; for {FORMAT_NAME[other]}, give --format {other}.")


def write(files: Sequence[ExportFile], force: bool = False) -> None:
    """Write each file atomically. Without `force`, refuse (writing nothing) if any exists."""
    from mlprep.fileio import atomic_write, not_a_directory, refuse_non_regular

    paths = [f.path for f in files if f.path is not None]
    for path in paths:  # (said first: --force would not help, only regular files are replaced)
        try:
            refuse_non_regular(path)
        except OSError as error:
            raise MlprepError(f"cannot write {path}: {error.strerror}") from None
    existing = [path for path in paths if path.exists()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise MlprepError(f"{existing[0]} already exists{more}; add --force to overwrite.")
    for parent in dict.fromkeys(path.parent for path in paths):
        if parent.exists() and not parent.is_dir():
            raise MlprepError(f"{not_a_directory(parent)}.")
    for file in files:
        _refuse_a_missing_directory(file)
    # a write that fails (a full disk) takes back what this export made: the files that were
    # not there and a guide's directory, so that no half guide is left
    made_dirs = list(dict.fromkeys(p.parent for f, p in _targets(files) if f.new_dir))
    made_dirs = [directory for directory in made_dirs if not directory.exists()]
    made: list[Path] = []
    for file, path in _targets(files):
        new = not path.exists()
        try:
            atomic_write(path, file.data)
        except OSError as error:
            for done in made:
                with contextlib.suppress(OSError):
                    done.unlink()
            for directory in made_dirs:
                with contextlib.suppress(OSError):
                    directory.rmdir()  # (only if empty: never what someone else put there)
            raise MlprepError(f"cannot write {path}: {error.strerror or error}") from None
        if new:
            made.append(path)


def _targets(files: Sequence[ExportFile]) -> list[tuple[ExportFile, Path]]:
    return [(file, file.path) for file in files if file.path is not None]


def _refuse_a_missing_directory(file: ExportFile) -> None:
    """An MlprepError naming the directory `file` would go into if it does not exist: a typo
    in -o made a stray tree of directories. A Markdown guide's own directory is the one
    exception (it is made), but not the directories above it."""
    if file.path is None:
        return
    # (as written, then where a symbolic link leads: the write goes to the link's target)
    for path in (file.path, Path(os.path.realpath(file.path))):
        directory = path.parent.parent if file.new_dir else path.parent
        if directory.is_dir():
            continue
        what = f"{path.parent}{os.sep}" if file.new_dir else str(path)
        if directory.exists():
            from mlprep.fileio import not_a_directory

            raise MlprepError(f"cannot write {what}: {not_a_directory(directory)}.")
        raise MlprepError(f"cannot write {what}: no such directory {directory}")
