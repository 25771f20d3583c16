"""Keypoint grading of open answers: normalisation, negation, typos, word order,
misconceptions and bad input (the built-in keypoints: test_content.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from mlprep.grader import MAX_CHARS, _Answer, can_grade, grade_answer
from mlprep.model import Card, Grade, Keypoint, Misconception

BAGGING = Card(
    id="t-bagging",
    q="What does bagging do to the bias and the variance of a deep decision tree?",
    a="",
    keypoints=(
        Keypoint("Bagging mainly reduces variance", ("reduce|lower|cut variance", "less variance")),
        Keypoint("Bias stays roughly unchanged", ("bias unchanged|same", "not change bias")),
        Keypoint("The gain depends on tree correlation", ("correlated|correlation trees",)),
    ),
    misconceptions=(
        Misconception("Bagging reduces bias", ("reduce|lower|decrease bias",), "It does not."),
    ),
)


def card(*phrases: str, q: str = "Explain it.") -> Card:
    """A card with one keypoint made of `phrases` and a second one nobody makes."""
    return Card(
        id="t-card",
        q=q,
        a="",
        keypoints=(Keypoint("the claim", phrases), Keypoint("other", ("zebra giraffe",))),
    )


def made(answer: str, *phrases: str, q: str = "Explain it.") -> bool:
    return grade_answer(card(*phrases, q=q), answer).points[0].covered


def claim_card(q: str, point: str, claim: str, claim_match: str) -> Card:
    """A card with one keypoint (`point`, also its phrase) and one misconception: for how
    claims are read."""
    return Card(
        id="t-claim",
        q=q,
        a="",
        keypoints=(Keypoint(point, (point,)),),
        misconceptions=(Misconception(claim, (claim_match,), "No."),),
    )


def claims(card: Card, answer: str) -> list[str]:
    return [m.claim for m in grade_answer(card, answer).misconceptions]


def assert_claims(card: Card, right: Sequence[str], wrong: Sequence[str]) -> None:
    """Each `right` answer makes no claim, each `wrong` one the card's (one) misconception."""
    claim = [card.misconceptions[0].claim]
    for answer in right:
        assert claims(card, answer) == [], answer
    for answer in wrong:
        assert claims(card, answer) == claim, answer


# -- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        # answers typed as notes, as under an interview's clock (each was missed)
        ("the l1 grad is constant", "l1 gradient constant"),
        ("theta = cov/var", "covariance variance"),
        ("drop others w/ IoU > thresh", "iou above threshold"),
        ("too high leaves dupes", "duplicates"),
        ("a canary serves 5% of users", "percentage users"),
        ("tiny data change → diff root split", "different root split"),
        ("query goes down to a leaf", "walk|go down leaf"),  # (Snowball: "goe")
        ("assumes no hidden confounding & positivity", "positivity"),  # (& is "and"...)
        ("it never practised that → errors snowball", "errors snowball"),  # (→ is "so")
        ("it never practised that -> errors snowball", "errors snowball"),
        ("distill w/ soft targets + hard-label CE", "cross entropy hard labels"),
        ("minimise the NLL", "negative log likelihood"),
        ("reverse KL is the one VI uses", "variational inference reverse"),
        ("drop boxes whose intersection over union is high", "iou high"),
        ("check for an SRM before reading the lift", "sample ratio mismatch"),
    ],
)
def test_notes_style_answers_are_read(answer, phrase):
    assert made(answer, phrase)


def test_signs_are_read_as_the_words_they_stand_for():
    from mlprep.grader import _lex

    read = [word for _, word in _lex("boxes w/ IoU ~ 0.5 & 5% -> kept => fine ≈ 2")]
    assert read == ["boxes", "with", "iou", "about", "0.5", "and", "5", "percent", "so"] + [
        "kept",
        "so",
        "fine",
        "about",
        "2",
    ]


