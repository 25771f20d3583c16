"""Match phrases that use `|` as if it separated whole phrases.

In a match phrase, `a|b` gives alternatives for ONE word position: `reduce|lower variance` is
{reduce or lower} then {variance}. Written as if `|` split whole phrases, a phrase is dead for
the wording its author meant: `rollback|roll back` is {rollback or roll} then {back}, which
"you can rollback quickly" does not make, and `unit change|broken join` is {unit} {change or
broken} {join}, which neither "unit change" nor "broken join" makes. The fix is separate
phrases: `rollback` and `roll back`; `unit change` and `broken join`.

The check reads the phrases of every built-in deck for three signs of that mistake:

- join: an alternative is its neighbour's words written together (`rollback|roll back`,
  `warm up|warmup`); the grader already matches a word written joined or apart, so the phrase
  needs one of them, or each as its own phrase;
- repeat: a word given twice in one position (`tree depth|depth`, `type 1 error|error rate`);
- cross: one alternative reads only with the word before it and another only with the word
  after it (`unit change|broken join`: the decks say "unit change" and "broken join", never
  "change join" or "unit broken"). This one is judged by which word pairs the decks' own prose
  uses, so it is a test over the built-in decks, not a rule `mlprep validate` applies to
  anyone's deck; phrases it flags that were read and found right are listed in REVIEWED.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from mlprep import grader
from mlprep.model import Card
from tests.builtin import builtin_report

# Flagged by "cross" (or "abbreviation") and read by hand: a per-word reading the author meant,
# e.g. "conditional distribution directly", "retrain often free", "interactions become training
# data".
REVIEWED = frozenset(
    {
        "conditional probability|distribution directly",
        "without eps|epsilon tune|tuning",
        "whitening remove|removes|drops components",
        "features chosen|drawn once tree",
        "exact neighbors|neighbours|results faster",
        "flat|flattens|constant beyond|outside range|data",
        "per-feature dissimilarity|dissimilarities|distances average",
        "perplexity quick|only|rough signal",
        "sum precision|p recall",
        "auc always higher|better ap|precision|pr",
        "constant predictor|prediction calibrated|useless",
        "lags|lagged|rolling features|windows overlap|leak",
        "tf count|often|times|frequent|frequency document",
        "frequent|common words single|1|whole token|tokens",
        "keep|keeps|preserve|preserves variance|scale|signal constant",
        "not many|size|large units|neurons|width",
        "not sgd|gd|descent|training|optimizer find|finds|learn",
        "l2|ridge never|rarely exactly zero",
        "dropping|removing rows|data|labels lost|failed|hurt",
        "representations|embeddings shared|across tasks",
        "raised|increased|improved|lifted share|recall|catch 61|74",
        "zero correlation means|implies independent",
        "retrain often|always safe|free",
        "interactions become|next training data",
        "small|growing share|percentage|fraction|slice|portion traffic|users",
        # flagged by "abbreviation" by chance: lr is the learning rate, not "large rate"
        "small|tiny large lr|rate",
        "pick|choose|take lowest|minimum loss lr|rate",
    }
)


def _words(text: str) -> list[str]:
    return [word for kind, word in grader._lex(text) if kind == "w"]


def _content_stems(text: str) -> Iterator[tuple[str, str]]:
    """Each pair of neighbouring content words of `text` (by stem), within one clause."""
    previous = None
    for kind, word in grader._lex(text):
        if kind == "p":
            previous = None
        elif kind == "w" and word not in grader.STOPWORDS:
            stem = grader._stem(word)
            if previous is not None:
                yield previous, stem
            previous = stem


@functools.cache
def prose_pairs() -> frozenset[tuple[str, str]]:
    """The word pairs the built-in decks' prose uses: questions, answers, explanations,
    points, claims and corrections (not the match phrases, which are what is checked)."""
    pairs: set[tuple[str, str]] = set()
    for deck in builtin_report().decks:
        for card in deck.cards:
            texts = [card.q, card.a, card.explain or "", *card.followups]
            texts += [point.point for point in card.keypoints]
            texts += [m.claim for m in card.misconceptions]
            texts += [m.correction for m in card.misconceptions]
            for text in texts:
                pairs.update(_content_stems(text))
    return frozenset(pairs)


def _positions(phrase: str) -> list[list[str]]:
    return [token.split("|") for token in grader._phrase_tokens(phrase)]


def _stems(alternative: str) -> list[str]:
    return [grader._stem(w) for w in _words(alternative) if w not in grader.STOPWORDS]


def _squashed(alternative: str) -> str:
    return alternative.replace("-", "").lower()


def misuse(phrase: str, pairs: frozenset[tuple[str, str]]) -> list[str]:
    """Why `phrase` looks written as if `|` separated whole phrases (empty: it does not)."""
    found = []
    positions = _positions(phrase)
    for i, alternatives in enumerate(positions):
        if len(alternatives) < 2:
            continue
        squashed = [_squashed(a) for a in alternatives]
        neighbours = [(positions[i + 1], False)] if i + 1 < len(positions) else []
        neighbours += [(positions[i - 1], True)] if i > 0 else []
        for whole in squashed:
            for part in squashed:
                for others, before in neighbours:
                    for other in map(_squashed, others):
                        joined = other + part if before else part + other
                        if whole != part and whole == joined:
                            apart = f"{other} {part}" if before else f"{part} {other}"
                            found.append(f"join: {whole!r} is also written {apart!r}")
        found += _abbreviated(positions, i)
        lowered = [a.lower() for a in alternatives]  # (non-linear|nonlinear is one word twice)
        repeated = {a for a in lowered if lowered.count(a) > 1}
        found += [f"repeat: {a!r} twice in one position" for a in sorted(repeated)]
        if 0 < i < len(positions) - 1:
            left = [s[-1] for s in map(_stems, positions[i - 1]) if s]
            right = [s[0] for s in map(_stems, positions[i + 1]) if s]
            left_only, right_only = [], []
            for alternative in alternatives:
                stems = _stems(alternative)
                if not stems:
                    continue
                with_left = any((w, stems[0]) in pairs for w in left)
                with_right = any((stems[-1], w) in pairs for w in right)
                if with_left and not with_right:
                    left_only.append(alternative)
                elif with_right and not with_left:
                    right_only.append(alternative)
            if left_only and right_only:
                found.append(
                    f"cross: {'|'.join(left_only)} reads with the word before, "
                    f"{'|'.join(right_only)} with the word after"
                )
    return sorted(set(found))


def _abbreviated(positions: list[list[str]], i: int) -> list[str]:
    """An abbreviation offered in place of the last (or first) word of its own expansion:
    "sample ratio mismatch|srm" reads "sample ratio srm", so "SRM" alone never matches."""
    found = []
    for short in positions[i]:
        for word in positions[i]:
            if word == short or not short.isalpha() or len(short) < 2:
                continue
            words = [alts[0] for alts in positions]
            words[i] = word
            for start in range(len(words)):
                for end in range(start + 2, len(words) + 1):
                    if i not in (start, end - 1):
                        continue
                    initials = "".join(w[:1] for w in words[start:end]).lower()
                    if initials == short.lower():
                        spelled = " ".join(words[start:end])
                        found.append(f"abbreviation: {short!r} in place of {word!r} of {spelled!r}")
    return found


def compiled(phrase: str) -> str:
    """How the grader reads a phrase: the words each position accepts."""
    slots = grader._compile_phrase(phrase).slots
    return " + ".join("{" + "|".join(sorted(slot)) + "}" for slot in slots)


def _phrases(card: Card) -> Iterator[str]:
    for point in card.keypoints:
        yield from point.match
    for wrong in card.misconceptions:
        yield from wrong.match


def test_no_match_phrase_uses_bar_between_whole_phrases() -> None:
    pairs = prose_pairs()
    suspects = []
    for deck in builtin_report().decks:
        for card in deck.cards:
            for phrase in _phrases(card):
                if "|" not in phrase or phrase in REVIEWED:
                    continue
                reasons = misuse(phrase, pairs)
                if reasons:
                    why = "; ".join(reasons)
                    suspects.append(f"{card.id}: {phrase!r} reads {compiled(phrase)} ({why})")
    assert not suspects, (
        "'|' gives alternatives for one word position; write each intended wording as its own "
        "match phrase (docs/deck-format.md):\n" + "\n".join(suspects)
    )


@pytest.mark.parametrize(
    "phrase",
    [
        "rollback|roll back",
        "roll back|rollback previous version",
        "mini batch|minibatch",
        "log loss|logloss",
        "type 1 error|error rate wrong|inflated",
        "tree depth|depth",
        "unit change|broken join",
        "ale plots|accumulated local",
        "minimizes|minimise empirical risk|average loss",
        "line search|newton step",
        "sample ratio mismatch|srm",
        "small learning rate|lr",
        "ucb|upper confidence bound",
    ],
)
def test_misuse_is_found(phrase: str) -> None:
    assert misuse(phrase, prose_pairs())


@pytest.mark.parametrize(
    "phrase",
    [
        "reduce|lower|cut variance",
        "mini batch",
        "minibatch|mini-batch gradient",
        "bias unchanged|same|similar",
        "correlated|correlation trees",
        "fp16|bf16 matmul|activations",
        "non-linear|nonlinear boundary",
        "not change|alter bias",
    ],
)
def test_one_position_alternatives_pass(phrase: str) -> None:
    assert misuse(phrase, prose_pairs()) == []
