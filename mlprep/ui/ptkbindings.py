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
            load = getattr(module, name)
            if name == "load_key_bindings":
                load = _with_pasted_codes_ignored(load)
            setattr(module, name, functools.cache(load))
    _shared = True


def _with_pasted_codes_ignored(load):
    """The default bindings, and one that drops a "mouse event" prompt_toolkit cannot read.
    Its input parser takes a colour code in pasted text ("\x1b[31m", from a terminal without
    bracketed paste) for a mouse report; its mouse handler then failed to read it: a
    traceback, "Press ENTER to continue", the rest of the paste lost. mlprep's prompts turn
    no mouse reporting on, so a real report never comes; one that can be read goes on to
    prompt_toolkit's handler all the same."""

    def loaded():
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
        from prompt_toolkit.keys import Keys

        defaults = load()
        guard = KeyBindings()

        @guard.add(Keys.Vt100MouseEvent)
        def _(event) -> None:
            data = event.data[2:].lstrip("<")
            if len(data[:-1].split(";")) == 3:  # a report it can read: handled as it was
                for binding in defaults.get_bindings_for_keys((Keys.Vt100MouseEvent,)):
                    binding.handler(event)
                    return

        return merge_key_bindings([defaults, guard])

    return loaded