@pytest.mark.parametrize("sign", ["(~30%)", "&", "->", "→"])
def test_a_sign_read_as_a_word_leaves_the_answer_quoted_as_typed(sign):
    """Read by changing the text's length, a sign lost the answer's own words for every
    quote: "does not really change the bias" was quoted as "change bias"."""
    answer = f"Bagging cuts the variance {sign} it does not really change the bias."
    checks = {p.point: p.matched for p in grade_answer(BAGGING, answer).points if p.covered}
    assert checks["Bias stays roughly unchanged"] == "not really change the bias"


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("It REDUCES the Variance!", "reduce variance"),  # case, punctuation, word forms
        ("reducing variances", "reduce variance"),
        ("we normalise the features", "normalize features"),  # British / American
        ("normalization of the inputs", "normalise inputs"),
        ("the colour channels", "color channels"),
        ("the centre of the cluster", "center cluster"),
        ("train with mini-batches", "minibatch"),  # hyphens and compounds
        ("train with mini batches", "mini-batch"),
        ("train with minibatches", "mini batch"),
        ("encode out-of-fold", "out fold"),
        ("encode out-of-fold", "out-of-fold"),
        ("it has two classes", "2 classes"),  # digits and number words
        ("it has 2 classes", "two classes"),
        ("apply PCA first", "principal component analysis"),  # abbreviations both ways
        ("apply principal component analysis first", "pca"),
        ("plain stochastic gradient descent", "sgd"),
        ("k-nearest neighbours classifier", "knn"),
        ("use an L1 penalty", "lasso penalty"),
        ("area under the ROC curve", "auc"),
        ("a false positive is a type I error", "false positive type 1"),
        ("β > 1 favours recall", "beta 1 recall"),  # Greek letters by name
        ("z = mu + sigma * eps", "sigma epsilon"),  # short forms people type
        ("a border pt is within eps of a core pt", "border point within epsilon"),
        ("the model's preds are never served", "predictions never served"),
        ("a logreg on a few features", "logistic regression"),
        ("tune the hparams on a validation set", "tune hyperparameters"),
    ],
)
def test_normalisation_makes_the_same_claim_match(answer, phrase):
    assert made(answer, phrase)


def test_a_phrase_of_function_words_is_matched_word_for_word():
    assert made("Looking back, I could have spoken up sooner.", "i could have")
    assert not made("I could do more; we have time.", "i could have")


def test_a_hyphenated_word_keeps_its_small_words():
    assert made("an in-experiment covariate", "in-experiment covariate")
    assert not made("a covariate from before the experiment", "in-experiment covariate")


def test_alternatives_stand_for_one_word_position():
    assert made("bagging cuts variance", "reduce|lower|cut variance")
    assert not made("bagging cuts bias", "reduce|lower|cut variance")


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("we minimise log loss", "log loss|logloss"),
        ("use naive Bayes", "naive bayes|nb"),
        ("drop correlated features", "correlated features|correlation"),
    ],
)
def test_an_alternative_that_overlaps_a_neighbour_still_lets_the_wording_match(answer, phrase):
    assert made(answer, phrase)


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("it takes any shape", "arbitrary|any shape"),
        ("it takes an arbitrary shape", "arbitrary|any shape"),
        ("I did my part", "my|own part"),
        ("I did my own part", "my|own part"),
    ],
)
def test_a_common_word_among_alternatives_satisfies_its_position(answer, phrase):
    assert made(answer, phrase)


def test_a_common_word_alternative_still_needs_its_neighbourhood():
    assert not made("the shape is fixed", "arbitrary|any shape")


def test_an_identifier_matches_itself():
    assert made("raise min_samples_leaf to smooth the tree", "min_samples_leaf")
    assert not made("raise min_samples_split", "min_samples_leaf")


def test_a_squared_word_is_the_word():
    assert made("the error is bias² plus variance", "bias variance")


@pytest.mark.parametrize(
    "answer",
    ["sample it with probability proportional to D(x)^2.", "the distance**2", "D(x)²"],
)
def test_a_power_typed_as_ascii_reads_as_the_superscript_does(answer):
    assert made(answer, "squared distance") or made(answer, "d squared")
    assert not made("a 2^20 grid and x^2.5", "squared")  # (2^20 and a power 2.5 are not)


def test_a_leak_and_leakage_are_one_claim():
    assert made("it looks like a target leak", "target leakage")
    assert made("this is leakage", "a leak")
    assert made("the feature is leaky", "leakage")


def test_capital_sigma_reads_as_sum_and_small_sigma_as_sigma():
    assert made("Σ of squared residuals", "sum squared residuals")
    assert made("σ is the standard deviation", "sigma standard deviation")


# -- claims, not keywords -------------------------------------------------------------------


def test_every_content_word_of_a_phrase_is_needed():
    assert not made("variance is a property of estimators", "reduce variance")


def test_words_far_apart_do_not_make_a_claim():
    answer = "we reduce the learning rate during the many epochs of training when variance"
    assert not made(answer, "reduce variance")


def test_a_claim_does_not_span_sentences():
    assert not made("Bagging helps us reduce. Variance matters.", "reduce variance")


@pytest.mark.parametrize(
    "answer",
    ["variance is reduced", "the variance of the model is reduced", "variance reduction"],
)
def test_word_order_does_not_matter(answer):
    assert made(answer, "reduce variance")


def test_a_keyword_list_from_the_question_does_not_pass():
    grading = grade_answer(BAGGING, "bagging bias variance deep decision tree")
    assert grading.suggested is Grade.AGAIN
    assert grading.covered == ()


def test_a_claim_made_only_of_the_questions_words_counts_half():
    q = "Does bagging reduce variance?"
    grading = grade_answer(card("reduce variance", q=q), "bagging reduces variance")
    assert grading.points[0].covered is False
    assert grading.points[0].credit == 0.5
    assert grading.points[0].matched == "reduces variance"


