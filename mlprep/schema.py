"""Deck files -> Deck objects, or every problem found, each located as file:line and card id.

The YAML is composed into nodes (never constructed into arbitrary objects) so that each value
keeps the line it came from and duplicate keys can be caught, which plain ``safe_load`` hides.
"""

from __future__ import annotations

import difflib
import html
import math
import re
from typing import Any

import yaml

from mlprep.cardparts import Choice, Expect, Keypoint, Misconception, Rubric
from mlprep.drills import DRILL_IDS
from mlprep.limits import MAX_DECK_CARDS
from mlprep.model import (
    DECK_FORMAT_VERSION,
    MAX_ID_CHARS,
    SLUG,
    SLUG_RULE,
    Card,
    CardType,
    Deck,
    Problem,
)
from mlprep.textsafe import BIDI, CONTROL, UNSHOWABLE

# Terminal control characters (escape sequences can retitle or clear a terminal); tab and
# newline are ordinary text.

DECK_KEYS = ("format", "id", "title", "description", "tags", "cards")
CARD_KEYS = (
    "id",
    "q",
    "a",
    "explain",
    "choices",
    "expect",
    "type",
    "db",
    "solution",
    "ordered",
    "rubric",
    "difficulty",
    "tags",
    "refs",
    "followups",
    "keypoints",
    "misconceptions",
    "signature",
    "tests",
)
CHOICE_KEYS = ("text", "correct", "why")
KEYPOINT_KEYS = ("point", "match")
MISCONCEPTION_KEYS = ("claim", "match", "correction")
KEYPOINTS_MIN, KEYPOINTS_MAX = 2, 6
PHRASE_MAX_WORDS = 8  # a match phrase is a claim's few content words, not a sentence
EXPECT_KEYS = ("value", "tolerance")
RUBRIC_KEYS = ("strong", "weak")
SQL_ONLY_KEYS = ("db", "ordered")
CODE_ONLY_KEYS = ("signature", "tests")

_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when present
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG, _SEQ_TAG = _PLAIN_TAGS
# the tags of unquoted values that a text field takes as written (not true/false or null)
_WRITTEN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "timestamp"))
_COLLECTIONS = (yaml.MappingNode, yaml.SequenceNode)
_NO_ALIASES = "YAML anchors and aliases (&name, *name) are not supported"
# first characters of a plain scalar that could be read as something other than text
_TYPED_STARTS = frozenset(yaml.SafeLoader.yaml_implicit_resolvers)
# a plain scalar starting with one of these letters is a bool or null only when it is one of
# these words (YAML 1.1, as the safe loader reads it); any other is text
_WORD_STARTS = frozenset("yYnNtTfFoO~")
_WORDS = dict.fromkeys(
    "yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF".split(),
    "tag:yaml.org,2002:bool",
) | dict.fromkeys(["~", "null", "Null", "NULL"], "tag:yaml.org,2002:null")


class _QuickResolve:
    """The safe loader's resolving, quicker on text: a plain scalar that cannot be a number,
    date or merge key is resolved without trying every pattern (most of a deck is text, and
    trying them was a third of the time to parse a large deck). Resolves exactly as the safe
    loader does."""

    yaml_path_resolvers: dict

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if self.yaml_path_resolvers:  # (none are added: the safe loader's own way, then)
            return super().resolve(kind, value, implicit)  # type: ignore[misc]
        if kind is yaml.ScalarNode:
            if not implicit[0]:  # quoted (or tagged '!'): text
                return _STR_TAG
            if value:
                first = value[0]
                if first not in _TYPED_STARTS:
                    return _STR_TAG
                if first in _WORD_STARTS:
                    return _WORDS.get(value, _STR_TAG)
        elif kind is yaml.MappingNode:
            return _MAP_TAG
        elif kind is yaml.SequenceNode:
            return _SEQ_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[misc]


class _Loader(_QuickResolve, _SafeLoader):
    """The safe loader (libyaml's, when present) with _QuickResolve."""


