"""Keypoint grading of open answers, offline: which claims an answer makes, which it misses,
which misconceptions it states, and the grade that suggests.

A card's keypoints carry `match` phrases of a few content words (`a|b` = alternatives for one
word). A phrase is made when all its content words occur close together in one sentence of the
answer (any order), after both sides are normalised the same way: case, punctuation, word forms
(Snowball stems), British/American spelling, hyphens, number words, common abbreviations, small
typos (rapidfuzz). A phrase the answer negates ("does not reduce bias") is not made, and a phrase
that itself says "not"/"no"/"without" is made only when the answer negates it too.

Pure: no I/O, no terminal. The stemmer and the fuzzy matcher load with this module, which the
commands import only when they grade an answer.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import snowballstemmer
from rapidfuzz.distance import OSA
from rapidfuzz.process import extract as fuzzy_extract

from mlprep.cardparts import Keypoint, Misconception
from mlprep.model import Card, Grade
from mlprep.textfit import hang
from mlprep.textsafe import CONTROL, UNSHOWABLE

MAX_CHARS = 10_000  # an answer longer than this is graded on its beginning (no pause on 100 KB)
WINDOW_SLACK = 2  # a phrase of k content words may spread over k + 2 content words
RESTATED_CREDIT = 0.5  # a claim made only of the question's own words counts half
# the suggested grade by the share of the keypoints made, with no misconception stated: Again
# below AGAIN_BELOW (one keypoint of four is too little to count as recalled: Again brings
# the card back soon), Good from GOOD_FROM ("most": four of five, not three of four, as a
# wrong claim that no misconception names can hide among three points made), Hard between.
# Good asked for every keypoint until the answers of interviewers, by other hands (bench/
# grader_bench.py's sets, tests/fixtures/grader), showed complete answers one point short
# graded Good: on each set agreement rose (by up to 5 points) with no wrong answer more
# suggested Good.
AGAIN_BELOW = 0.3
GOOD_FROM = 0.8
NEGATION_SCOPE = 8  # words a "not" reaches forward, unless a clause ends first
WITHOUT_SCOPE = 2  # content words a "without" reaches: its noun phrase

# --------------------------------------------------------------------------------------------
# Word tables. Every table is applied to decks' phrases and to answers alike.

STOPWORDS = frozenset(
    """a an the this that these those there here it its it's itself they them their theirs we us
    our you your i me my he she his her one's of in on at to for from by with as into onto about
    and or if then than so such also just very really basically actually quite rather pretty
    be is are was were been being am do does did doing done have has had having can could will
    would shall should may might must get gets got getting which what who whom whose when where
    why how each every any some all both either etc eg ie like kind thing things way
    something whatever whichever lot lots bit well""".split()
)
# "sort" is a verb of these answers ("sort the detections by confidence"), and a function
# word only in the hedge "sort of" (see _words)
HEDGES = {("sort", "of")}
# (with the hedges that all but deny what follows: "accuracy alone is rarely enough" warns, it
# does not claim that accuracy is enough)
NEGATORS = frozenset(
    """not no never without nor neither none nothing nobody noone non unlike rarely seldom
    hardly barely scarcely""".split()
)
# what denies the clause before it when it follows a "be": "storing the commit is unnecessary"
# says not to store it
AFTER_NEGATORS = frozenset(
    "unnecessary unneeded needless pointless useless superfluous overkill".split()
)
# ...and so do these after "is not": "monitoring in production isn't needed"
NOT_NEEDED = frozenset("needed required necessary essential".split())
COPULAS = frozenset("is are was were be been".split())
# the verbs a clause that ends in "not" leaves standing for the claim before it ("and Welch's
# doesn't", "but lasso can't"), and the content words of its subject that it denies
AUXILIARIES = COPULAS | frozenset("do does did can could will would has have had".split())
ELIDED_SUBJECT = 3
# two-word negations; the second word opens the scope
NEGATING_PAIRS = {("rather", "than"), ("instead", "of"), ("fail", "to"), ("fails", "to")}
# ("no matter how much data you add" adds data: it says "however much", denying nothing)
NEGATION_EXCEPTIONS = {
    ("not", "only"),
    ("not", "just"),
    ("not", "merely"),
    ("or", "not"),
    ("no", "matter"),
}
# a clause word that a negation reaches through: "rather than X", "not because of X"
_NEGATION_GOES_ON = {("rather", "than"), ("not", "because")}
CLAUSE_ENDS = frozenset(
    """but however although though whereas while whilst yet and or so because since unless
    instead""".split()
)
SENTENCE_ENDS = frozenset(".;!?")
# A misconception is a claim made within one clause: "BatchNorm normalises over the batch,
# while LayerNorm normalises over features" says nothing of BatchNorm and features. A clause
# ends before one of these words where a comma (or a dash) comes before it (but not before
# "while also", which adds rather than contrasts)...
CONTRASTS = frozenset("but whereas while whilst although though however yet unlike".split())
# ...or these ("keeps the top box, and removes those whose IoU is above the threshold" says
# nothing of the top box's IoU)...
COMMA_CLAUSES = frozenset("and so then which thus hence".split())
# ...or where what follows the comma, up to the next, holds a verb of its own ("small k gives
# high variance, large k is smoother" says nothing of large k and variance), but not where it
# goes on with a list ("reduces variance, bias and overfitting" says it reduces bias). Verbs
# are an open class: these are the common ones such clauses turn on.
CLAUSE_VERBS = frozenset(
    """is are was were be been being has have had does do did can could will would shall
    should may might must gives give gave makes make made means mean tends tend leads lead
    becomes become gets get stays stay remains remain needs need uses use works work helps
    help keeps keep adds add takes take goes go comes come""".split()
)
# ...before these wherever they stand ("boosting reduces bias but bagging lowers variance")...
BARE_CONTRASTS = frozenset({"but", "whereas"})
# ...and at the first comma of a sentence that opens with one of these, or has one as its
# second word ("Whereas X does A, Y does B"; "In contrast to X, ..."; "Compared with X, ...")
OPENING_CONTRASTS = frozenset(
    "whereas while whilst although though unlike contrast compared".split()
)
CONTRACTIONS = {
    "can't": "can not",
    "cannot": "can not",
    "won't": "will not",
    "shan't": "shall not",
    "ain't": "is not",
}
# "doesnt" typed without its apostrophe
BARE_NEGATIONS = frozenset(
    """dont doesnt didnt isnt arent wasnt werent cant wont wouldnt shouldnt couldnt hasnt
    havent hadnt aint mustnt neednt""".split()
)
NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen
        fourteen fifteen sixteen seventeen eighteen nineteen twenty""".split()
    )
} | {"thirty": "30", "fifty": "50", "hundred": "100", "thousand": "1000", "million": "1e6"}
# "pad with zeros", "weights zeroed out": the word's other forms are the number too
NUMBER_WORDS |= {"zeros": "0", "zeroes": "0", "zeroed": "0", "zeroing": "0"}
ORDINALS = {"first": "1st", "second": "2nd", "third": "3rd"}
BRITISH = {
    "grey": "gray",
    "programme": "program",
    "catalogue": "catalog",
    "analogue": "analog",
    "dialogue": "dialog",
    "defence": "defense",
    "licence": "license",
    "judgement": "judgment",
    "ageing": "aging",
    "artefact": "artifact",
    "artefacts": "artifacts",
    "sceptical": "skeptical",
    "amongst": "among",
    "whilst": "while",
    "travelled": "traveled",
    "per-cent": "percent",
}
_OUR = re.compile(
    r"^(colo|behavio|favo|neighbo|hono|labo|flavo|rumo|harbo|vapo|humo|savo|vigo|rigo|odo|armo)ur"
)
_TRE = re.compile(r"^(cen|me|li|fib|thea|lus)tre(s|d)?$")
_YSE = re.compile(r"^(anal|paral|catal|hydrol)ys(e|es|ed|ing)$")
_ISE = re.compile(r"^(\w{3,}?)is(e|es|ed|ing|ation|ations|er|ers|able)$")
# -ise words that are not British -ize words
_ISE_KEEP = re.compile(
    r"(wise|nois|precis|rais|promis|exercis|advis|concis|premis|surpris|compromis|expertis|"
    r"supervis|revis|devis|franchis|merchandis|enterpris|aris|compris|disguis|despis|improvis|"
    r"televis|pois|prais|cruis|bruis|chemis|paradis|denis|demis|incis|excis)"
)
# abbreviation -> its expansion; both sides of a match see both
ABBREVIATIONS = {
    "gd": "gradient descent",
    "sgd": "stochastic gradient descent",
    "pca": "principal component analysis",
    "svd": "singular value decomposition",
    "svm": "support vector machine",
    "knn": "k nearest neighbour",
    "rf": "random forest",
    "gbm": "gradient boosting machine",
    "gbdt": "gradient boosted decision tree",
    "gbt": "gradient boosted tree",
    "nn": "neural network",
    "ann": "approximate nearest neighbour",
    "cnn": "convolutional neural network",
    "rnn": "recurrent neural network",
    "lstm": "long short term memory",
    "gru": "gated recurrent unit",
    "mlp": "multilayer perceptron",
    "relu": "rectified linear unit",
    "bn": "batch normalization",
    "batchnorm": "batch normalization",
    "mse": "mean squared error",
    "rmse": "root mean squared error",
    "mae": "mean absolute error",
    "sse": "sum squared error",
    "rss": "residual sum squares",
    "ols": "ordinary least squares",
    "mle": "maximum likelihood estimation",
    "auc": "area under curve",
    "roc": "receiver operating characteristic",
    "tpr": "true positive rate",
    "fpr": "false positive rate",
    "tnr": "true negative rate",
    "fnr": "false negative rate",
    "tp": "true positive",
    "fp": "false positive",
    "tn": "true negative",
    "fn": "false negative",
    "nb": "naive bayes",
    "em": "expectation maximization",
    "kl": "kullback leibler",
    "ci": "confidence interval",
    "sd": "standard deviation",
    "std": "standard deviation",
    "oob": "out bag",
    "cv": "cross validation",
    "loocv": "leave one out cross validation",
    "tf": "term frequency",
    "idf": "inverse document frequency",
    "nlp": "natural language processing",
    "llm": "large language model",
    "iid": "independent identically distributed",
    "lr": "learning rate",
    "lasso": "l1",
    "ridge": "l2",
    "ml": "machine learning",
    "dl": "deep learning",
    "kv": "key value",
    "qps": "queries per second",
    "ctr": "click through rate",
    "wcss": "within cluster sum squares",
    "ce": "cross entropy",
    "bce": "binary cross entropy",
    "nll": "negative log likelihood",
    "vi": "variational inference",
    "iou": "intersection over union",
    "nms": "non maximum suppression",
    "gan": "generative adversarial network",
    "vae": "variational autoencoder",
    "vit": "vision transformer",
    "lora": "low rank adaptation",
    "rlhf": "reinforcement learning from human feedback",
    "sft": "supervised fine tuning",
    "ffn": "feed forward network",
    "mha": "multi head attention",
    "srm": "sample ratio mismatch",
    "mde": "minimum detectable effect",
    "rdd": "regression discontinuity design",
    "ood": "out of distribution",
    "pmi": "pointwise mutual information",
    "sv": "support vector",  # (SVs)
}
# informal short forms that stand for one word
SHORT_FORMS = {
    "params": "parameters",
    "param": "parameter",
    "approx": "approximately",
    "avg": "average",
    "prob": "probability",
    "probs": "probabilities",
    "dims": "dimensions",
    "dim": "dimension",
    "info": "information",
    "num": "number",
    "stats": "statistics",
    "w/o": "without",
    "b/c": "because",
    "wrt": "with respect to",
    "var": "variance",
    "corr": "correlation",
    "cov": "covariance",
    "reg": "regularization",
    "regularizer": "regularization",
    "eval": "evaluation",
    "perf": "performance",
    "feats": "features",
    "obs": "observations",
    "vs": "versus",
    "eps": "epsilon",
    "pt": "point",
    "pts": "points",
    "pred": "prediction",
    "preds": "predictions",
    "deps": "dependencies",
    "logreg": "logistic regression",
    "hparams": "hyperparameters",
    "hyperparams": "hyperparameters",
    "hyperparam": "hyperparameter",
    "grad": "gradient",
    "grads": "gradients",
    "thresh": "threshold",
    "dupe": "duplicate",
    "dupes": "duplicates",
    "diff": "difference",
    "diffs": "differences",
    "coef": "coefficient",
    "coefs": "coefficients",
    "bc": "because",
    "thru": "through",
    "tho": "though",
    "w/out": "without",
    "wks": "weeks",
    "hrs": "hours",
    "yrs": "years",
    "err": "error",
    "fwd": "forward",
    "eigendecomp": "eigendecomposition",
}
# Words that say the same thing in these answers; each group answers to its first member.
# Kept small and unambiguous: a deck's `a|b` alternatives carry anything card-specific.
SYNONYMS = (
    ("reduc", "reduct", "lower", "decreas", "lessen", "diminish", "shrink", "less", "fewer")
    + ("fall", "drop", "declin", "cut"),
    ("increas", "rais", "grow", "growth", "higher"),
    ("larg", "big", "huge"),
    ("small", "tini", "littl"),
    ("whole", "entir", "full"),
    ("exampl", "sampl", "observ", "instanc", "row"),
    ("featur", "predictor", "attribut", "covari"),
    ("weight", "coeffici"),
    ("model", "learner", "estim"),
    ("data", "dataset"),
    ("error", "mistak"),
    ("penal", "penalti", "penalis"),
    ("lose", "lost", "discard", "ignor", "throw"),
    ("probabl", "chanc"),
    ("averag", "mean"),
    ("top", "upper"),
    ("perfect", "ideal"),
    ("recal", "sensit"),
    ("train", "fit"),
    ("leak", "leakag", "leaki"),  # (Snowball keeps "leakage" apart from "leak")
    ("percent", "percentag"),
    ("freez", "frozen"),  # (Snowball keeps the participle apart)
    ("holdout", "heldout"),  # (held-out, hold out: written together)
    ("treat", "treatment"),  # (Snowball keeps these -ment nouns apart from their verbs:
    ("move", "movement"),  # "treated units" and "the treatment group" are the same thing)
)
HARDWARE = frozenset({"gpu", "cpu", "tpu"})
# Words one edit or two apart that are both terms of their own: neither is read as a typo of
# the other ("theta times a covariate" says nothing of a covariance).
CONFUSABLE = (
    ("covariate", "covariance"),
    ("covariate", "covariant"),
    ("interval", "internal"),
    ("logit", "login"),
    ("logit", "logic"),
    ("latent", "latest"),
    ("layer", "later"),
    ("drift", "draft"),
    ("context", "content"),
    ("correlation", "correction"),
    ("correlated", "corrected"),
    ("generative", "generalize"),
    ("prediction", "predictor"),
    ("production", "projection"),
    ("percentage", "percentile"),
    ("sample", "simple"),
    ("token", "taken"),
    ("biased", "based"),
    ("retained", "retrained"),
    ("stable", "stale"),
    ("score", "store"),
    ("scores", "stores"),
    ("steps", "stops"),
    ("stage", "state"),
    ("explanation", "exploration"),
    ("transaction", "translation"),
    ("constraint", "constant"),
    ("decay", "delay"),
    ("decode", "decide"),
    ("shape", "share"),
    # a library's class is not the distribution it is named after ("use a Gaussian" fits no
    # GaussianNB)
    ("gaussian", "gaussiannb"),
    ("categorical", "categoricalnb"),
    ("multinomial", "multinomialnb"),
    ("bernoulli", "bernoullinb"),
)
# A sentence that names a claim in order to reject it states no misconception: "A common
# mistake is to read it as ...", "It is wrong to say ...", "... is a mistake", "It is a myth that
# ...". Words that do so anywhere in a sentence:
REJECTING = frozenset(
    """misconception misconceptions myth myths fallacy fallacies mistakenly wrongly
    erroneously naively""".split()
)
# ...and a claim reported as others' ("some claim that ...", "people often say ...", "it is
# often assumed that ...", "a common claim is that ..."), not made: only what follows the
# reporting verb in its stretch of the sentence (not "Contrary to what some people think, X",
# nor "X, as people say", nor "I often say X")
CLAIMING = frozenset(
    """claim claims claimed say says said think thinks assume assumes assumed believe
    believes believed argue argues argued""".split()
)
REPORTERS = frozenset({"some", "people", "many", "others"})
REPORTING_ADVERBS = frozenset({"often", "commonly", "widely", "sometimes"})
IMPERSONAL = frozenset({"it", "is", "are", "was", "were"})
FIRST_PERSON = frozenset({"i", "we"})
# ...a mistake named as one ("a mistake", "is a mistake", "a common mistake")...
MISTAKES = frozenset({"mistake", "mistakes"})
MISTAKE_OPENERS = frozenset({"a", "is", "are", "it", "that", "this"})
MISTAKE_KINDS = frozenset({"common", "classic", "typical", "frequent", "usual", "big"})
# ...and a verdict on what is said ("it is wrong to", "that is incorrect")
VERDICTS = frozenset({"wrong", "incorrect", "untrue", "mistaken", "misleading"})
VERDICT_SUBJECTS = frozenset({"it", "that", "this"})
# a word Snowball would fold into another term's stem: "covariance" is not a covariate
STEM_OF = {"covariance": "covarianc", "covariances": "covarianc", "goes": "go"}
# irregular past tenses and participles, which the stemmer keeps apart from their verbs: "the
# prompt hides instructions" and "instructions hidden in the prompt" make the same claim
IRREGULAR_VERBS = {
    form: verb
    for verb, forms in {
        "hide": "hid hidden",
        "show": "shown",
        "choose": "chose chosen",
        "write": "wrote written",
        "rewrite": "rewrote rewritten",
        "break": "broke broken",
        "know": "knew known",
        "give": "gave given",
        "take": "took taken",
        "drive": "drove driven",
        "draw": "drew drawn",
        "see": "saw seen",
        "throw": "threw thrown",
        "grow": "grew grown",
        "fall": "fell fallen",
        "forget": "forgot forgotten",
        "speak": "spoke spoken",
        "prove": "proven",
        "override": "overrode overridden",
        "go": "went gone",
    }.items()
    for form in forms.split()
}