# -- negation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "bagging does not reduce bias",
        "bagging doesn't reduce bias",
        "bagging doesnt reduce bias",
        "it no longer reduces the bias",
        "it never reduces bias",
        "it averages without reducing bias",
        "it reduces variance rather than reducing bias",
        "it reduces variance, not bias",
        "neither reduces bias nor helps",
        "it can't reduce bias",
    ],
)
def test_a_negated_claim_is_not_made(answer):
    assert not made(answer, "reduce bias")


def test_a_claim_called_unnecessary_is_not_made():
    """ "Storing the commit is unnecessary" says not to store it (a negation after the claim)."""
    assert not made("storing the code commit is unnecessary", "store code commit")
    assert not made("the data version or the commit is pointless", "store data version")
    assert made("storing the code commit is necessary", "store code commit")
    assert made("a registry is pointless, but storing the commit matters", "store commit")
    assert made("tuning is useless but we store the code commit", "store code commit")


def test_a_claim_said_not_to_be_needed_is_not_made():
    """ "Monitoring in production isn't needed" says not to monitor: it credited monitoring."""
    assert not made("monitoring in production isn't needed", "monitor production")
    assert not made("a holdout set is not required here", "holdout set")
    assert not made("retraining was not necessary after the drift", "retrain drift")
    assert made("monitoring in production is needed", "monitor production")
    assert made("it is not needed to retrain, but monitor production", "monitor production")


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("instructions hidden in a retrieved web page", "hide instructions"),
        ("the rules were written by hand", "write rules"),
        ("the gradient grew with depth", "gradient increase"),
        ("the loss fell quickly", "loss decrease"),
        ("the join broke silently", "break join"),
        ("the leak is known in advance", "know advance"),
    ],
)
def test_an_irregular_verb_form_makes_its_verbs_phrase(answer, phrase):
    """The stemmer keeps "hidden" apart from "hide": "instructions hidden in a page" missed a
    phrase "hide instructions"."""
    assert made(answer, phrase)


def test_an_irregular_verb_form_denied_makes_no_phrase():
    assert not made("no instructions were hidden", "hide instructions")
    assert not made("we never chose the threshold", "choose threshold")


def test_negation_ends_with_its_clause():
    assert made("it does not change bias, but it reduces variance", "reduce variance")
    assert made("the map does not shrink - same padding keeps the size", "keep size")
    assert made("not only reduces variance but is also parallel", "reduce variance")


def test_a_closing_bracket_ends_a_negation():
    assert made("report AP50 (boxes need not be exact) on a split by store", "split store")
    assert not made("report AP50 (boxes need not be exact)", "boxes exact")


def test_a_negation_after_a_comma_reaches_the_whole_list_it_sets_apart():
    answer = "adjust for confounders, not for mediators or colliders"
    assert made(answer, "adjust confounders")
    assert not made(answer, "adjust colliders")
    assert not made(answer, "adjust mediators")
    assert not made("it lowers variance, not bias and correlation", "lowers correlation")
    # a verb after "and" says something of its own
    assert made("bagging leaves bias, not variance and lowers correlation", "lowers correlation")
    # without the comma "and" ends the negation, as before
    assert made("it does not reduce bias and reduces variance", "reduces variance")


def test_without_negates_its_noun_phrase_not_the_clause_after_it():
    assert made("without much data freeze the backbone", "freeze backbone")
    assert not made("without much data freeze the backbone", "much data")
    assert not made("train without a validation set", "validation set")


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("the denominator is >= 1", "at least 1"),
        ("the denominator is ≥ 1", "at least 1"),
        ("p-value <= 0.05", "at most 0.05"),
        ("p ≤ 0.05", "at most 0.05"),
        ("with beta > 1 recall weighs more", "beta above 1"),
        ("shrinks when gamma < 1", "gamma below 1"),
    ],
)
def test_comparison_signs_read_as_words(answer, phrase):
    assert made(answer, phrase)


def test_an_arrow_is_not_a_comparison():
    assert not made("logits => softmax", "at least softmax")
    assert not made("a <=> b", "at most b")
    assert not made("logits -> softmax", "above softmax")
    assert not made("x <- softmax", "below softmax")
    assert not made("x << 1 then y >> 2", "below 1")


def test_unlike_negates_only_what_is_compared():
    assert made("Unlike accuracy it is smooth and gives a gradient", "smooth gradient")
    assert not made("unlike accuracy scores", "accuracy scores")


def test_a_negation_that_ends_its_clause_negates_the_word_before():
    assert made("Probably not. Saddles are the problem.", "probably|mostly not")
    assert not made("Bagging reduces bias? No.", "reduce bias")


