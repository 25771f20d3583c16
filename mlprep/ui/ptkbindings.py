"""prompt_toolkit's default key bindings, built once per process instead of once per prompt.

prompt_toolkit builds every Application's default bindings afresh (`load_key_bindings()`: the
whole emacs and vi tables, several hundred bindings) and merges them again on the first key
press; questionary makes two Applications for each menu. That was most of the time between one
question and the next. The tables hold no state of their own (their filters and handlers look
at the running application), so one shared copy behaves exactly like a fresh one.
"""

from __future__ import annotations

import functools
import importlib

_shared = False


def share_default_bindings() -> None:
    """Make prompt_toolkit reuse one copy of each default binding table (idempotent)."""
    global _shared
    if _shared:
        return
    # the modules themselves (their packages export functions of the same names), where
    # Application and PromptSession look these up each time they build one
    tables = {
        "prompt_toolkit.application.application": (
            "load_key_bindings",
            "load_page_navigation_bindings",
        ),
        "prompt_toolkit.shortcuts.prompt": (
            "load_auto_suggest_bindings",
            "load_open_in_editor_bindings",
        ),
    }
    for module_name, names in tables.items():
        module = importlib.import_module(module_name)
        for name in names:
            setattr(module, name, functools.cache(getattr(module, name)))
    _shared = True