# a table row's end ("|" then a line break) ends a sentence; a cell border is like a comma
# a dash between spaces ("it does not shrink - same padding keeps it") ends a clause like a comma
_TOKEN = re.compile(
    r"\bw/(?![^\W_])|(?<![<=-])(?:-+|=+)>(?![>=])|[^\W_]+(?:['’./&-][^\W_]+)*|\|[ \t]*\n"
    r"|[.,;:!?()|%&~≈→⇒]|\s[-–—]+\s|[–—]|(?<![!<>=])=(?![=>])"
)
# Greek letters as people type them in words: β > 1 is "beta > 1"
GREEK = str.maketrans(
    {
        "α": " alpha ",
        "β": " beta ",
        "γ": " gamma ",
        "δ": " delta ",
        "ε": " epsilon ",
        "η": " eta ",
        "θ": " theta ",
        "κ": " kappa ",
        "λ": " lambda ",
        "μ": " mu ",
        "π": " pi ",
        "ρ": " rho ",
        "σ": " sigma ",
        "τ": " tau ",
        "φ": " phi ",
        "ϕ": " phi ",
        "ω": " omega ",
    }
)
# Read before lower-casing (which would make Σ a σ): a capital sigma in a formula is a sum,
# and a power is a word of its own (NFKC would glue "bias²" into "bias2").
FORMULA = str.maketrans(
    {
        "Σ": " sum ",
        "∑": " sum ",
        "²": " squared ",
        "³": " cubed ",
        "≥": " at least ",
        "≤": " at most ",
    }
)
# Notes-style signs, read as words where they stand (each keeps its place in the answer, for
# quoting it): an arrow ("change → new root split") joins two clauses as "so" does (a negation
# before it does not reach past it), "&" is "and", "5%" five percent, "w/" with.
SIGNS = {
    "→": "so",
    "⇒": "so",
    "&": "and",
    "%": "percent",
    "~": "about",
    "≈": "about",
    "w/": "with",
    "=": "is",  # ("bagging = parallel, boosting = sequential": two claims, as "is" makes them)
}
_ARROW = re.compile(r"(?:-+|=+)>")
# ">= 1" says what "at least 1" says and "beta > 1" what "beta above 1" says; arrows
# (->, <-, =>, <=>) and shifts (<<, >>) are left alone (-> and => are read as SIGNS)
_COMPARISONS = (
    (re.compile(r"(?<![-=<>])>=(?![=>])"), " at least "),
    (re.compile(r"(?<![-=<>])<=(?![=>])"), " at most "),
    (re.compile(r"(?<![-=<>])>(?![=>])"), " above "),
    (re.compile(r"(?<![<=])<(?![-=<>])"), " below "),
)
# a power typed as ASCII reads as the superscript does: "D(x)^2" and "x**2" say "squared"
_POWERS = (
    (re.compile(r"(?:\^|\*\*)\s*2(?!\.?\d)"), " squared "),  # (not 2^20, not x^2.5)
    (re.compile(r"(?:\^|\*\*)\s*3(?!\.?\d)"), " cubed "),
)
_CLAUSE_BREAK = re.compile(r"[.,;:!?()|]")  # (a quote reaches back to a negation across none)

