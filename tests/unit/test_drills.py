"""The coding drills' hidden tests, measured: every correct implementation (ours in the deck's
answers, and independent ones) is accepted, every realistic buggy one is rejected, and the
references agree with scikit-learn where the deck says "matches scikit-learn"."""

from __future__ import annotations

import functools
import re
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from mlprep.decks import load_files
from mlprep.drills import DRILL_IDS
from mlprep.drills import reference as ref
from mlprep.drills.cases import SUITES, seed_for
from mlprep.model import Card, CardType
from mlprep.paths import builtin_content_dir
from tests.drills.solutions import BAD, GOOD
from tests.drills.timed import check_many
from tests.forkserver import drills_through_server


@functools.cache
def code_cards() -> dict[str, Card]:
    """The coding deck's drills, parsed when first asked for (not by every worker that
    collects this module)."""
    (deck,) = load_files([builtin_content_dir() / "decks" / "coding.yaml"], builtin=True).decks
    return {card.id: card for card in deck.cards if card.type is CardType.CODE}


FENCE = re.compile(r"```python\n(.*?)```", re.S)


def answer_code(card_id: str) -> str:
    return "import numpy as np\n\n" + FENCE.search(code_cards()[card_id].a).group(1)


def test_the_deck_the_suites_and_the_id_list_agree():
    assert set(code_cards()) == set(SUITES) == DRILL_IDS
    assert len(DRILL_IDS) == 40
    for card_id, card in code_cards().items():
        assert card.function == SUITES[card_id].function, card_id
        assert FENCE.search(card.a), f"{card_id}: the answer has no python block"


def test_every_drill_has_a_correct_alternative_and_two_buggy_ones():
    assert all(len(GOOD.get(card_id, [])) >= 1 for card_id in DRILL_IDS)
    assert all(len(BAD.get(card_id, {})) >= 2 for card_id in DRILL_IDS)


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Every drill checked once, with the deck's answer, the independent correct versions and
    the buggy ones: two child processes (one per core), each taking half of the drills. The
    timed case runs on a short budget (tests/drills/timed.py): a Python loop is still rejected
    as too slow, without spinning a core for the drill's full 2.5 s."""
    root = tmp_path_factory.mktemp("solutions")
    kinds = {}
    batch = []
    for card_id in sorted(DRILL_IDS):
        sources = [("answer", "deck answer", answer_code(card_id))]
        sources += [("good", f"alternative {i + 1}", s) for i, s in enumerate(GOOD[card_id])]
        sources += [("bad", name, s) for name, s in BAD[card_id].items()]
        paths = []
        for index, (_kind, _name, source) in enumerate(sources):
            path = root / f"{card_id}-{index}.py"
            path.write_text(source)
            paths.append(path)
        kinds[card_id] = [(kind, name) for kind, name, _ in sources]
        batch.append((card_id, paths))

    def run(part):
        start = time.monotonic()
        verdicts = check_many(part)
        return [
            (card_id, v, time.monotonic() - start)
            for (card_id, _), v in zip(part, verdicts, strict=True)
        ]

    # the harnesses come from the test run's server, with numpy imported (tests/forkserver.py):
    # what is measured here is the drills, not how a harness starts (test_coderun)
    with drills_through_server(), ThreadPoolExecutor(max_workers=2) as pool:
        halves = list(pool.map(run, [batch[0::2], batch[1::2]]))
    return {card_id: (kinds[card_id], v, t) for half in halves for card_id, v, t in half}


def test_correct_implementations_pass_and_buggy_ones_fail(measured):
    # every drill in one test, which lists the wrong verdicts (a test each cost more than
    # reading its verdicts)
    wrong = []
    for card_id, (kinds, verdicts, _) in sorted(measured.items()):
        for (kind, name), verdict in zip(kinds, verdicts, strict=True):
            if verdict.passed != (kind in ("answer", "good")):
                detail = verdict.error or (verdict.failures[0].reason if verdict.failures else "")
                wrong.append(f"{card_id}: {kind} '{name}': {verdict.summary} {detail}")
    assert wrong == []