def test_a_phrase_that_says_not_needs_the_answer_to_negate():
    assert made("it does not change the bias", "not change bias")
    assert not made("it changes the bias", "not change bias")


# -- typos ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer", ["it reducs varaince", "redcues variance", "lowers the varience"]
)
def test_small_typos_are_tolerated(answer):
    assert made(answer, "reduce|lower variance")


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("the features are dependent", "independent features"),  # a prefix is not a typo
        ("the features are correlated", "uncorrelated features"),
        ("we maximise the margin", "minimize margin"),  # an antonym is not a typo
        ("it increases variance", "decrease variance"),
        ("the bass is low", "bias low"),  # short words are not fuzzy
        ("subtract theta times a covariate", "theta covariance"),  # another term, not a typo
        ("the covariance is large", "covariate large"),
        ("split the internal nodes", "interval nodes"),
        ("the latest representation", "latent representation"),
        ("the loss plateaus later", "layer loss"),
        ("I would use a Gaussian", "gaussiannb|categoricalnb"),  # a distribution, not a class
    ],
)
def test_a_different_word_is_not_a_typo(answer, phrase):
    assert not made(answer, phrase)


def test_a_covariance_is_no_covariate():
    # (a covariate is a feature: the stem "covari" must not make a covariance one too)
    assert made("adjust for a pre-period feature", "covariate adjustment|adjust")
    assert not made("divide by the covariance", "feature divide")


# -- misconceptions and grades --------------------------------------------------------------


def test_a_complete_answer_is_good():
    grading = grade_answer(
        BAGGING,
        "Averaging lowers the variance, the bias stays the same, and it helps more when the "
        "trees are less correlated.",
    )
    assert grading.suggested is Grade.GOOD
    assert grading.score == 1.0
    assert [p.matched for p in grading.covered] == [
        "lowers the variance",
        "bias stays the same",
        "trees are less correlated",
    ]


def test_missing_points_are_hard():
    grading = grade_answer(BAGGING, "it lowers the variance and does not change the bias")
    assert grading.suggested is Grade.HARD
    assert [p.point for p in grading.missed] == ["The gain depends on tree correlation"]
    assert grading.score == pytest.approx(2 / 3)


POINT_WORDS = ("walrus", "cactus", "violin", "lantern", "meadow", "harbour")


def points_card(count: int) -> Card:
    """A card with `count` keypoints, each made by one word of POINT_WORDS."""
    return Card(
        id="t-points",
        q="Explain it.",
        a="",
        keypoints=tuple(Keypoint(word, (word,)) for word in POINT_WORDS[:count]),
    )


@pytest.mark.parametrize(
    ("made", "of", "grade"),
    [
        (5, 5, Grade.GOOD),
        (4, 5, Grade.GOOD),  # "most" of the keypoints: one short is still Good
        (5, 6, Grade.GOOD),
        (3, 4, Grade.HARD),  # (room for a wrong claim no misconception names)
        (2, 3, Grade.HARD),
        (1, 2, Grade.HARD),
        (1, 3, Grade.HARD),
        (1, 4, Grade.AGAIN),  # too little to count as recalled
        (0, 2, Grade.AGAIN),
    ],
)
def test_the_suggested_grade_follows_the_share_of_keypoints_made(made, of, grade):
    answer = " and ".join(POINT_WORDS[:made])
    grading = grade_answer(points_card(of), answer)
    assert len(grading.covered) == made
    assert grading.suggested is grade


# -- what "you said" quotes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "quoted"),
    [
        # the answer's own words from the first matched word to the last, as typed
        ("Averaging LOWERS the\r\nvariance a lot", "LOWERS the variance"),
        # with the word that negates them, a contraction whole
        ("it does not change the bias", "not change the bias"),
        ("It doesn't change the bias at all", "doesn't change the bias"),
        ("it doesnt change the bias", "doesnt change the bias"),
        # control characters typed in between are not repeated to the terminal
        ("it does not change\x1b[2J the bias", "not change [2J the bias"),
        ("it does not change\u202e the bias", "not change the bias"),  # (nor a bidi override)
        # where reading the answer moved its characters (a sign written out as words), still
        # as typed: the words were quoted bare ("1 sum squared" for "1 - sum p^2")
        ("σ² aside, it does not change the bias", "not change the bias"),
        ("with β > 1 the bias stays the same", "bias stays the same"),
        ("bias^2 stays the same", "bias^2 stays the same"),
        ("Bias² stays the same", "Bias² stays the same"),
    ],
)
def test_a_point_quotes_the_answer_as_it_was_typed(answer, quoted):
    assert [p.matched for p in grade_answer(BAGGING, answer).covered] == [quoted]