# --------------------------------------------------------------------------------------------
# Normalising words


@functools.cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=50_000)
def _spell(word: str) -> str:
    """One lower-case word in American spelling, number words as digits."""
    word = BRITISH.get(word, word)
    if word.endswith("s") and (word[:-1] in ABBREVIATIONS or word[:-1] in HARDWARE):
        word = word[:-1]  # GPUs, CNNs
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    word = _OUR.sub(r"\1or", word)
    word = _TRE.sub(r"\1ter\2", word)
    word = _YSE.sub(r"\1yz\2", word)
    match = _ISE.match(word)
    if match and not _ISE_KEEP.search(word):
        word = f"{match.group(1)}iz{match.group(2)}"
    return word


_SYNONYM_OF = {stem: group[0] for group in SYNONYMS for stem in group}
assert len(_SYNONYM_OF) == sum(len(g) for g in SYNONYMS), "a stem in two groups"


@functools.lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    """The canonical form a word is compared by."""
    if word[:1].isdigit():
        return word
    spelled = _spell(word)
    spelled = IRREGULAR_VERBS.get(spelled, spelled)
    stem = STEM_OF.get(spelled) or _stemmer().stemWord(spelled)
    return _SYNONYM_OF.get(stem, stem)


def _split_word(raw: str) -> list[str]:
    """A raw token as words: contractions opened, dots and apostrophes handled."""
    raw = raw.replace("’", "'")
    if raw in CONTRACTIONS:
        return CONTRACTIONS[raw].split()
    if raw in BARE_NEGATIONS:
        return [raw[:-2] if raw.endswith("nt") else raw, "not"]
    if raw.endswith("n't"):
        return [raw[:-3], "not"]
    if "'" in raw:
        raw = raw.split("'")[0]  # model's -> model
    if "." in raw and not re.fullmatch(r"\d+(\.\d+)*", raw):
        raw = raw.replace(".", "")  # e.g. -> eg, w.r.t -> wrt; 0.5 stays
    return [raw] if raw else []


@dataclass(slots=True)
class _Word:
    surface: str  # as typed (lower case), for "the words that matched"
    forms: set[str]  # every canonical form this position answers to
    negated: bool = False
    sentence: int = 0
    before: frozenset[str] = frozenset()  # the common words just before it ("my" of "my part")
    # where the answer has it (the characters of the token it came from) and, if a negation
    # covers it, where that negation's word is (None: not known; see _lex)
    span: tuple[int, int] | None = None
    cue: tuple[int, int] | None = None
    # a form it answers to only together with its neighbours (an abbreviation written out, a
    # word written apart): the first and last of those words (by number), for a quote
    reach: dict[str, tuple[int, int]] = field(default_factory=dict)
    clause: int = 0  # its clause's number (see BARE_CONTRASTS): a misconception is made in one