def test_buggy_implementations_fail_on_a_case_not_on_a_crash(measured):
    # a bug should be caught by a wrong value, a warning or a mutated input: each failure names
    # its case with the expected and actual output
    for card_id, (kinds, verdicts, _) in measured.items():
        for (kind, _name), verdict in zip(kinds, verdicts, strict=True):
            if kind == "bad" and not verdict.error:
                failure = verdict.failures[0]
                assert failure.case.startswith(SUITES[card_id].function + "(")
                assert failure.expected and failure.got and failure.reason


def test_failures_come_smallest_input_first(measured):
    kinds, verdicts, _ = measured["coding-softmax"]
    unstable = verdicts[[name for _, name in kinds].index("unstable (no max shift)")]
    sizes = [f.size for f in unstable.failures]
    assert sizes == sorted(sizes)
    assert unstable.failures[0].case == ("softmax(x=array([1000., 1001.,  999.]))  [large inputs]")
    assert unstable.failures[0].got == "raised RuntimeWarning: overflow encountered in exp"


# -- the references against scikit-learn ----------------------------------------------------


def _cases(card_id):
    return SUITES[card_id].make_cases(np.random.default_rng(seed_for(card_id)))


def test_roc_auc_and_average_precision_match_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(5)
    inputs = [case.args for case in _cases("coding-roc-auc")]
    for n in (3, 10, 50, 200):
        y = rng.integers(0, 2, n)
        y[:2] = [0, 1]
        inputs.append((y, rng.integers(0, 5, n).astype(float)))
        inputs.append((y, rng.normal(size=n)))
    for y, scores in inputs:
        assert ref.roc_auc(y, scores) == pytest.approx(metrics.roc_auc_score(y, scores), rel=1e-12)
        assert ref.average_precision(y, scores) == pytest.approx(
            metrics.average_precision_score(y, scores), rel=1e-12
        )


def test_tfidf_matches_scikit_learn():
    text = pytest.importorskip("sklearn.feature_extraction.text")
    for case in _cases("coding-tfidf"):
        (docs,) = case.args
        vectorizer = text.TfidfVectorizer(analyzer=lambda d: d)
        expected = vectorizer.fit_transform(docs).toarray()
        vocab, matrix = ref.tfidf(docs)
        assert vocab == list(vectorizer.get_feature_names_out())
        np.testing.assert_allclose(matrix, expected, rtol=1e-12, atol=1e-15)


def test_naive_bayes_matches_scikit_learn():
    naive_bayes = pytest.importorskip("sklearn.naive_bayes")
    rng = np.random.default_rng(9)
    inputs = [(case.args, case.kwargs.get("alpha", 1.0)) for case in _cases("coding-naive-bayes")]
    for n, d, k in ((30, 5, 2), (80, 12, 4)):
        X = rng.poisson(1.5, (n, d)).astype(float)
        y = rng.integers(0, k, n)
        inputs.append(((X, y, rng.poisson(1.5, (20, d)).astype(float)), 0.3))
    for (X, y, X_test), alpha in inputs:
        model = naive_bayes.MultinomialNB(alpha=alpha).fit(X, y)
        np.testing.assert_array_equal(
            ref.multinomial_nb_predict(X, y, X_test, alpha), model.predict(X_test)
        )


def test_pca_and_standardize_match_scikit_learn():
    decomposition = pytest.importorskip("sklearn.decomposition")
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    for case in _cases("coding-pca"):
        X, k = case.args
        model = decomposition.PCA(n_components=k).fit(X)
        components, ratio = ref.pca(X, k)
        np.testing.assert_allclose(ratio, model.explained_variance_ratio_, rtol=1e-9)
        # the same directions up to sign
        np.testing.assert_allclose(
            np.abs(np.sum(components * model.components_, axis=1)), 1.0, rtol=1e-9
        )
    for case in _cases("coding-standardize")[
        1:4
    ]:  # no constant columns: scikit-learn differs there
        X_train, X_test = case.args
        scaler = preprocessing.StandardScaler().fit(X_train)
        z_train, z_test = ref.standardize(X_train, X_test)
        np.testing.assert_allclose(z_test, scaler.transform(X_test), rtol=1e-9, atol=1e-12)