@pytest.mark.parametrize(
    ("answer", "phrase", "quoted"),
    [
        # a form made of several words is quoted whole
        ("we report the area under the ROC curve here", "auc", "area under the ROC curve"),
        ("train with mini batches of 32", "minibatch", "mini batches"),
        # and a word that is the form itself, alone
        ("we report AUC here", "auc", "AUC"),
        ("train with minibatches", "mini batch", "minibatches"),
    ],
)
def test_a_quote_takes_every_word_of_a_form_written_in_several(answer, phrase, quoted):
    assert grade_answer(card(phrase), answer).points[0].matched == quoted


def test_a_quote_reaches_back_to_a_negation_only_within_its_clause():
    # "changes" is negated by the "no" after it, not by the "Not" two commas before
    answer = _Answer("Not sure, bias changes, no.")
    where = {word.surface: number for number, word in enumerate(answer.words)}
    assert answer.words[where["changes"]].negated
    assert answer.quote([where["bias"], where["changes"]]) == "bias changes"


def test_a_misconception_quotes_the_answer_as_typed():
    grading = grade_answer(BAGGING, "Bagging also reduces the bias, I think")
    assert [m.matched for m in grading.misconceptions] == ["reduces the bias"]


def test_a_stated_misconception_is_again_with_its_correction():
    grading = grade_answer(BAGGING, "bagging reduces bias and variance of correlated trees")
    assert grading.suggested is Grade.AGAIN
    assert [(m.claim, m.matched, m.correction) for m in grading.misconceptions] == [
        ("Bagging reduces bias", "reduces bias", "It does not.")
    ]
    # "reduces", which states the misconception, makes no keypoint: with the real card's
    # keypoint ("reduces variance and leaves bias unchanged") it was credited as proof of it
    assert [point.covered for point in grading.points] == [False, False, True]
    assert grading.score == pytest.approx((1 / 3) / 2)


def test_a_negated_misconception_is_not_flagged():
    grading = grade_answer(BAGGING, "bagging does not reduce bias; it lowers variance")
    assert grading.misconceptions == ()
    assert grading.suggested is Grade.HARD


@pytest.mark.parametrize(
    "answer",
    [
        "A common mistake is to say that bagging reduces bias.",
        "It is wrong to say bagging reduces bias.",
        "Saying that bagging reduces bias is a mistake.",
        "It is a myth that bagging reduces bias.",
        "A frequent misconception: bagging reduces bias.",
        # a claim reported as others', not made
        "Some claim that bagging reduces bias, but it does not.",
        "Some people think bagging reduces bias; it doesn't.",
        "People often say bagging reduces bias.",
        "A common claim is that bagging reduces bias.",
        "It is often assumed that bagging reduces bias.",
        "Naively you would think bagging reduces bias.",
    ],
)
def test_a_misconception_named_to_be_rejected_is_not_flagged(answer):
    assert not grade_answer(BAGGING, answer).misconceptions


@pytest.mark.parametrize(
    "answer",
    [
        "Bagging reduces bias.",
        # a mistake that is not one being named: the claim is still made
        "Each model learns from the mistakes of the previous one, and bagging reduces bias.",
        "When the model is confidently wrong, bagging reduces bias.",
        # a claim made in one's own name is made
        "I would say bagging reduces bias.",
        "We think bagging reduces bias.",
        "Some models, like bagging, reduce bias.",
        # others named, but the claim is the answer's own
        "I often say that bagging reduces bias.",
        "Contrary to what some people think, bagging reduces bias.",
        "Bagging reduces bias, as some people say.",
        "Some people think it lowers variance, but I think bagging reduces bias.",
    ],
)
def test_a_mistake_word_alone_does_not_hide_a_misconception(answer):
    assert grade_answer(BAGGING, answer).misconceptions


def test_words_that_belong_to_tighter_claims_state_no_misconception():
    grading = grade_answer(BAGGING, "it lowers variance and bias stays the same")
    assert grading.misconceptions == ()


def test_little_covered_is_again():
    grading = grade_answer(card("reduce variance"), "I would use a neural network.")
    assert (grading.score, grading.suggested) == (0.0, Grade.AGAIN)


def test_to_dict_has_the_documented_shape():
    data = grade_answer(BAGGING, "bagging reduces bias").to_dict()
    assert list(data) == ["card", "score", "suggested", "covered", "missed", "misconceptions"]
    assert data["suggested"] == "again"
    assert data["misconceptions"][0]["matched"] == "reduces bias"


def test_only_cards_with_keypoints_can_be_graded():
    assert can_grade(BAGGING)
    assert not can_grade(Card(id="x", q="q", a="a"))


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "   \n\t ",
        "?!.,;:()[]{}<>",
        "\x00\x01\x1b[2J\x7f\x9b binary \ufffd\ufffd",
        "Le bagging réduit la variance sans changer le biais.",
        "バギングは分散を減らします",
        "a" * 100_000,
        "x" * 50 + "-" * 50_000,
        "reduce " * 20_000,
    ],
)
def test_any_input_is_graded_without_error(answer):
    grading = grade_answer(BAGGING, answer)
    assert 0.0 <= grading.score <= 1.0
    assert grading.suggested in (Grade.AGAIN, Grade.HARD)


