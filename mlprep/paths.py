"""Where mlprep keeps things: --data-dir > MLPREP_HOME > the platform's user data dir."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "mlprep"


@dataclass(frozen=True)
class Paths:
    """Where this run keeps its data, progress, cache and user decks."""

    data_dir: Path
    cache_dir: Path

    @property
    def user_decks_dir(self) -> Path:
        return self.data_dir / "decks"

    @property
    def progress_dir(self) -> Path:
        return self.data_dir / "progress"

    @property
    def review_log(self) -> Path:
        return self.progress_dir / "reviews.jsonl"


def resolve_paths(
    data_dir: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Paths:
    env = os.environ if env is None else env
    chosen = data_dir or env.get("MLPREP_HOME")
    if chosen:
        try:
            home = Path(chosen).expanduser()
        except RuntimeError:  # ~nouser: no such user
            from mlprep.errors import UsageError

            raise UsageError(f"{chosen}: no home directory to find for it") from None
        # (absolute: a relative MLPREP_HOME made progress depend on the working directory)
        root = Path(os.path.abspath(home))
        return Paths(data_dir=root, cache_dir=root / "cache")
    import platformdirs

    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )


def builtin_content_dir() -> Path:
    """The bundled content: inside the package when installed, the repository's content/ in a
    source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "content"
    return packaged if packaged.is_dir() else here.parent / "content"


def deck_guide_path() -> Path:
    """How to write a deck (docs/deck-format.md): inside the package when installed, in the
    repository's docs/ in a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "docs" / "deck-format.md"
    return packaged if packaged.is_file() else here.parent / "docs" / "deck-format.md"


def env_deck_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    env = os.environ if env is None else env
    value = env.get("MLPREP_DECKS", "")
    return [Path(part).expanduser() for part in value.split(os.pathsep) if part.strip()]
