"""Test doubles for the session ports: a scripted prompter and a recorder in memory."""

from __future__ import annotations

from mlprep.model import Grade


class MemoryRecorder:
    """Keeps (card id, grade, ms, answer) tuples; no states, no previews."""

    mode = "test"
    reschedules = True

    def __init__(self):
        self.recorded = []

    def record(self, card, grade, ms, answer=None, suggested=None):
        self.recorded.append((card.id, grade, ms, answer))
        return None

    def undo_last(self):
        return self.recorded.pop()[0] if self.recorded else None

    def preview(self, card):
        return {}

    @property
    def grades(self):
        return [(cid, grade, ms) for cid, grade, ms, _ in self.recorded]


class ScriptedPrompter:
    """Answers from a script; each entry answers the next ask: a list of option texts for a
    choice, a float for a number, text for an open answer or a query, a Grade for a self-grade,
    or an exception to raise. What is shown is kept in `shown`."""

    width = 80

    def __init__(self, *script):
        self.script = list(script)
        self.shown: list = []

    def next(self):
        if not self.script:
            raise EOFError
        answer = self.script.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def notice(self, message):
        self.shown.append(message)

    def show_question(self, card, position, total):
        self.shown.append(f"Q {position}/{total} {card.id}")

    def show_options(self, options, marked=()):
        self.shown.append(("options", list(options), list(marked)))

    def choose(self, options, several):
        wanted = self.next()
        return [options.index(text) for text in wanted]

    def ask_number(self, later=False):
        return self.next()

    def ask_open(self, later=False):
        return self.next()

    def ask_query(self):
        return self.next()

    def show_verdict(self, card, correct, shown, feedback=()):
        self.shown.append(f"verdict {correct}")
        self.shown.extend(feedback)

    def show_answer(self, card):
        self.shown.append(f"answer {card.id}")

    def show_schema(self, schema):
        self.shown.append(("schema", schema))

    def show_rows(self, title, result):
        self.shown.append((title, result.rows))

    def show_mismatch(self, expected, actual, comparison):
        self.shown.append("mismatch")

    def show_code(self, title, code):
        self.shown.append((title, code))

    def ask_grade(self, preview="", suggested=None):
        grade = self.next()
        assert isinstance(grade, Grade)
        return grade

    def flash_front(self, card, position, total):
        self.shown.append(f"F {position}/{total} {card.id}")

    def flash_key(self, can_undo):
        return self.next()

    def flash_grade(self, can_undo, preview=""):
        return self.next()

    def show_mock_question(self, card, position, total, seconds_left):
        self.shown.append((card.id, round(seconds_left)))

    def show_transcript_item(self, card, answer, position, total):
        self.shown.append(("transcript", card.id, answer))