def test_a_huge_answer_is_graded_on_its_beginning():
    answer = "bagging lowers variance. " + "filler words here. " * 10_000
    assert len(answer) > MAX_CHARS
    assert grade_answer(BAGGING, answer).points[0].covered
    late = "filler words here. " * 10_000 + "bagging lowers variance."
    assert not grade_answer(BAGGING, late).points[0].covered


def test_the_stemmer_in_use_stems_as_the_snowball_reference_does():
    """Grading stems with whichever Snowball English stemmer snowballstemmer gives (the
    compiled one when installed): it must give the pure-Python reference's stems, for every
    word of the built-in decks' answers and keypoints and for words written together."""
    import re

    import snowballstemmer
    from snowballstemmer.english_stemmer import EnglishStemmer

    from mlprep.paths import builtin_content_dir

    text = " ".join(
        path.read_text().lower() for path in (builtin_content_dir() / "decks").glob("*.yaml")
    )
    words = sorted(set(re.findall(r"[a-z]{2,}", text)))
    words += [a + b for a, b in zip(words[::6], words[7::6], strict=False)]  # (as compounds are)
    in_use, reference = snowballstemmer.stemmer("english"), EnglishStemmer()
    assert [in_use.stemWord(w) for w in words] == [reference.stemWord(w) for w in words]


def test_two_words_are_not_read_as_one_across_a_negation():
    """Words written apart answer to the word written together (mini batch -> minibatch), but
    not where a negation falls between them: "KL is not symmetric" is no "klsymmetric"."""
    assert made("KL is symmetric.", "kl symmetric")
    assert not made("KL is not symmetric.", "kl symmetric")
    assert not made("Usage is not success.", "usage success")
    assert made("We trained with a mini batch of 32.", "minibatch")
    assert made("It learns a non linear boundary.", "nonlinear boundary")
    assert made("It learns a non-linear boundary.", "nonlinear boundary")


def test_not_because_negates_the_reason_it_gives():
    """ "because" ends a negation's clause ("not stable because it overfits": the overfitting
    is claimed), but "not because X" denies X."""
    assert made("The drop is because of overfitting.", "overfitting")
    assert not made("The drop is not because of overfitting.", "overfitting")
    assert made("It is not stable because it overfits.", "overfits")


def test_what_unlike_x_which_says_is_said_of_x():
    """ "Unlike boosting, which trains sequentially, bagging ...": the "which" clause is said
    of boosting, so the claim that bagging trains sequentially is not made."""
    card = claim_card(
        "What is bagging?",
        "parallel bootstrap",
        "Bagging trains sequentially",
        "bagging sequential",
    )

    contrast = "Unlike boosting, which trains sequentially, bagging fits in parallel on bootstrap"
    assert claims(card, contrast + " samples.") == []
    wrong = ["Bagging trains sequentially"]
    assert claims(card, "Bagging trains sequentially, unlike boosting.") == wrong
    # the clause is the compared thing's only up to its end
    assert claims(card, "Unlike boosting, which is slow, bagging is sequential.") == wrong


@pytest.mark.parametrize("said", ["pad with zeros", "pads with zeroes", "zeroed padding"])
def test_the_forms_of_zero_are_the_number(said):
    assert made(f"We {said}.", "zero padding") and made(f"We {said}.", "0 padding")


def test_a_misconception_is_a_claim_made_within_one_clause():
    """ "word2vec predicts context words, while GloVe factorises counts" says nothing of GloVe
    predicting context words: a contrast after a comma (or a dash), a clause word after one,
    what follows a comma with a verb of its own, or the first comma of a sentence that opens
    with a contrast, ends a clause, and a misconception's words must all be in one (a
    keypoint's may still span the sentence); a list going on after a comma does not."""
    card = claim_card(
        "What does each embedding method optimise?",
        "glove counts",
        "GloVe predicts context words",
        "glove predicts|predict context",
    )
    right = (
        "Word2vec predicts context words, while GloVe factorises counts.",
        "Word2vec predicts the context, but GloVe fits counts.",
        "Word2vec predicts context words - whereas GloVe fits counts.",
        "Whereas word2vec predicts context words, GloVe fits counts.",
        "Word2vec predicts context words but GloVe fits counts.",  # ("but": no comma needed)
        "In contrast to word2vec that predicts context words, GloVe fits counts.",
        "Compared with word2vec predicting context words, GloVe fits counts.",
        # (a clause of its own after the comma: a correct answer was graded Again for it)
        "GloVe counts, word2vec is predicting context.",
        "GloVe fits counts, and word2vec predicts context.",
    )
    wrong = (
        "GloVe predicts context words.",
        "Word2vec fits counts, while GloVe predicts context words.",
        "While training, GloVe predicts the context words.",  # (no contrast: one clause)
        "GloVe predicts, while also counting, context words.",  # ("while also" adds)
        "GloVe predicts counts, context and co-occurrences.",  # (a list goes on)
        "GloVe predicts 1,000 context words that are rare.",  # (a number's comma)
    )
    assert_claims(card, right, wrong)
    # a keypoint is still made across the clauses of its sentence
    assert grade_answer(card, "GloVe is fast, but its counts take a pass.").points[0].covered