def _lex(text: str, spans: list[tuple[int, int]] | None = None) -> list[tuple[str, str]]:
    """(kind, text) pairs: 'w' a word (contractions opened, hyphens split), 'p' punctuation,
    'j' a hyphenated whole word that comes before its parts.

    Given `spans`, where reading the text moved no character (no formula sign, Greek letter or
    comparison written out as words, no character folded), each pair's place in `text` is
    appended to it: the characters of the token it came from ("doesn't" for "does" and "not").
    Otherwise `spans` stays empty."""
    typed = text[:MAX_CHARS]
    text = CONTROL.sub(" ", typed).translate(FORMULA)
    if "<" in text or ">" in text:
        for pattern, words in _COMPARISONS:
            text = pattern.sub(words, text)
    if "^" in text or "**" in text:
        for pattern, words in _POWERS:
            text = pattern.sub(words, text)
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.translate(GREEK)
    origins = None  # where each character of `text` came from in `typed`, when it moved
    if spans is not None:
        # (a text that reading moved no character of: its own places, the usual case)
        placed = len(text) == len(typed) and text == CONTROL.sub(" ", typed).lower()
        if not placed:
            origins = _origins(typed, text)
            placed = origins is not None
    else:
        placed = False
    out: list[tuple[str, str]] = []
    # each token with its place when places are wanted (findall is quicker without)
    tokens = (
        ((found.group(), _placed(found.span(), origins)) for found in _TOKEN.finditer(text))
        if placed
        else zip(_TOKEN.findall(text), itertools.repeat(None))
    )
    for raw, where in tokens:
        before = len(out)
        if raw[0] == "|":
            out.append(("p", "." if raw.endswith("\n") else ","))
        elif raw.strip() in ("-", "–", "—") or set(raw.strip()) <= set("-–—"):
            out.append(("p", ","))
        elif raw in ".,;:!?()":
            out.append(("p", raw))
        elif raw in SIGNS or _ARROW.fullmatch(raw):
            out.append(("w", SIGNS.get(raw, "so")))
        elif raw in SHORT_FORMS:
            out.extend(("w", part) for part in SHORT_FORMS[raw].split())
        elif any(c in raw for c in "/&-"):  # l1/l2, a/b, mini-batch: separate words
            parts = [
                short
                for part in re.split(r"[/&-]", raw)
                for w in _split_word(part)
                for short in SHORT_FORMS.get(w, w).split()  # (cov/var)
            ]
            if "-" in raw and (any(w in STOPWORDS for w in parts) or parts[0] == "no"):
                # in-experiment, out-of-fold: the whole word too, or "in-" would be lost; and
                # no-regret, whose "no" denies only its own word (see _mark_negation)
                out.append(("j", "".join(parts)))
            out.extend(("w", w) for w in parts)
        else:
            if raw in ("i", "ii") and out and out[-1] == ("w", "type"):
                raw = "1" if raw == "i" else "2"  # type I / type II errors
            out.extend(("w", w) for w in _split_word(raw))
        if where is not None:
            assert spans is not None
            spans += [where] * (len(out) - before)
    return out


def _origins(typed: str, text: str) -> list[tuple[int, int]] | None:
    """For each character of `text` (`typed` as _lex reads it: "p^2" as "p squared", "β" as
    "beta"), the characters of `typed` it came from, so that a quote shows what was typed (a
    word written out for a sign comes from the sign: "squared" from "^2"). The same steps as
    _lex's, each keeping track of where every character came from; None where they do not
    end in `text` (a letter and its accent composed into one character)."""
    origins = [(i, i + 1) for i in range(len(typed))]
    pieces = CONTROL.sub(" ", typed)
    pieces, origins = _traced_chars(pieces, origins, lambda c: c.translate(FORMULA))
    for patterns, signs in ((_COMPARISONS, "<>"), (_POWERS, "^*")):
        if any(sign in pieces for sign in signs):
            for pattern, words in patterns:
                pieces, origins = _traced_sub(pattern, words, pieces, origins)
    pieces, origins = _traced_chars(
        pieces, origins, lambda c: unicodedata.normalize("NFKC", c).lower().translate(GREEK)
    )
    return origins if pieces == text else None


def _traced_chars(
    text: str, origins: list[tuple[int, int]], change: Callable[[str], str]
) -> tuple[str, list[tuple[int, int]]]:
    """`text` with each character changed by `change`, and where each new one came from."""
    out: list[str] = []
    placed: list[tuple[int, int]] = []
    for character, origin in zip(text, origins, strict=True):
        new = change(character)
        out.append(new)
        placed += [origin] * len(new)
    return "".join(out), placed


