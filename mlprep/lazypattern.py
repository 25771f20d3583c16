"""Regular expressions compiled when first used.

The review log's line patterns are long: compiling them took most of the time importing the
log module cost, and a warm start that finds no new log lines never uses them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast


class LazyPattern:
    """Stands in for `re.compile(source)`, compiled on the first use of any of its attributes
    (`match`, `findall`, `groups`, ...); each attribute is then kept on this object, so later
    uses cost what they cost on the compiled pattern. `source` may be a function giving it,
    when building the source takes work of its own."""

    def __init__(self, source: bytes | Callable[[], bytes]) -> None:
        self._source = source

    def compiled(self) -> re.Pattern[bytes]:
        pattern = self.__dict__.get("_compiled")
        if pattern is None:
            source = self._source() if callable(self._source) else self._source
            pattern = self.__dict__["_compiled"] = re.compile(source)
        return pattern

    def __getattr__(self, name: str) -> Any:
        # only for attributes not found on this object: the first use of each
        value = getattr(self.compiled(), name)
        setattr(self, name, value)
        return value


def lazy_compile(source: bytes | Callable[[], bytes]) -> re.Pattern[bytes]:
    """A LazyPattern, typed as the pattern it stands in for."""
    return cast("re.Pattern[bytes]", LazyPattern(source))