@pytest.mark.parametrize("hedge", ["rarely", "seldom", "hardly", "barely", "scarcely"])
def test_a_hedge_that_all_but_denies_a_claim_negates_it(hedge):
    """ "Accuracy alone is rarely enough" is a warning, not the claim that accuracy is
    enough: read as a negation, it makes a negated phrase and not the plain one."""
    assert not made(f"Accuracy alone is {hedge} enough.", "accuracy enough")
    assert made(f"Accuracy alone is {hedge} enough.", "accuracy not enough")


def test_a_comma_before_a_subject_and_any_verb_ends_a_claim():
    """ "A canary serves real users, shadow mode only logs predictions" is right, and was
    flagged as "a shadow deployment serves users": after a comma, a subject and a verb of its
    own (not only "is", "has" and the like) make a clause. A verb that is also a plural noun
    ("logs") counts only where what follows it goes on neither as a list nor as "of"."""
    card = claim_card(
        "How do a canary and a shadow deployment differ?",
        "canary serves users",
        "A shadow deployment serves users",
        "shadow serves|serve users|traffic",
    )
    right = (
        "A canary serves real users, shadow mode only logs predictions.",
        "A canary serves users, shadow mode logs the traffic.",
        "A canary serves users, shadow mode depends on a copy of the traffic.",
    )
    wrong = (
        "Shadow serves real users.",
        "A canary logs predictions, shadow serves users.",
        "Canary: logs, shadow serves users.",
        "It serves traffic, the logs and shadow users.",  # (a list goes on)
        "A canary serves traffic, the logs of shadow users.",  # ("logs of": a noun)
    )
    assert_claims(card, right, wrong)


def test_notes_that_pair_each_thing_with_its_property_make_one_claim_each():
    """ "bagging = parallel, boosting = sequential" is right, and was flagged as "bagging is
    sequential": a comma before a label and its "=", ":" or arrow ends a claim, as a verb
    does."""
    card = claim_card(
        "How do bagging and boosting train their members?",
        "bagging parallel",
        "Bagging trains sequentially",
        "bagging sequential|sequentially",
    )
    right = (
        "bagging = parallel, boosting = sequential",
        "bagging: parallel, boosting: sequential",
        "bagging -> parallel, boosting -> sequential",
        "boosting = sequential, bagging = parallel",
    )
    wrong = (
        "bagging = sequential",
        "bagging: sequential, boosting: parallel",
        "boosting = parallel, bagging = sequential",
        "bagging is parallel, or rather sequential",  # (no label after the comma)
    )
    assert_claims(card, right, wrong)


def test_words_written_apart_are_not_joined_across_a_clauses_end():
    """ "context words, GloVe" read as the one word "wordsglove": a phrase ending "... words
    glove" then spanned the comma that ends the contrast's clause (the README's own example
    was flagged)."""
    card = claim_card(
        "What does GloVe optimise?",
        "fits counts",
        "GloVe predicts context",
        "predicts context words glove",
    )
    assert claims(card, "Whereas word2vec predicts context words, GloVe fits counts.") == []
    assert claims(card, "It predicts context words glove-style.") == ["GloVe predicts context"]


def test_with_no_negates_its_noun_phrase_as_without_does():
    """ "With no ties, it equals the mean precision at each positive" claims the mean: "with
    no" is "without", a preposition whose negation reaches its noun phrase, not the clause
    after it. What it does negate stays negated."""
    said = "With no ties it equals the mean of the precision at each positive's rank."
    assert made(said, "mean precision positive")
    assert not made(said, "ties")
    assert made(said, "no ties")
    assert not made("It does not equal the mean precision at each positive.", "mean precision")
    assert not made("There is no mean precision at each positive.", "mean precision positive")


def test_no_matter_how_is_no_negation():
    """ "No matter how much data you add, the bias stays" claims that data is added; "needed
    no matter what" is "needed regardless"."""
    assert made("No matter how much data you add the bias stays.", "data add")
    assert made("Work that is needed no matter what was decided.", "needed decided")
    assert not made("No data is added.", "data add")