class _PythonLoader(_QuickResolve, yaml.SafeLoader):
    """PyYAML's own safe loader, for what libyaml refuses though YAML allows it (a tab at the
    start of a line of a literal block: "a: |" then a line of tab-separated columns)."""


def _compose(text: str) -> yaml.Node | None:
    """The file's node tree; YAMLError where neither loader reads it (libyaml's error, which
    is the one a broken file is named by). PyYAML's own loader reads only a file libyaml
    refuses for a tab in a block: it is ten times slower, and a large deck broken any other
    way took seven seconds, at every start, instead of one."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        tab_in_block = "block scalar" in str(getattr(error, "context", "")) and "tab" in str(
            getattr(error, "problem", "")
        )
        if _SafeLoader is yaml.SafeLoader or not tab_in_block:  # (no libyaml: that was PyYAML's)
            raise
        try:
            return yaml.compose(text, Loader=_PythonLoader)
        except (yaml.YAMLError, RecursionError):  # (PyYAML's recurses where libyaml stops)
            pass
        raise


class _Located:
    """A composed value with the line it starts on (1-based)."""

    __slots__ = ("value", "line", "duplicates", "written")

    def __init__(self, value: Any, line: int) -> None:
        self.value = value
        self.line = line
        self.duplicates: list[tuple[str, int, int]] = []  # (key, line, first line)
        # an unquoted number or date as the file spells it (see _Checker.scalar)
        self.written: str | None = None

    def as_text(self) -> str | None:
        """The value where it is text, or an unquoted number or date as written; else None."""
        if isinstance(self.value, str):
            return self.value
        return self.written


# a number in scientific notation without a dot (1e-3), which YAML 1.1 reads as text
_SCIENTIFIC = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+\Z")
# YAML 1.1 reads a bare yes, no, on, off, true or false as true/false
_BOOL_HINT = " (YAML reads a bare yes, no, on, off, true or false so: put the text in quotes)"


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, _Located):
        return _describe(value.value)
    return type(value).__name__


class _Checker:
    """Collects problems for one file while turning its nodes into model objects."""

    def __init__(self, path: str, anchors: bool = True) -> None:
        self.path = path
        # whether the file may hold an anchor, and so aliases (it holds an "&"): most decks
        # hold none, and looking for aliases node by node costs a tenth of their parse
        self.anchors = anchors
        self.problems: list[Problem] = []
        self.card_ids: list[tuple[str, int]] = []  # every card id as written, with its line
        self.cards: list[Card] = []  # every card that reads well, in a deck with problems too
        self.seen: set[int] = set()  # ids of composed nodes (an alias is one seen again)
        # lines whose value could not be read at all: a second complaint there is only an echo
        self.unreadable: set[int] = set()
        # one constructor per file: a constructor remembers every node it has built, so a
        # shared one would keep each parsed deck's nodes alive for the life of the process
        self.scalars = yaml.constructor.SafeConstructor()

    def problem(self, line: int | None, message: str, card: str | None = None) -> None:
        if line in self.unreadable:
            return
        self.problems.append(Problem(self.path, message, line, card))

    def unreadable_value(self, line: int, message: str) -> _Located:
        self.problem(line, message)
        self.unreadable.add(line)
        return _Located(None, line)

    # -- nodes to located values ---------------------------------------------------------
    def unwrap(self, node: yaml.Node) -> _Located:
        line = node.start_mark.line + 1
        # an alias reuses a node object; expanding them can recurse or explode in size (a
        # long text's alias on every card made exports gigabytes long)
        if self.anchors and self.aliased(node):
            return self.unreadable_value(line, _NO_ALIASES)
        if type(node) is yaml.ScalarNode:
            return self.scalar(node, line)
        if isinstance(node, _COLLECTIONS):
            if node.tag not in _PLAIN_TAGS:
                return self.unreadable_value(line, f"unsupported YAML tag {node.tag}")
        if isinstance(node, yaml.MappingNode):
            mapping: dict[str, _Located] = {}
            duplicates: list[tuple[str, int, int]] = []
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                # text keys and values, nearly all of a deck, without a call each
                if (
                    type(key_node) is yaml.ScalarNode
                    and key_node.tag == _STR_TAG
                    and not (self.anchors and self.aliased(key_node))
                ):
                    key = key_node.value
                else:
                    key = self.unwrap(key_node).value
                if not isinstance(key, str):
                    shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
                    self.problem(
                        key_line,
                        f"key {shown!r} is {_describe(key)}; keys must be text"
                        if shown
                        else f"a key is {_describe(key)}; keys must be text",
                    )
                    continue
                if key in mapping:
                    duplicates.append((key, key_line, mapping[key].line))
                    continue
                if type(value_node) is yaml.ScalarNode and value_node.tag == _STR_TAG:
                    if self.anchors and self.aliased(value_node):
                        value = self.unreadable_value(key_line, _NO_ALIASES)
                    else:
                        value = _Located(value_node.value, key_line)
                else:
                    value = self.unwrap(value_node)
                    value.line = key_line
                mapping[key] = value
            located = _Located(mapping, line)
            located.duplicates = duplicates
            return located
        if isinstance(node, yaml.SequenceNode):
            return _Located([self.unwrap(item) for item in node.value], line)
        return self.scalar(node, line)

    def aliased(self, node: yaml.Node) -> bool:
        """Whether this node was met before (it is an alias's), noting it if not."""
        seen = self.seen
        if id(node) in seen:
            return True
        seen.add(id(node))
        return False

    def scalar(self, node: yaml.Node, line: int) -> _Located:
        if node.tag == _STR_TAG:  # text, the common case: the value as written
            return _Located(node.value, line)
        try:
            located = _Located(self.scalars.construct_object(node), line)
            # YAML 1.1 reads unquoted "3:1" as 181, "010" as 8, "0x1F" as 31, "3.10" as 3.1
            # and "2024-06-01" as a date: where text is asked for, the text as written
            plain = isinstance(node, yaml.ScalarNode) and not node.style  # (None or "")
            if node.tag in _WRITTEN_TAGS and plain:
                located.written = node.value
            return located
        except yaml.constructor.ConstructorError:
            return self.unreadable_value(line, f"unsupported YAML tag {node.tag}")
        except ValueError:  # Python refuses to convert integers of thousands of digits
            digits = sum(ch.isdigit() for ch in str(node.value))
            return self.unreadable_value(
                line, f"a number with too many digits ({digits}); no field needs one"
            )

    # -- typed field readers ---------------------------------------------------------------
    def check_keys(
        self, node: _Located, allowed: tuple[str, ...], card: str | None, what: str = "key"
    ) -> None:
        """Report duplicate and unknown keys of a mapping node."""
        for key, line, first in node.duplicates:
            self.problem(line, f"duplicate {what} '{key}' (first at line {first})", card)
        for key, located in node.value.items():
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            known = "" if close else f" (known: {', '.join(allowed)})"
            self.problem(located.line, f"unknown {what} '{key}'{hint}{known}", card)

    def text(
        self,
        mapping: dict[str, _Located],
        key: str,
        line: int,
        card: str | None,
        required: bool = False,
    ) -> str:
        located = mapping.get(key)
        if located is None or located.value is None:
            if required:
                where = located.line if located else line
                self.problem(where, f"'{key}' is missing or empty", card)
            return ""
        value = located.as_text()
        if value is None:
            hint = _BOOL_HINT if isinstance(located.value, bool) else ""
            self.problem(
                located.line, f"'{key}' must be text, not {_describe(located.value)}{hint}", card
            )
            return ""
        if required and not value.strip():
            self.problem(located.line, f"'{key}' is missing or empty", card)
        self.check_control(value, key, located.line, card)
        return value

    def check_control(self, value: str, key: str, line: int, card: str | None) -> None:
        written = ""
        if UNSHOWABLE.search(value) is None:  # the usual case, in one search
            # ...but Markdown turns "&#x202e;" into the character itself when it is shown
            if "&#" not in value or UNSHOWABLE.search(value := html.unescape(value)) is None:
                return
            written = " written as a character reference (&#...;)"
        found = CONTROL.search(value)
        if found:
            self.problem(
                line,
                f"'{key}' contains a control character (U+{ord(found.group()):04X}){written};"
                " decks are shown as plain text",
                card,
            )
        found = BIDI.search(value)
        if found:  # these can make the text shown differ from the text stored ("Trojan Source")
            self.problem(
                line,
                f"'{key}' contains a bidirectional override (U+{ord(found.group()):04X})"
                f"{written}; remove it (right-to-left text needs none)",
                card,
            )

    def text_list(
        self, mapping: dict[str, _Located], key: str, card: str | None, slug: bool = False
    ) -> tuple[str, ...]:
        located = mapping.get(key)
        if located is None or located.value is None:
            return ()
        if not isinstance(located.value, list):
            self.problem(
                located.line, f"'{key}' must be a list, not {_describe(located.value)}", card
            )
            return ()
        items: list[str] = []
        for item in located.value:
            text = item.as_text()
            if item.value is None:
                self.problem(
                    item.line,
                    f"'{key}' has an empty item (YAML reads a bare null or ~ as nothing; quote it)",
                    card,
                )
            elif text is None or not text.strip():
                got = "blank text" if text is not None else _describe(item.value)
                self.problem(item.line, f"'{key}' items must be non-empty text, not {got}", card)
            elif slug and not SLUG.match(text):
                self.problem(
                    item.line, f"tag '{text}' must be lower-case words joined by '-'", card
                )
            else:
                self.check_control(text, key, item.line, card)
                items.append(text)
        return tuple(items)

    # -- the deck --------------------------------------------------------------------------
    def deck(self, root: _Located, builtin: bool) -> Deck | None:
        if not isinstance(root.value, dict):
            self.problem(
                root.line,
                f"a deck must be a mapping with 'id', 'title' and 'cards', "
                f"not {_describe(root.value)}",
            )
            return None
        top = root.value
        self.check_keys(root, DECK_KEYS, None)
        version = top.get("format")
        if version is not None:
            if isinstance(version.value, bool) or not isinstance(version.value, int):
                self.problem(version.line, "'format' must be a whole number")
            elif version.value < 1:
                self.problem(
                    version.line,
                    f"'format' must be a deck format from 1 to {DECK_FORMAT_VERSION}, "
                    f"not {version.value}",
                )
            elif version.value > DECK_FORMAT_VERSION:
                self.problem(
                    version.line,
                    f"deck format {version.value} is newer than this "
                    f"mlprep understands ({DECK_FORMAT_VERSION}); upgrade mlprep",
                )
                return None
        deck_id = self.text(top, "id", root.line, None, required=True)
        if deck_id and not SLUG.match(deck_id):
            self.problem(top["id"].line, f"deck id '{deck_id}' must be {SLUG_RULE}")
        elif deck_id and len(deck_id) > MAX_ID_CHARS:
            self.problem(top["id"].line, f"deck id is longer than {MAX_ID_CHARS} characters")
        title = self.text(top, "title", root.line, None, required=True)
        description = self.text(top, "description", root.line, None)
        tags = self.text_list(top, "tags", None, slug=True)
        cards_node = top.get("cards")
        cards: list[Card] = []
        if cards_node is None or not isinstance(cards_node.value, list) or not cards_node.value:
            line = cards_node.line if cards_node else root.line
            self.problem(line, "'cards' must be a non-empty list of cards")
        elif len(cards_node.value) > MAX_DECK_CARDS:
            self.problem(
                cards_node.line,
                f"{len(cards_node.value)} cards; a deck holds at most {MAX_DECK_CARDS}"
                " (split it into several decks)",
            )
        else:
            seen: dict[str, int] = {}
            for index, node in enumerate(cards_node.value, start=1):
                card = self.card(node, index, deck_id)
                # ids are compared as written, so a copy whose first card has another problem
                # is still found
                raw_id = _raw_card_id(node)
                if raw_id is None:
                    continue
                if raw_id in seen:
                    self.problem(
                        node.line, f"duplicate card id (first at line {seen[raw_id]})", raw_id
                    )
                    continue
                seen[raw_id] = node.line
                self.card_ids.append((raw_id, node.line))
                if card is not None:
                    cards.append(card)
        self.cards = cards
        if self.problems:
            return None
        return Deck(
            id=deck_id,
            title=title,
            description=description,
            tags=tags,
            cards=tuple(cards),
            builtin=builtin,
        )

    def card(self, node: _Located, index: int, deck_id: str) -> Card | None:
        if not isinstance(node.value, dict):
            self.problem(node.line, f"card #{index} must be a mapping, not {_describe(node.value)}")
            return None
        fields = node.value
        raw_id = fields.get("id")
        card_id = raw_id.as_text() if raw_id else None
        label = card_id or f"#{index}"
        before = len(self.problems)
        if card_id is None and raw_id is not None:  # (id: 12345 is a number, not missing)
            self.problem(raw_id.line, f"'id' must be text: {SLUG_RULE}", label)
        elif card_id is None:
            self.problem(node.line, "'id' is missing (every card needs a unique id)", label)
        elif not SLUG.match(card_id):
            assert raw_id is not None  # card_id came from it
            self.problem(raw_id.line, f"id must be {SLUG_RULE}", label)
        elif len(card_id) > MAX_ID_CHARS:
            assert raw_id is not None
            self.problem(raw_id.line, f"id is longer than {MAX_ID_CHARS} characters", label)
        self.check_keys(node, CARD_KEYS, label)
        # (a question written as a block, "q: >", ends with a line break: shown, an empty line)
        q = self.text(fields, "q", node.line, label, required=True).rstrip("\n")
        a = self.text(fields, "a", node.line, label, required=True)
        explain = self.text(fields, "explain", node.line, label)
        card_type = self.card_type(fields, label)
        choices = self.choices(fields, label)
        expect = self.expect(fields, label)
        if choices and expect:
            self.problem(
                fields["expect"].line, "a card has either 'choices' or 'expect', not both", label
            )
        db = self.text(fields, "db", node.line, label, required=card_type is CardType.SQL)
        # a built-in drill's tests and reference ship with mlprep; other code cards carry them
        user_code = card_type is CardType.CODE and card_id not in DRILL_IDS
        solution = self.text(
            fields, "solution", node.line, label, required=card_type is CardType.SQL or user_code
        )
        signature = self.text(
            fields, "signature", node.line, label, required=card_type is CardType.CODE
        )
        tests = self.text(fields, "tests", node.line, label, required=user_code)
        if card_type is CardType.CODE:
            self.code_card(fields, signature, solution, tests, label)
        if db and not SLUG.match(db):
            self.problem(fields["db"].line, f"db '{db}' must name a sample database slug", label)
        ordered = self.flag(fields, "ordered", label)
        if card_type is not CardType.SQL:
            for key in SQL_ONLY_KEYS:
                if key in fields:
                    self.problem(fields[key].line, f"'{key}' is only for 'type: sql' cards", label)
        if card_type is not CardType.CODE:
            for key in CODE_ONLY_KEYS:
                if key in fields:
                    self.problem(fields[key].line, f"'{key}' is only for 'type: code' cards", label)
        if card_type not in (CardType.SQL, CardType.CODE) and "solution" in fields:
            self.problem(
                fields["solution"].line,
                "'solution' is only for 'type: sql' and 'type: code' cards",
                label,
            )
        difficulty = self.difficulty(fields, label)
        rubric = self.rubric(fields, label)
        tags = self.text_list(fields, "tags", label, slug=True)
        refs = self.text_list(fields, "refs", label)
        followups = self.text_list(fields, "followups", label)
        keypoints = self.keypoints(fields, label)
        misconceptions = self.misconceptions(fields, label)
        if (keypoints or misconceptions) and (choices or expect or card_type is not CardType.OPEN):
            key = "keypoints" if keypoints else "misconceptions"
            self.problem(
                fields[key].line,
                f"'{key}' are for open cards (not choice, number or sql cards)",
                label,
            )
        if len(self.problems) > before:
            return None
        return Card(
            id=card_id or "",
            q=q,
            a=a,
            deck=deck_id,
            explain=explain,
            choices=choices,
            expect=expect,
            type=card_type,
            db=db,
            solution=solution,
            ordered=ordered,
            signature=signature,
            tests=tests,
            rubric=rubric,
            difficulty=difficulty,
            tags=tags,
            refs=refs,
            followups=followups,
            keypoints=keypoints,
            misconceptions=misconceptions,
            line=node.line,
        )

    def code_card(
        self, fields: dict[str, _Located], signature: str, solution: str, tests: str, label: str
    ) -> None:
        """A code card's signature must be `name(params)`; its Python must at least parse."""
        import ast

        function = signature.split("(", 1)[0].strip()
        if signature:
            try:
                tree = ast.parse(f"def {signature.strip()}:\n    pass\n")
            except SyntaxError:
                tree = None
            if tree is None or len(tree.body) != 1:
                self.problem(
                    fields["signature"].line,
                    f"signature must look like 'name(a, b=1)', not {signature!r}",
                    label,
                )
                function = ""  # (no name to look for in the solution: said once, here)
        for key, source, must_define in (
            ("solution", solution, function),
            ("tests", tests, "cases"),
        ):
            if not source:
                continue
            try:
                module = ast.parse(source)
            except SyntaxError as error:
                self.problem(
                    fields[key].line + (error.lineno or 0),
                    f"'{key}' is not valid Python: {error.msg}",
                    label,
                )
                continue
            defined = {n.name for n in module.body if isinstance(n, ast.FunctionDef)}
            if must_define and must_define not in defined:
                self.problem(
                    fields[key].line, f"'{key}' must define a function {must_define}()", label
                )

    def card_type(self, fields: dict[str, _Located], label: str) -> CardType:
        located = fields.get("type")
        if located is None:
            return CardType.OPEN
        try:
            return CardType(located.value)
        except ValueError:
            self.problem(
                located.line,
                f"type must be 'open', 'sql' or 'code', not {_brief(located.value)}",
                label,
            )
            return CardType.OPEN

    def flag(self, fields: dict[str, _Located], key: str, label: str) -> bool:
        located = fields.get(key)
        if located is None:
            return False
        if not isinstance(located.value, bool):
            self.problem(located.line, f"'{key}' must be true or false", label)
            return False
        return located.value

    def difficulty(self, fields: dict[str, _Located], label: str) -> int | None:
        located = fields.get("difficulty")
        if located is None:
            return None
        value = located.value
        if isinstance(value, bool) or value not in (1, 2, 3):
            self.problem(located.line, f"difficulty must be 1, 2 or 3, not {_brief(value)}", label)
            return None
        return int(value)

    def choices(self, fields: dict[str, _Located], label: str) -> tuple[Choice, ...]:
        located = fields.get("choices")
        if located is None:
            return ()
        if not isinstance(located.value, list) or len(located.value) < 2:
            self.problem(located.line, "'choices' must be a list of at least two options", label)
            return ()
        choices: list[Choice] = []
        for item in located.value:
            if not isinstance(item.value, dict):
                self.problem(
                    item.line,
                    "each choice must be a mapping with 'text' (and "
                    "'correct: true' on the right ones)",
                    label,
                )
                continue
            self.check_keys(item, CHOICE_KEYS, label, what="choice key")
            text = self.text(item.value, "text", item.line, label, required=True)
            correct = self.flag(item.value, "correct", label)
            why = self.text(item.value, "why", item.line, label)
            if text and any(c.text.strip() == text.strip() for c in choices):
                self.problem(item.line, f"choice {text!r} is listed twice", label)
            choices.append(Choice(text=text, correct=correct, why=why))
        if choices and not any(c.correct for c in choices):
            self.problem(located.line, "no choice is marked 'correct: true'", label)
        return tuple(choices)

    def expect(self, fields: dict[str, _Located], label: str) -> Expect | None:
        located = fields.get("expect")
        if located is None:
            return None
        if not isinstance(located.value, dict):
            self.problem(
                located.line, "'expect' must be a mapping like {value: 0.5, tolerance: 0.01}", label
            )
            return None
        self.check_keys(located, EXPECT_KEYS, label, what="expect key")
        numbers: dict[str, float] = {}
        for key in EXPECT_KEYS:
            item = located.value.get(key)
            if item is None:
                continue
            if isinstance(item.value, str) and _SCIENTIFIC.match(item.value.strip()):
                # YAML 1.1 reads 1e-3 (no dot in it) as text; it is a number all the same
                item = _Located(float(item.value), item.line)
            if isinstance(item.value, bool) or not isinstance(item.value, int | float):
                self.problem(
                    item.line, f"expect {key} must be a number, not {_describe(item.value)}", label
                )
            elif not _finite(item.value):
                self.problem(item.line, f"expect {key} must be a finite number", label)
            elif key == "tolerance" and item.value < 0:
                self.problem(item.line, "expect tolerance must not be negative", label)
            else:
                numbers[key] = float(item.value)
        if "value" not in located.value:
            self.problem(located.line, "'expect' needs a 'value'", label)
        if "value" not in numbers:
            return None
        return Expect(value=numbers["value"], tolerance=numbers.get("tolerance", 0.0))

    def mapping_items(
        self, fields: dict[str, _Located], key: str, label: str, shape: str
    ) -> list[_Located]:
        """The mapping items of the list under `key`, reporting anything else."""
        located = fields.get(key)
        if located is None or located.value is None:
            return []
        if not isinstance(located.value, list) or not located.value:
            self.problem(located.line, f"'{key}' must be a list of mappings like {shape}", label)
            return []
        items = []
        for item in located.value:
            if isinstance(item.value, dict):
                items.append(item)
            else:
                self.problem(
                    item.line, f"each item of '{key}' must be a mapping like {shape}", label
                )
        return items

    def phrases(self, mapping: dict[str, _Located], line: int, label: str) -> tuple[str, ...]:
        """A keypoint's or misconception's `match` phrases, each checked for shape."""
        if "match" not in mapping:
            self.problem(line, "'match' is missing (the phrases that show the claim)", label)
            return ()
        phrases = self.text_list(mapping, "match", label)
        located = mapping["match"]
        if isinstance(located.value, list) and not located.value:
            self.problem(located.line, "'match' needs at least one phrase", label)
        for item, phrase in zip(located.value or [], phrases, strict=False):
            words = phrase.split()
            if len(words) > PHRASE_MAX_WORDS:
                self.problem(
                    item.line,
                    f"match phrase {phrase!r} has {len(words)} words; keep a claim's few "
                    f"content words (at most {PHRASE_MAX_WORDS})",
                    label,
                )
            elif any(not alt for word in words for alt in word.split("|")):
                self.problem(
                    item.line, f"match phrase {phrase!r} has an empty '|' alternative", label
                )
        return phrases

    def keypoints(self, fields: dict[str, _Located], label: str) -> tuple[Keypoint, ...]:
        items = self.mapping_items(fields, "keypoints", label, "{point: ..., match: [...]}")
        if items and not KEYPOINTS_MIN <= len(items) <= KEYPOINTS_MAX:
            self.problem(
                fields["keypoints"].line,
                f"'keypoints' lists {len(items)} claim{'s' * (len(items) != 1)}; a full answer "
                f"makes {KEYPOINTS_MIN}-{KEYPOINTS_MAX}",
                label,
            )
        keypoints = []
        for item in items:
            self.check_keys(item, KEYPOINT_KEYS, label, what="keypoint key")
            point = self.text(item.value, "point", item.line, label, required=True)
            match = self.phrases(item.value, item.line, label)
            keypoints.append(Keypoint(point=point, match=match))
        return tuple(keypoints)

    def misconceptions(self, fields: dict[str, _Located], label: str) -> tuple[Misconception, ...]:
        shape = "{claim: ..., match: [...], correction: ...}"
        misconceptions = []
        for item in self.mapping_items(fields, "misconceptions", label, shape):
            self.check_keys(item, MISCONCEPTION_KEYS, label, what="misconception key")
            claim = self.text(item.value, "claim", item.line, label, required=True)
            match = self.phrases(item.value, item.line, label)
            correction = self.text(item.value, "correction", item.line, label, required=True)
            misconceptions.append(Misconception(claim=claim, match=match, correction=correction))
        return tuple(misconceptions)

    def rubric(self, fields: dict[str, _Located], label: str) -> Rubric | None:
        located = fields.get("rubric")
        if located is None:
            return None
        if not isinstance(located.value, dict):
            self.problem(
                located.line, "'rubric' must be a mapping with 'strong' and 'weak' lists", label
            )
            return None
        self.check_keys(located, RUBRIC_KEYS, label, what="rubric key")
        strong = self.text_list(located.value, "strong", label)
        weak = self.text_list(located.value, "weak", label)
        if not strong and not weak:
            self.problem(located.line, "'rubric' needs a 'strong' or 'weak' list", label)
        return Rubric(strong=strong, weak=weak)


def _brief(value: Any) -> str:
    """A value as it would be written, cut short: a message is one readable line."""
    shown = repr(value) if isinstance(value, str | int | float | None) else _describe(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _yaml_problem(path: str, text: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark else None
    position = getattr(error, "position", None)  # (a reader's error: a character it refuses)
    if line is None and isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position) + 1
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is not None:
        source_line = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
        if "\t" in source_line[: len(source_line) - len(source_line.lstrip())] or "'\\t'" in reason:
            return Problem(path, "tab used for indentation; indent with spaces", line)
    context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
    if mark is not None and context and start is not None:
        # what was being read when the problem was found ("while scanning a quoted scalar"):
        # where the file ends before it is closed, its own line is where to look
        thing = context.removeprefix("while scanning ").removeprefix("while parsing ")
        if mark.index >= len(text.rstrip()):
            reason = f"{thing} that starts here is never closed ({reason})"
            line = start.line + 1
        elif start.line != mark.line:
            reason = f"{reason} (in {thing} that starts at line {start.line + 1})"
    return Problem(path, f"invalid YAML: {reason}", line)


def parse_deck(text: str, path: str, builtin: bool = False) -> tuple[Deck | None, list[Problem]]:
    """Parse one deck file's text. A deck comes back only when it has no problems at all."""
    deck, problems, _ = parse_deck_ids(text, path, builtin)
    return deck, problems


def parse_deck_ids(
    text: str, path: str, builtin: bool = False
) -> tuple[Deck | None, list[Problem], list[tuple[str, int]]]:
    """parse_deck, plus every card id the file spells out with its line, even when the file has
    problems (validate checks ids across files, broken ones included)."""
    checker = _Checker(path, anchors="&" in text)
    try:
        node = _compose(text)
    except yaml.YAMLError as error:
        return None, [_yaml_problem(path, text, error)], []
    if node is None:
        return (
            None,
            [Problem(path, "the file is empty; a deck needs 'id', 'title' and 'cards'")],
            [],
        )
    deck = checker.deck(checker.unwrap(node), builtin)
    problems = sorted(checker.problems, key=lambda p: p.line or 0)
    return deck, problems, checker.card_ids


def readable_cards(text: str, path: str) -> list[Card]:
    """The cards of a deck file that read well on their own, even where the file has problems
    (validate runs their SQL solutions too, so that one run reports every problem)."""
    checker = _Checker(path, anchors="&" in text)
    try:
        node = _compose(text)
    except yaml.YAMLError:
        return []
    if node is None:
        return []
    checker.deck(checker.unwrap(node), False)
    return checker.cards


def _raw_card_id(node: _Located) -> str | None:
    if not isinstance(node.value, dict):
        return None
    raw = node.value.get("id")
    return (raw.as_text() or None) if raw is not None else None