def _traced_sub(
    pattern: re.Pattern[str], words: str, text: str, origins: list[tuple[int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    """pattern.sub(words, text), and where each character of the result came from (the words
    from the characters they replace)."""
    out: list[str] = []
    placed: list[tuple[int, int]] = []
    done = 0
    for found in pattern.finditer(text):
        start, end = found.span()
        out.append(text[done:start])
        placed += origins[done:start]
        out.append(words)
        placed += [(origins[start][0], origins[end - 1][1])] * len(words)
        done = end
    out.append(text[done:])
    placed += origins[done:]
    return "".join(out), placed


def _placed(span: tuple[int, int], origins: list[tuple[int, int]] | None) -> tuple[int, int]:
    """A token's place in the typed answer, from its place in the text as read."""
    if origins is None:
        return span
    start, end = span
    return origins[start][0], max(origins[start][0], origins[end - 1][1])


def _mark_negation(lexed: list[tuple[str, str]]) -> list[tuple[str, bool, int, int]]:
    """Each word with whether a negation covers it, its sentence number and its clause number
    (see BARE_CONTRASTS)."""
    marked: list[tuple[str, bool, int, int]] = []
    scope = 0
    content_scope = NEGATION_SCOPE  # content words a negation may still reach
    sentence = clause = 0
    opened = False  # the sentence opened with a contrast: its first comma ends a clause
    at_start = True  # no word of this sentence yet
    after_comma = False
    previous = ""
    # "Unlike X, which Y, ...": Y is said of X, not of what the sentence is about. 1: after
    # "unlike", 2: after the comma that ends its phrase, 3: in the "which" clause after it
    compared = 0
    tokens = [*lexed, ("p", ".")]  # a final stop closes the last clause
    words_in = 0  # words of this sentence so far
    segment = 0  # where in `marked` the words since the last punctuation or clause word begin
    # a negation just after a comma ("adjust for confounders, not for mediators or colliders")
    # sets a list of things against what came before: it reaches on through "or"/"and" to the
    # list's next thing (but not to a verb: "..., not bias and lowers variance")
    listed = False
    compound = ""  # the hyphenated whole word whose parts come next (no-regret)
    for index, (kind, text) in enumerate(tokens):
        if kind == "j":  # a hyphenated whole word rides along with its parts
            marked.append(("\x00" + text, False, sentence, clause))
            compound = text
            continue
        # the "no" that opens a hyphenated word ("no-regret work") is part of an adjective:
        # like "non", it denies that word only, not the clause after it
        no_compound = text == "no" and compound.startswith("no") and kind == "w"
        compound = ""
        if kind == "p":
            if previous in ("not", "no") and len(marked) >= 2:
                # "Probably not." / "Bias, no.": a negation that ends its clause negates
                # the word before it
                word, _, where, part = marked[-2]
                marked[-2] = (word, True, where, part)
                if previous == "not" and word in AUXILIARIES:
                    _deny_elided(marked, segment, len(marked) - 3)
            if text in SENTENCE_ENDS:
                sentence += 1
                clause += 1
                opened, at_start, words_in = False, True, 0
            # (not the comma of a number: "1,000 samples are plenty" is one clause)
            after_comma = text == "," and not _thousands(previous, tokens, index + 1)
            if after_comma and (opened or _verb_follows(tokens, index + 1)):
                clause, opened = clause + 1, False
            if text in SENTENCE_ENDS or text in ",:()":
                scope = 0
                listed = False
            compared = 2 if compared == 1 and text == "," else 0
            previous = ""
            segment = len(marked)
            continue
        if compared == 2:
            compared = 0
            if text in ("which", "who", "whose", "where"):
                scope, content_scope, compared = NEGATION_SCOPE + 1, NEGATION_SCOPE, 3
        following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if (
            after_comma and ((text in CONTRASTS and following != "also") or text in COMMA_CLAUSES)
        ) or (text in BARE_CONTRASTS and not at_start):
            clause += 1
        elif words_in < 2 and text in OPENING_CONTRASTS:
            opened = True
        comma_before = after_comma
        at_start = after_comma = False
        words_in += 1
        if (previous, text) in NEGATION_EXCEPTIONS:
            scope = 0  # "not only": no negation after all
            if marked and marked[-1][0] == previous:
                marked[-1] = (previous, False, sentence, clause)
        elif text in CLAUSE_ENDS and (previous, text) not in _NEGATION_GOES_ON:
            if not (listed and scope > 0 and text in ("and", "or") and _noun_follows(following)):
                scope = 0
            if text not in ("and", "or"):  # ("the data version or the commit is unnecessary")
                segment = len(marked) + 1
        said_not_needed = (
            text in NOT_NEEDED
            and previous == "not"
            and len(marked) >= 2
            and marked[-2][0] in COPULAS
        )
        if (text in AFTER_NEGATORS and previous in COPULAS) or said_not_needed:
            for at in range(segment, len(marked)):  # what "is unnecessary" is said of
                word, _, where, part = marked[at]
                marked[at] = (word, True, where, part)
        if (previous, text) in NEGATING_PAIRS:
            scope = NEGATION_SCOPE + 1
        marked.append((text, scope > 0, sentence, clause))
        if scope > 0 and text not in STOPWORDS:
            content_scope -= 1
            if content_scope == 0:
                scope = 0
        if text in NEGATORS:
            content_scope = NEGATION_SCOPE
        if text == "non" or no_compound:
            scope = 2  # non linear: the next word only
        elif text == "unlike":
            scope = 3  # "unlike accuracy it is smooth": only the thing compared with
            compared = 1
        elif text == "without" or (text == "no" and previous == "with"):
            # a preposition: it negates its noun phrase, not the clause after it
            # ("without much data freeze the backbone"), so it reaches two content words;
            # "with no" is "without" ("with no ties it equals the mean precision")
            scope, content_scope = NEGATION_SCOPE + 1, WITHOUT_SCOPE
        elif text in NEGATORS and (previous, text) not in NEGATION_EXCEPTIONS:
            scope = NEGATION_SCOPE + 1
            listed = comma_before
        scope = max(0, scope - 1)
        previous = text
    return marked


def _noun_follows(word: str) -> bool:
    """Whether `word`, after an "or"/"and", goes on a list of things rather than saying what
    something does: no verb this module knows of."""
    return word not in CLAUSE_VERBS and word not in ACTION_VERBS and word not in NOUN_LIKE_VERBS


def _thousands(before: str, tokens: list[tuple[str, str]], start: int) -> bool:
    """Whether a comma after the word `before` separates a number's thousands (1,000)."""
    if not before.isdigit() or start >= len(tokens):
        return False
    kind, text = tokens[start]
    return kind == "w" and len(text) == 3 and text.isdigit()


def _verb_follows(tokens: list[tuple[str, str]], start: int) -> bool:
    """Whether the words from `start` up to the next punctuation hold a verb of their own: a
    clause of its own, not a list going on. A verb of CLAUSE_VERBS anywhere; or, after the
    words that say what does it, an action verb with words after it ("L2 shrinks smoothly,
    L1 sets coefficients to zero"), where a verb that is also a plural noun must be followed
    by neither a conjunction nor a preposition ("sample weights and class weights", "the
    weights of the model" go on a list)."""
    words = []
    ending = ""
    for kind, text in itertools.islice(tokens, start, None):
        if kind == "p":
            ending = text
            break
        if kind == "w":
            words.append(text)
    if any(word in CLAUSE_VERBS for word in words):
        return True
    if words and ending == ":":  # a label and what is said of it ("L1: sparse, L2: smooth")
        return True
    if "so" in words[1:]:  # an arrow after a subject ("bagging -> parallel, boosting -> ...")
        return True
    for word, after in itertools.islice(itertools.pairwise(words), 1, None):
        if word in ACTION_VERBS and after not in _LIST_GOES_ON:
            return True
        if word in NOUN_LIKE_VERBS and after not in _LIST_GOES_ON and after not in _PREPOSITIONS:
            return True
    return False


# verbs that are not also nouns: after a comma and a subject, a clause of its own
ACTION_VERBS = frozenset(
    """serves serve shrinks shrink depends depend relies rely compresses compress minimises
    minimizes minimise minimize maximises maximizes maximise maximize reduces reduce
    increases decreases lowers raises ignores ignore assumes assume requires require produces
    produce generates generate captures capture computes compute learns learn converges
    converge overfits overfit underfits underfit penalises penalizes penalise penalize
    favours favors favour favor normalises normalizes normalise normalize optimises optimizes
    optimise optimize encodes encode decodes decode selects select predicts predict reweights
    reweight upweights upweight downweights downweight builds build searches treats treat
    sees see looks look corrects combines combine assigns assign removes remove prevents
    prevent allows allow lets avoids avoid fails fail breaks includes include excludes
    exclude contains contain represents represent describes describe explains explain finds
    find catches catch detects detect improves improve hurts grows grow slows replaces
    replace affects affect opens blocks""".split()
)
# verbs that are also plural nouns ("logs", "weights"): a clause only when what follows is
# neither a conjunction nor a preposition ("a canary limits the blast radius")
NOUN_LIKE_VERBS = frozenset(
    """logs weights measures limits sets fits draws draw samples tests updates maps runs
    outputs returns splits tracks costs changes checks counts votes averages scales estimates
    controls routes stores flags matches stops starts ends holds covers drops trains""".split()
)
_LIST_GOES_ON = frozenset({"and", "or", "nor"})
_PREPOSITIONS = frozenset(
    "of in for on at from with to by per than into over under across between within".split()
)


@functools.cache
def _expansions() -> dict[tuple[str, ...], str]:
    """Stemmed expansion -> abbreviation, longest first."""
    table = {}
    for short, long in ABBREVIATIONS.items():
        stems = tuple(_stem(w) for w in long.split() if w not in STOPWORDS)
        table[stems] = short
    return dict(sorted(table.items(), key=lambda item: -len(item[0])))


@functools.cache
def _expansions_by_first() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for stems, short in _expansions().items():  # longest first within each list
        index.setdefault(stems[0], []).append((stems, short))
    return index


def _deny_elided(marked: list[tuple[str, bool, int, int]], first: int, last: int) -> None:
    """ "Student's assumes equal variances and Welch's doesn't.": a clause that ends in
    "does not" leaves its claim unsaid, the one said before it; what it denies it of is its
    subject, the words back to the clause's start (a punctuation mark, at `first`, or a word
    that joins clauses; at most ELIDED_SUBJECT content words)."""
    if last < first:
        return
    sentence, content = marked[last][2], 0
    for at in range(last, first - 1, -1):
        word, _, where, part = marked[at]
        if where != sentence or word in CLAUSE_ENDS or content == ELIDED_SUBJECT:
            return
        marked[at] = (word, True, where, part)
        content += word not in STOPWORDS


def _words(
    text: str, literal: bool = False, lexed: list[tuple[str, str]] | None = None
) -> list[_Word]:
    """The content words of a text with their canonical forms, negation and sentence; with
    `literal`, every word as written (for phrases made only of function words). `lexed` is
    `_lex(text)` where the caller has it already; otherwise each word also gets its place in
    the text where it is known (see _lex)."""
    spans: list[tuple[int, int]] = []
    if lexed is None:
        lexed = _lex(text, spans)
    # the place of each word _mark_negation gives (one for each pair but punctuation)
    places = (
        [span for (kind, _), span in zip(lexed, spans, strict=True) if kind != "p"] if spans else []
    )
    words: list[_Word] = []
    joined = ""
    before: list[str] = []
    last_sentence = 0
    cue: tuple[int, int] | None = None  # the place of the last word that negates
    previous, previous_span = "", None
    marked = _mark_negation(lexed)
    for number, (word, negated, sentence, clause) in enumerate(marked):
        span = places[number] if places else None
        if sentence != last_sentence:
            before, last_sentence, cue = [], sentence, None
        if word in NEGATORS:
            cue = span
        elif (previous, word) in NEGATING_PAIRS:
            cue = previous_span  # ("rather than": from "rather")
        previous, previous_span = word, span
        if word.startswith("\x00"):
            joined = word[1:]
            continue
        if literal:
            words.append(_Word(word, {word}, negated, sentence, span=span, cue=cue, clause=clause))
            continue
        # "non" stays a word (non-linear = nonlinear) though it negates what follows
        following = marked[number + 1][0] if number + 1 < len(marked) else ""
        if word in STOPWORDS or (word, following) in HEDGES:
            before.append(word)
            continue
        if word in NEGATORS and word != "non":
            continue
        forms = {_stem(word)}
        if joined:
            forms.add(_stem(joined))
            joined = ""
        if word in ABBREVIATIONS:
            forms.update(_stem(w) for w in ABBREVIATIONS[word].split() if w not in STOPWORDS)
        words.append(
            _Word(word, forms, negated, sentence, frozenset(before), span, cue, clause=clause)
        )
        before = []
    _add_compounds(words)
    return words


def _spelled_out(primary: list[str], start: int, stems: tuple[str, ...]) -> int:
    """Where an abbreviation written out from `start` ends (exclusive), or 0. One extra word
    may sit inside it: "area under the ROC curve" is an AUC."""
    pos, skipped = start, 0
    for stem in stems:
        while pos < len(primary) and primary[pos] != stem and skipped < 1 and pos > start:
            pos, skipped = pos + 1, skipped + 1
        if pos >= len(primary) or primary[pos] != stem:
            return 0
        pos += 1
    return pos


def _add_compounds(words: list[_Word]) -> None:
    """Written-out abbreviations answer to the abbreviation; two words written apart answer to
    the word written together (mini batch -> minibatch)."""
    by_first = _expansions_by_first()
    primary = [next(iter(w.forms)) if len(w.forms) == 1 else _stem(w.surface) for w in words]
    for i in range(len(words)):
        for stems, short in by_first.get(primary[i], ()):
            span = _spelled_out(primary, i, stems)
            if span:
                for w in words[i:span]:
                    if short not in w.forms:
                        w.forms.add(short)
                        w.reach[short] = (i, span - 1)
                break
        after = words[i + 1] if i + 1 < len(words) else None
        # not across a negation ("usage is not success" is no "usagesuccess"), but for the
        # "non" that begins a word written apart (non linear -> nonlinear), nor a clause's end
        if (
            after is not None
            and words[i].clause == after.clause  # (nor across a comma: "words, GloVe")
            and words[i].sentence == after.sentence
            and (
                (words[i].negated == after.negated and words[i].cue == after.cue)
                or words[i].surface == "non"
            )
        ):
            joined = words[i].surface + after.surface
            form = _stem(joined) if len(joined) <= 20 else None
            if form is not None and form not in words[i].forms:
                words[i].forms.add(form)
                words[i].reach[form] = (i, i + 1)


# --------------------------------------------------------------------------------------------
# Compiled phrases


@dataclass(frozen=True)
class _Phrase:
    text: str
    slots: tuple[frozenset[str], ...]  # per word position, the canonical forms it accepts
    spellings: tuple[frozenset[str], ...]  # per word position, the words typos are measured to
    negative: bool  # the phrase itself says "not": made only when the answer negates it
    literal: bool = False  # only function words ("what you did"): matched word for word
    # per word position, the common words among its alternatives ("any" of "arbitrary|any")
    stops: tuple[frozenset[str], ...] = ()
    # common words that must stand just before one of the matched words (or the next one)
    near: tuple[frozenset[str], ...] = ()


# Room for every phrase of the built-in decks (about 7,000) and then some: a smaller cache
# dropped the oldest ones and compiled them again on a pass over the whole bank.
PHRASE_CACHE = 16_384


# (cached: phrases share most of their words, "gradient" and "variance" in hundreds of them;
# a pass over the bank compiles 23,000 word positions of 10,000 kinds)
@functools.lru_cache(maxsize=PHRASE_CACHE)
def _phrase_slot(
    alternatives: str,
) -> tuple[frozenset[str], frozenset[str], bool, frozenset[str]]:
    """One word position: the canonical forms it accepts, the spellings typos are measured
    against, whether it is a pure negator ("not", "without"), and its alternatives that are
    single common words ("any" of "arbitrary|any")."""
    forms: set[str] = set()
    spellings: set[str] = set()
    stops: set[str] = set()
    negator = False
    for alt in alternatives.split("|"):
        lexed = _lex(alt)
        words = [w for kind, w in lexed if kind == "w"]
        if not words:
            continue
        if all(w in NEGATORS for w in words) or (len(words) == 2 and words[1] == "not"):
            negator = True
            continue
        content = [w for w in words if w not in STOPWORDS]
        if not content:
            stops.update(words)
            continue
        if "-" in alt and len(content) < len(words):  # in-experiment: the whole word
            forms.add(_stem("".join(words)))
            continue
        if len(content) > 1:  # mini-batch: the word written together
            forms.add(_stem("".join(content)))
            continue
        for word in _words(alt, lexed=lexed):
            # An abbreviation stands for itself here (the answer's written-out form answers to
            # it); its expansion's words would let "fn" match any "false".
            forms.update({_stem(word.surface)} if word.surface in ABBREVIATIONS else word.forms)
            spellings.add(_spell(word.surface))
    negator = negator and not forms
    return (
        frozenset(forms),
        frozenset(spellings),
        negator,
        frozenset(stops) if forms else frozenset(),
    )


@functools.lru_cache(maxsize=PHRASE_CACHE)
def _compile_phrase(text: str) -> _Phrase:
    slots: list[frozenset[str]] = []
    spellings: list[frozenset[str]] = []
    stops: list[frozenset[str]] = []
    negative = False
    for token in _phrase_tokens(text):
        forms, spelled, is_negator, common = _phrase_slot(token)
        if is_negator:
            negative = True
        elif forms:
            slots.append(forms)
            spellings.append(spelled)
            stops.append(common)
    # a written-out abbreviation in a phrase is one slot: "principal component analysis" = "pca"
    singles = [next(iter(s)) if len(s) == 1 else None for s in slots]
    for stems, short in _expansions().items():
        if stems[0] not in singles:  # (most phrases hold no abbreviation's first word)
            continue
        n = len(stems)
        for i in range(len(slots) - n + 1):
            if tuple(singles[i : i + n]) == stems:
                slots[i : i + n] = [frozenset({short})]
                spellings[i : i + n] = [frozenset()]
                stops[i : i + n] = [frozenset()]
                singles[i : i + n] = [short]
    if not slots and not negative:  # no content word at all: match the words as written
        literal = [
            frozenset(w for alt in token.split("|") for kind, w in _lex(alt) if kind == "w")
            for token in text.split()
        ]
        literal = [forms for forms in literal if forms]
        return _Phrase(text, tuple(literal), tuple(frozenset() for _ in literal), False, True)
    return _Phrase(text, tuple(slots), tuple(spellings), negative, stops=tuple(stops))


def _phrase_tokens(text: str) -> list[str]:
    """A phrase's word positions. An identifier (min_samples_leaf) is its words, as the
    answer's tokenizer reads it; a "no-" word (no-regret) is its "no" and its word (or the
    whole word), as an answer's "no-regret" denies its own word (see _mark_negation)."""
    parts = [
        part
        for token in text.split()
        for part in (token.split("_") if "|" not in token else [token])
        if part
    ]
    out = []
    for part in parts:
        head, dash, rest = part.partition("-")
        if head == "no" and dash and rest and "|" not in part:
            out += ["no", f"{rest}|{rest.replace('-', '')}"]
        else:
            out.append(part)
    return out


@functools.lru_cache(maxsize=PHRASE_CACHE)
def _phrase_variants(text: str) -> tuple[_Phrase, ...]:
    """A phrase and, for two words written apart, the same words written together: the phrase
    "mini batch" also finds "minibatches"."""
    phrase = _compile_phrase(text)
    variants = [phrase]
    for i, common in enumerate(phrase.stops):
        # "arbitrary|any shape": "any" is a common word answers drop, so this position is
        # made by "any" standing next to the rest of the phrase
        if common and len(phrase.slots) > 1:
            variants.append(
                _Phrase(
                    text,
                    phrase.slots[:i] + phrase.slots[i + 1 :],
                    phrase.spellings[:i] + phrase.spellings[i + 1 :],
                    phrase.negative,
                    near=(common,),
                )
            )
    for i in range(len(phrase.slots) - 1):
        left, right = phrase.spellings[i], phrase.spellings[i + 1]
        if len(left) == 1 and len(right) == 1:
            joined = next(iter(left)) + next(iter(right))
            variants.append(
                _Phrase(
                    text,
                    (*phrase.slots[:i], frozenset({_stem(joined)}), *phrase.slots[i + 2 :]),
                    # exact only: a typo allowance on a joined word swallows a whole word
                    (*phrase.spellings[:i], frozenset(), *phrase.spellings[i + 2 :]),
                    phrase.negative,
                )
            )
    return tuple(variants)


# --------------------------------------------------------------------------------------------
# Matching


@functools.cache
def _confusable_forms() -> frozenset[frozenset[str]]:
    """CONFUSABLE's pairs as spelled and as stemmed (typos are measured to both)."""
    pairs = set()
    for left, right in CONFUSABLE:
        pairs.add(frozenset({_spell(left), _spell(right)}))
        pairs.add(frozenset({_stem(left), _stem(right)}))
    return frozenset(pairs)


def _confusable(word: str, other: str) -> bool:
    return frozenset({word, other}) in _confusable_forms()


def _rejecting_sentences(words: list[_Word]) -> frozenset[int]:
    """The sentences that name a claim in order to reject it (see REJECTING)."""
    found = set()
    for i, word in enumerate(words):
        surface = word.surface
        earlier = words[i - 1].surface if i and words[i - 1].sentence == word.sentence else ""
        if (
            surface in REJECTING
            or (surface in MISTAKES and (word.before & MISTAKE_OPENERS or earlier in MISTAKE_KINDS))
            or (surface in VERDICTS and word.before & VERDICT_SUBJECTS)
        ):
            found.add(word.sentence)
    return frozenset(found)


def _reporting_verbs(words: list[_Word]) -> tuple[int, ...]:
    """The words that report others' claims (see CLAIMING), by number."""
    found = []
    for i, word in enumerate(words):
        if word.surface not in CLAIMING:
            continue
        before = words[i - 1] if i and words[i - 1].sentence == word.sentence else None
        earlier = before.surface if before else ""
        if (word.before | (before.before if before else frozenset())) & FIRST_PERSON:
            continue  # "I often say ...": a claim made
        if (
            word.before & REPORTERS
            or earlier in REPORTERS
            or earlier in MISTAKE_KINDS  # "a common claim is that ..."
            or (
                before is not None
                and earlier in REPORTING_ADVERBS
                and before.before & (IMPERSONAL | REPORTERS)
            )
            or (earlier in REPORTING_ADVERBS and i > 1 and words[i - 2].surface in REPORTERS)
        ):
            found.append(i)
    return tuple(found)


def _reported(view: _Answer, first: int) -> bool:
    """Whether the claim whose first word is `first` follows a reporting verb of its sentence
    with no comma, semicolon or colon between (see CLAIMING)."""
    word = view.words[first]
    for verb in view.reporting:
        said = view.words[verb]
        if verb >= first or said.sentence != word.sentence:
            continue
        if said.span is None or word.span is None:
            return True
        if not any(mark in view.text[said.span[1] : word.span[0]] for mark in ",;:"):
            return True
    return False


class _Answer:
    """An answer prepared once for every phrase of a card."""

    def __init__(self, text: str, literal: bool = False) -> None:
        self.text = text
        self._literal: _Answer | None = None
        self.words = _words(text, literal)
        self.positions: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            for form in word.forms:
                self.positions.setdefault(form, []).append(i)
        self.spelled: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            self.spelled.setdefault(_spell(word.surface), []).append(i)
        self.vocabulary = [w for w in self.spelled if len(w) >= 5]
        # stems too: a typo in an inflected word ("redcues") is close to the stem ("reduc")
        self.stems = [f for f in self.positions if len(f) >= 5 and f.isalpha()]
        self._fuzzy: dict[str, list[int]] = {}
        self.rejecting = _rejecting_sentences(self.words)
        self.reporting = _reporting_verbs(self.words)

    def where(self, forms: frozenset[str], spellings: frozenset[str]) -> set[int]:
        """Positions that answer to a slot: same canonical form, or a small typo of a word."""
        found = {p for form in forms for p in self.positions.get(form, ())}
        if found:  # typos are looked for only when the word is not there as written
            return found
        for word in spellings:
            if len(word) >= 5:
                found.update(self._typos(word, self.vocabulary, self.spelled))
        for form in forms:
            if len(form) >= 5 and form.isalpha():  # only swapped letters: general != generat
                found.update(self._typos(form, self.stems, self.positions, swaps=True))
        return found

    def _typos(
        self, word: str, vocabulary: list[str], index: dict[str, list[int]], swaps: bool = False
    ) -> list[int]:
        key = f"{swaps}:{word}"
        if key not in self._fuzzy:
            allowed = 1 if len(word) < 10 else 2
            found: list[int] = []
            for other, distance, _ in fuzzy_extract(
                word, vocabulary, scorer=OSA.distance, score_cutoff=allowed, limit=None
            ):
                # A typo keeps the first letter: a prefix (in-, de-, un-) changes the meaning.
                # Two edits only in long words that start alike: minimize is not maximize.
                if other[0] != word[0] or (distance > 1 and other[:3] != word[:3]):
                    continue
                if _confusable(word, other):
                    continue
                if not swaps or sorted(other) == sorted(word):
                    found.extend(index[other])
            self._fuzzy[key] = found
        return self._fuzzy[key]

    def find(
        self, text: str, one_clause: bool = False, spent: frozenset[int] = frozenset()
    ) -> tuple[_Phrase, list[int], _Answer] | None:
        """The phrase (or its written-together variant), the positions that make it, and the
        view of the answer they index (the literal view for a phrase of function words);
        with `one_clause`, all in one clause (a claim), not only in one sentence; none of the
        `spent` positions (of this view) used."""
        for phrase in _phrase_variants(text):
            view = self.literal_view() if phrase.literal else self
            positions = view.find_phrase(phrase, one_clause, spent if view is self else frozenset())
            if positions is not None:
                return phrase, positions, view
        return None

    def literal_view(self) -> _Answer:
        if self._literal is None:
            self._literal = _Answer(self.text, literal=True)
        return self._literal

    def find_phrase(
        self, phrase: _Phrase, one_clause: bool = False, spent: frozenset[int] = frozenset()
    ) -> list[int] | None:
        """The answer positions that make the phrase (none of them `spent`), or None."""
        if not phrase.slots or not self.words:
            return None
        hits_by_slot: list[list[int]] = []
        for forms, spellings in zip(phrase.slots, phrase.spellings, strict=True):
            hits = self.where(forms, spellings) - spent
            if not hits:
                return None
            hits_by_slot.append(sorted(hits))
        limit = len(phrase.slots) - 1 + WINDOW_SLACK
        # Every window that starts at a hit; inside it, every way of giving each phrase word
        # its own answer word (an alternative may overlap a neighbouring word: "log loss|logloss"
        # sees "logloss" on "log" too, so a greedy pick would lose the phrase's own wording).
        for start in sorted({p for hits in hits_by_slot for p in hits}):
            window = [
                hits[bisect_left(hits, start) : bisect_right(hits, start + limit)]
                for hits in hits_by_slot
            ]
            if not all(window):
                continue
            chosen = self._pick(window, phrase, one_clause)
            if chosen is not None:
                return chosen
        return None

    def _pick(self, window: list[list[int]], phrase: _Phrase, one_clause: bool) -> list[int] | None:
        """One distinct answer word per phrase word ("one by one" needs two "one"s), all in
        one sentence (or clause), not negated unless the phrase is; slots with fewer candidates
        choose first, and a choice that leads nowhere is taken back (phrases are a few words)."""
        unit = operator.attrgetter("clause" if one_clause else "sentence")
        order = sorted(range(len(window)), key=lambda s: len(window[s]))
        used: list[int] = []
        tries = [0]

        def extend(k: int) -> list[int] | None:
            if k == len(order):
                positions = sorted(used)
                return positions if self._fits(positions, phrase) else None
            for pos in window[order[k]]:
                tries[0] += 1
                if tries[0] > 2000 or pos in used:
                    continue
                if used and unit(self.words[pos]) != unit(self.words[used[0]]):
                    continue
                used.append(pos)
                found = extend(k + 1)
                used.pop()
                if found is not None:
                    return found
            return None

        return extend(0)

    def _fits(self, positions: list[int], phrase: _Phrase) -> bool:
        if not self._holds(positions, phrase):
            return False
        sentence = self.words[positions[0]].sentence
        nearby = [
            self.words[p].before
            for p in range(positions[0], min(positions[-1] + 2, len(self.words)))
            if self.words[p].sentence == sentence
        ]
        return all(any(common & before for before in nearby) for common in phrase.near)

    def _holds(self, positions: list[int], phrase: _Phrase) -> bool:
        negated = any(self.words[p].negated for p in positions)
        return negated == phrase.negative

    def quote(self, positions: Sequence[int], phrase: _Phrase | None = None) -> str:
        """What the answer says from the first of these words to the last, as typed, from the
        word that negates them where one does ("not change the bias" for "change" and
        "bias"); where their places are not known, the words themselves ("change bias")."""
        words = [self.words[p] for p in positions]
        spans = [w.span for w in words]
        if not words or None in spans:
            return " ".join(w.surface for w in words)
        start, end = min(s[0] for s in spans if s), max(s[1] for s in spans if s)
        # a form made of several words is quoted whole ("area under the ROC curve" for AUC)
        for word in words:
            for form, (first, last) in word.reach.items():
                if phrase is not None and any(form in slot for slot in phrase.slots):
                    ends = (self.words[first].span, self.words[last].span)
                    if ends[0] is not None and ends[1] is not None:
                        start, end = min(start, ends[0][0]), max(end, ends[1][1])
        for word in words:
            # the negation's own word, if it stands just before, in the same clause
            cue = word.cue if word.negated else None
            if (
                cue is not None
                and cue[0] < start
                and not _CLAUSE_BREAK.search(self.text, cue[1], start)
            ):
                start = cue[0]
        # (without control or bidirectional-override characters: the answer's own are not
        # sent back to the terminal)
        return " ".join(UNSHOWABLE.sub(" ", self.text[start:end]).split())


# --------------------------------------------------------------------------------------------
# Grading


@dataclass(frozen=True)
class PointCheck:
    """One keypoint: made or not, and the answer's words that made it."""

    point: str
    covered: bool
    matched: str = ""
    credit: float = 0.0  # 1 made, RESTATED_CREDIT made only with the question's words, 0


@dataclass(frozen=True)
class MisconceptionHit:
    claim: str
    correction: str
    matched: str


@dataclass(frozen=True)
class Grading:
    card: str
    score: float  # 0..1
    suggested: Grade
    points: tuple[PointCheck, ...]
    misconceptions: tuple[MisconceptionHit, ...]

    @property
    def covered(self) -> tuple[PointCheck, ...]:
        return tuple(p for p in self.points if p.covered)

    @property
    def missed(self) -> tuple[PointCheck, ...]:
        return tuple(p for p in self.points if not p.covered)

    @property
    def nothing_found(self) -> bool:
        """Whether the answer's words touched no keypoint and no misconception at all (an
        answer in another language, or in words no phrase foresaw, as well as a wrong one)."""
        return not self.misconceptions and not any(p.covered or p.matched for p in self.points)

    def to_dict(self) -> dict[str, object]:
        return {
            "card": self.card,
            "score": round(self.score, 3),
            "suggested": self.suggested.name.lower(),
            "covered": [{"point": p.point, "matched": p.matched} for p in self.covered],
            "missed": [{"point": p.point} for p in self.missed],
            "misconceptions": [
                {"claim": m.claim, "correction": m.correction, "matched": m.matched}
                for m in self.misconceptions
            ],
        }


def can_grade(card: Card) -> bool:
    return bool(card.keypoints)


@functools.lru_cache(maxsize=4096)
def _question_forms(question: str) -> frozenset[str]:
    return frozenset(f for w in _words(question) for f in w.forms)


def _check_point(
    answer: _Answer,
    keypoint: Keypoint,
    question: frozenset[str],
    spent: frozenset[int] = frozenset(),
) -> tuple[PointCheck, list[list[int]]]:
    """A keypoint's verdict, and every phrase match found (for weighing misconceptions); the
    `spent` words (which state a misconception) make no keypoint."""
    best: PointCheck | None = None
    found: list[list[int]] = []
    for text in keypoint.match:
        result = answer.find(text, spent=spent)
        if result is None:
            continue
        phrase, positions, view = result
        if view is answer:  # literal matches index another view: not used for weighing
            found.append(positions)
        new = any(not (view.words[p].forms & question) for p in positions)
        credit = 1.0 if new or phrase.negative else RESTATED_CREDIT
        if best is None or credit > best.credit:
            best = PointCheck(keypoint.point, credit >= 1.0, view.quote(positions, phrase), credit)
    return best or PointCheck(keypoint.point, False), found


def _check_misconception(
    answer: _Answer, item: Misconception, made: Sequence[list[int]]
) -> tuple[MisconceptionHit, list[int]] | None:
    """The misconception if the answer states it, with the words of the answer that do (none
    where they index its literal view)."""
    for text in item.match:
        result = answer.find(text, one_clause=True)
        if result is None:
            continue
        phrase, positions, view = result
        if view is answer and _outweighed(positions, made):
            continue
        if view.words[positions[0]].sentence in answer.rejecting:
            continue  # named to be rejected ("a common mistake is to ...")
        if _reported(view, positions[0]):
            continue  # reported as others' ("some people think that ...")
        hit = MisconceptionHit(item.claim, item.correction, view.quote(positions, phrase))
        return hit, positions if view is answer else []
    return None


def _outweighed(positions: list[int], made: Sequence[list[int]]) -> bool:
    """A misconception whose every word belongs to tighter keypoint matches is not stated: in
    "lowers variance and bias stays the same", "lowers" belongs to "lowers variance" and "bias"
    to "bias stays the same", so "lowers ... bias" is no claim."""
    span = positions[-1] - positions[0]
    explained: set[int] = set()
    for other in made:
        if other[-1] - other[0] <= span and set(other) & set(positions):
            explained.update(other)
    return explained >= set(positions)


def suggest(score: float, misconception: bool) -> Grade:
    if misconception or score < AGAIN_BELOW:
        return Grade.AGAIN
    if score < GOOD_FROM - 1e-9:  # (a sum of credits, such as 0.8 from four fifths)
        return Grade.HARD
    return Grade.GOOD


def grade_answer(card: Card, answer: str) -> Grading:
    """Check an answer against the card's keypoints and misconceptions."""
    prepared = _Answer(answer)
    question = _question_forms(card.q)
    checked = [_check_point(prepared, k, question) for k in card.keypoints]
    points = tuple(check for check, _ in checked)
    made = [positions for _, found in checked for positions in found]
    stated = [
        found
        for m in card.misconceptions
        if (found := _check_misconception(prepared, m, made)) is not None
    ]
    hits = tuple(hit for hit, _ in stated)
    spent = frozenset(position for _, positions in stated for position in positions)
    if spent:  # words that state a misconception make no keypoint ("reduces bias and variance"
        # does not say that bagging leaves bias unchanged)
        points = tuple(_check_point(prepared, k, question, spent)[0] for k in card.keypoints)
    score = sum(p.credit for p in points) / len(points) if points else 0.0
    if hits:
        score /= 2  # a stated misconception outweighs the points around it
    return Grading(card.id, score, suggest(score, bool(hits)), points, hits)


# said where an answer's words touch no keypoint: a right answer in another language, or in
# words no phrase foresaw, scores 0 too, and the checklist alone would call it all missed
NOTHING_FOUND = (
    "No keypoint found in these words. The checker reads English wordings: if you said it "
    "another way, judge by the reference answer."
)


def checklist_lines(grading: Grading, width: int | None = 80) -> list[str]:
    """The grading as plain text lines: each keypoint made (with the words that made it) or
    missed, then any misconception with its correction; wrapped to `width`, or (None) one
    line each, for a display to wrap to its own width."""
    lines = [f"Score {grading.score:.2f}, suggested grade: {grading.suggested.label}"]
    if grading.nothing_found and grading.points:
        lines += hang(NOTHING_FOUND, width, "", "")
    for check in grading.points:
        lines += hang(check.point, width, "  [x] " if check.covered else "  [ ] ")
        if check.covered:
            lines += hang(f'you said: "{check.matched}"', width, "      ")
        elif check.matched:  # made only with the question's own words
            lines += hang(f'only restates the question: "{check.matched}"', width, "      ")
    for hit in grading.misconceptions:
        lines += hang(f"Misconception: {hit.claim}", width, "  [!] ")
        lines += hang(f'you said: "{hit.matched}"', width, "      ")
        lines += hang(hit.correction, width, "      ")
    return lines