def test_a_no_compound_negates_only_its_own_word():
    """ "kept going on no-regret / reversible work": "no-regret" is one adjective, so the
    "no" does not deny the reversible work after it; a phrase "no-regret" is made by it, as
    by "no regret", and not by "regret" alone."""
    said = "I kept going on no-regret / reversible work in the meantime."
    assert made(said, "reversible work")
    assert made(said, "no-regret")
    assert made("There was no regret about that work.", "no-regret")
    assert not made("I regret the work.", "no-regret")
    assert made("Add a no-history flag for new customers.", "flag new customers")
    assert made("Add a no-history flag for new customers.", "no history")
    assert not made("Use the history flag for new customers.", "no history")


@pytest.mark.parametrize(
    ("said", "phrase"),
    [
        ("delivered v2 in 6 wks", "delivered weeks"),
        ("retrained every 2 hrs", "retrained hours"),
        ("3 yrs building rankers", "years building"),
        ("err of avg pred = bias + noise", "average prediction error"),
        ("fwd KL = MLE", "forward kl"),
        ("eigendecomp the cov", "eigendecomposition covariance"),
        ("w·c = PMI(w,c) − log k", "pointwise mutual information log k"),
        ("the dot product is the pointwise mutual information minus log k", "pmi log k"),
        ("SVs = pts on/outside tube", "outside tube support vectors"),
        ("freeze W, learn BA", "w frozen"),
        ("the pretrained weights stay frozen", "freeze pretrained weights"),
        ("score it on the holdout set", "held-out set"),
        ("evaluated on held-out users", "holdout users"),
    ],
)
def test_short_forms_abbreviations_and_word_pairs_of_notes(said, phrase):
    """Notes-style answers abbreviate words (wks, err, fwd, eigendecomp), terms (PMI, SVs)
    and write one word two ways (frozen/freeze, holdout/held-out)."""
    assert made(said, phrase)


@pytest.mark.parametrize(
    ("said", "phrase"),
    [
        ("the error of the model is small", "forward error"),
        ("mutual information between features and target", "pmi"),
        ("a support vector machine with an RBF kernel", "support vectors"),
        ("do not freeze the weights", "weights frozen"),
        ("no holdout set was used", "held-out set"),
    ],
)
def test_those_words_make_no_other_claim(said, phrase):
    assert not made(said, phrase)


def test_sort_is_a_verb_except_in_the_hedge_sort_of():
    """ "sort all detections by confidence" makes "sort ... confidence" as "sorted by
    confidence" does; only "sort of" is a hedge with no content of its own."""
    assert made("Sort all detections of the class by conf.", "rank|sort conf|confidence")
    assert made("Sort the values, then scan the thresholds.", "sort values")
    assert made("It is sort of a weighted average.", "weighted average")
    assert not made("It is sort of confident.", "sort confidence")


def test_an_answer_whose_words_touch_no_keypoint_is_told_what_the_checker_reads():
    """A right answer in French scored 0 with every point unticked and no word why."""
    from mlprep.grader import NOTHING_FOUND, checklist_lines

    french = grade_answer(BAGGING, "Le bagging fait la moyenne de modèles, la variance baisse.")
    assert checklist_lines(french, None)[1] == NOTHING_FOUND
    partial = grade_answer(BAGGING, "Bagging mainly reduces variance.")
    assert NOTHING_FOUND not in checklist_lines(partial, None)
    wrong = grade_answer(BAGGING, "Bagging reduces bias.")  # (a misconception: that is said)
    assert NOTHING_FOUND not in checklist_lines(wrong, None)


def test_treated_is_treatment_and_nobody_negates():
    """Snowball keeps "treatment" apart from "treated", and "nobody" negated nothing: "would
    have moved in parallel if nobody had been treated" missed "parallel without treatment"."""
    answer = "the groups would have moved in parallel if nobody had been treated"
    assert made(answer, "parallel without treatment")
    assert not made("the groups moved in parallel once treated", "parallel without treatment")
    assert made("the treated units", "treatment units")
    assert not made("nobody reduces bias this way", "reduce bias")


def test_a_clause_ending_in_does_not_denies_the_claim_of_its_subject():
    """ "Student's t-test assumes equal variances and Welch's test doesn't." was flagged as
    the claim that Welch's test assumes equal variances."""
    card = claim_card(
        "When do you use Welch's t-test?",
        "unequal variances",
        "Welch's test assumes equal variances",
        "welch assumes equal variances",
    )
    right = "Student's t-test assumes equal variances and Welch's test doesn't."
    assert claims(card, right) == []
    assert claims(card, "Welch's test assumes equal variances, Student's doesn't.") == [
        card.misconceptions[0].claim
    ]
    assert made("Bagging reduces variance, boosting doesn't.", "bagging reduce variance")
    assert not made("Bagging reduces variance, boosting doesn't.", "boosting reduce variance")
