"""Independent implementations of every drill: GOOD ones the tests must accept and BAD ones
(realistic mistakes, each named) they must reject. Written apart from the references, in the
styles people use in interviews."""

IMPORT = "import numpy as np\n"

GOOD: dict[str, list[str]] = {}
BAD: dict[str, dict[str, str]] = {}


def good(card_id: str, source: str) -> None:
    GOOD.setdefault(card_id, []).append(IMPORT + source)


def bad(card_id: str, name: str, source: str) -> None:
    BAD.setdefault(card_id, {})[name] = IMPORT + source


# -- softmax and friends ----------------------------------------------------------------
good(
    "coding-softmax",
    """
def softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return np.exp(shifted) / np.exp(shifted).sum(axis=axis, keepdims=True)
""",
)
good(
    "coding-softmax",
    """
def softmax(x, axis=-1):
    lse = np.max(x, axis=axis, keepdims=True)
    lse = lse + np.log(np.sum(np.exp(x - lse), axis=axis, keepdims=True))
    return np.exp(x - lse)
""",
)
bad(
    "coding-softmax",
    "unstable (no max shift)",
    """
def softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)
""",
)
bad(
    "coding-softmax",
    "ignores axis",
    """
def softmax(x, axis=-1):
    e = np.exp(x - x.max())
    return e / e.sum(axis=-1, keepdims=True)
""",
)
bad(
    "coding-softmax",
    "max over all elements",
    """
def softmax(x, axis=-1):
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=axis, keepdims=True)
""",
)

good(
    "coding-log-softmax",
    """
def log_softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))
""",
)
bad(
    "coding-log-softmax",
    "log of softmax",
    """
def log_softmax(x, axis=-1):
    z = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return np.log(e / e.sum(axis=axis, keepdims=True))
""",
)
bad(
    "coding-log-softmax",
    "no max shift",
    """
def log_softmax(x, axis=-1):
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))
""",
)

good(
    "coding-sigmoid",
    """
def sigmoid(x):
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out
""",
)
good(
    "coding-sigmoid",
    """
def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))
""",
)
bad(
    "coding-sigmoid",
    "naive exp overflows",
    """
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
""",
)
bad(
    "coding-sigmoid",
    "np.where evaluates both branches",
    """
def sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
""",
)

good(
    "coding-bce",
    """
def binary_cross_entropy(y_true, p, eps=1e-12):
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log1p(-p)))
""",
)
bad(
    "coding-bce",
    "no clipping",
    """
def binary_cross_entropy(y_true, p, eps=1e-12):
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
""",
)
bad(
    "coding-bce",
    "sum instead of mean",
    """
def binary_cross_entropy(y_true, p, eps=1e-12):
    p = np.clip(p, eps, 1 - eps)
    return float(-np.sum(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
""",
)
bad(
    "coding-bce",
    "adds eps inside the log only",
    """
def binary_cross_entropy(y_true, p, eps=1e-12):
    return float(-np.mean(y_true * np.log(p + eps) + (1 - y_true) * np.log(1 - p + eps)))
""",
)

good(
    "coding-ce-logits",
    """
def cross_entropy_from_logits(logits, y):
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(len(y)), y]))
""",
)
bad(
    "coding-ce-logits",
    "log of softmax underflows",
    """
def cross_entropy_from_logits(logits, y):
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(y)), y])))
""",
)
bad(
    "coding-ce-logits",
    "sum instead of mean",
    """
def cross_entropy_from_logits(logits, y):
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.sum(lse - logits[np.arange(len(y)), y]))
""",
)

good(
    "coding-ce-grad",
    """
def cross_entropy_grad(logits, y):
    n, k = logits.shape
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = z / z.sum(axis=1, keepdims=True)
    return (p - np.eye(k)[y]) / n
""",
)
bad(
    "coding-ce-grad",
    "forgets 1/n",
    """
def cross_entropy_grad(logits, y):
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = z / z.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return p
""",
)
bad(
    "coding-ce-grad",
    "one_hot - softmax (sign flipped)",
    """
def cross_entropy_grad(logits, y):
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = z / z.sum(axis=1, keepdims=True)
    return (np.eye(logits.shape[1])[y] - p) / len(y)
""",
)

# -- ranking metrics ----------------------------------------------------------------------
good(
    "coding-roc-auc",
    """
def roc_auc(y_true, scores):
    pos = scores[y_true == 1]
    neg = scores[y_true == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return wins / (len(pos) * len(neg))
""",
)
good(
    "coding-roc-auc",
    """
def roc_auc(y_true, scores):
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], y_true[order]
    idx = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
    tps = np.cumsum(y)[idx]
    fps = idx + 1 - tps
    tpr = np.r_[0, tps] / tps[-1]
    fpr = np.r_[0, fps] / fps[-1]
    return float(np.trapezoid(tpr, fpr))
""",
)
bad(
    "coding-roc-auc",
    "ties count as wins",
    """
def roc_auc(y_true, scores):
    pos = scores[y_true == 1]
    neg = scores[y_true == 0]
    return (pos[:, None] >= neg[None, :]).mean()
""",
)
bad(
    "coding-roc-auc",
    "ties count as losses",
    """
def roc_auc(y_true, scores):
    pos = scores[y_true == 1]
    neg = scores[y_true == 0]
    return (pos[:, None] > neg[None, :]).mean()
""",
)
bad(
    "coding-roc-auc",
    "ranks without averaging ties",
    """
def roc_auc(y_true, scores):
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores)] = np.arange(1, len(scores) + 1)
    n1 = y_true.sum()
    n0 = len(y_true) - n1
    return (ranks[y_true == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)
""",
)

good(
    "coding-average-precision",
    """
def average_precision(y_true, scores):
    ap = 0.0
    n_pos = np.sum(y_true == 1)
    prev_recall = 0.0
    for t in sorted(set(scores.tolist()), reverse=True):
        pred = scores >= t
        tp = np.sum(pred & (y_true == 1))
        precision = tp / pred.sum()
        recall = tp / n_pos
        ap += (recall - prev_recall) * precision
        prev_recall = recall
    return ap
""",
)
bad(
    "coding-average-precision",
    "ties broken by order, not grouped",
    """
def average_precision(y_true, scores):
    order = np.argsort(-scores, kind="stable")
    y = y_true[order]
    hits = np.cumsum(y)
    precision = hits / np.arange(1, len(y) + 1)
    return float(np.sum(precision * y) / y.sum())
""",
)
bad(
    "coding-average-precision",
    "trapezoid (interpolated) area",
    """
def average_precision(y_true, scores):
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], y_true[order]
    idx = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
    tps = np.cumsum(y)[idx]
    precision = tps / (idx + 1)
    recall = tps / tps[-1]
    return float(np.trapezoid(np.r_[1, precision], np.r_[0, recall]))
""",
)

good(
    "coding-precision-at-k",
    """
def precision_at_k(relevant, ranked, k):
    return len([r for r in ranked[:k] if r in relevant]) / k
""",
)
bad(
    "coding-precision-at-k",
    "divides by the list length",
    """
def precision_at_k(relevant, ranked, k):
    top = ranked[:k]
    return len([r for r in top if r in relevant]) / len(top)
""",
)
bad(
    "coding-precision-at-k",
    "off by one (first k+1)",
    """
def precision_at_k(relevant, ranked, k):
    return len([r for r in ranked[:k + 1] if r in relevant]) / k
""",
)

good(
    "coding-ndcg",
    """
def ndcg_at_k(relevance, k):
    rel = np.asarray(relevance, dtype=float)
    def dcg(r):
        r = r[:k]
        return np.sum(r / np.log2(np.arange(2, r.size + 2)))
    ideal = dcg(np.sort(rel)[::-1])
    return 0.0 if ideal == 0 else dcg(rel) / ideal
""",
)
bad(
    "coding-ndcg",
    "ideal from the top k only",
    """
def ndcg_at_k(relevance, k):
    rel = np.asarray(relevance, dtype=float)[:k]
    disc = np.log2(np.arange(2, rel.size + 2))
    ideal = np.sum(np.sort(rel)[::-1] / disc)
    return 0.0 if ideal == 0 else np.sum(rel / disc) / ideal
""",
)
bad(
    "coding-ndcg",
    "log2(i) discount from i = 1",
    """
def ndcg_at_k(relevance, k):
    rel = np.asarray(relevance, dtype=float)
    disc = np.log2(np.arange(1, rel.size + 1) + 1.0)
    disc[0] = 1.0
    disc[1:] = np.log2(np.arange(2, rel.size + 1))
    ideal = np.sum((np.sort(rel)[::-1] / disc)[:k])
    return 0.0 if ideal == 0 else np.sum((rel / disc)[:k]) / ideal
""",
)

good(
    "coding-f1",
    """
def f1_score(y_true, y_pred):
    tp = np.sum((y_true == 1) & (y_pred == 1))
    if tp == 0:
        return 0.0
    precision = tp / np.sum(y_pred == 1)
    recall = tp / np.sum(y_true == 1)
    return 2 * precision * recall / (precision + recall)
""",
)
bad(
    "coding-f1",
    "divides by zero without true positives",
    """
def f1_score(y_true, y_pred):
    tp = np.sum((y_true == 1) & (y_pred == 1))
    precision = tp / np.sum(y_pred == 1)
    recall = tp / np.sum(y_true == 1)
    return 2 * precision * recall / (precision + recall)
""",
)
bad(
    "coding-f1",
    "accuracy instead of F1",
    """
def f1_score(y_true, y_pred):
    if np.sum((y_true == 1) & (y_pred == 1)) == 0:
        return 0.0
    return float(np.mean(y_true == y_pred))
""",
)

# -- trees --------------------------------------------------------------------------------
good(
    "coding-gini",
    """
from collections import Counter
def gini_impurity(labels):
    n = len(labels)
    return 1.0 - sum((c / n) ** 2 for c in Counter(labels).values())
""",
)
bad(
    "coding-gini",
    "np.unique breaks on tuple labels",
    """
def gini_impurity(labels):
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    return 1 - np.sum(p ** 2)
""",
)
bad(
    "coding-gini",
    "sum of p(1-p) over two classes only",
    """
from collections import Counter
def gini_impurity(labels):
    counts = sorted(Counter(labels).values(), reverse=True)[:2]
    p = counts[0] / len(labels)
    return 2 * p * (1 - p)
""",
)

good(
    "coding-entropy",
    """
import math
from collections import Counter
def entropy_bits(labels):
    n = len(labels)
    return -sum(c / n * math.log2(c / n) for c in Counter(labels).values())
""",
)
bad(
    "coding-entropy",
    "natural log",
    """
import math
from collections import Counter
def entropy_bits(labels):
    n = len(labels)
    return -sum(c / n * math.log(c / n) for c in Counter(labels).values())
""",
)
bad(
    "coding-entropy",
    "np.unique on hashable labels",
    """
def entropy_bits(labels):
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log2(p)))
""",
)

good(
    "coding-info-gain",
    """
import math
from collections import Counter
def _h(labels):
    n = len(labels)
    return -sum(c / n * math.log2(c / n) for c in Counter(list(labels)).values()) if n else 0.0
def information_gain(parent, left, right):
    n = len(parent)
    return _h(parent) - len(left) / n * _h(left) - len(right) / n * _h(right)
""",
)
bad(
    "coding-info-gain",
    "unweighted children",
    """
import math
from collections import Counter
def _h(labels):
    n = len(labels)
    return -sum(c / n * math.log2(c / n) for c in Counter(list(labels)).values()) if n else 0.0
def information_gain(parent, left, right):
    return _h(parent) - (_h(left) + _h(right)) / 2
""",
)
bad(
    "coding-info-gain",
    "empty child crashes",
    """
import math
from collections import Counter
def _h(labels):
    n = len(labels)
    return -sum(c / n * math.log2(c / n) for c in Counter(list(labels)).values()) / n * n
def information_gain(parent, left, right):
    n = len(parent)
    return _h(parent) - len(left) / n * _h(left) - len(right) / n * _h(right) + 0 * (1 / len(left))
""",
)

good(
    "coding-best-split",
    """
def best_threshold(x, y):
    xs = np.unique(x)
    if xs.size < 2:
        return None, 0.0
    def gini(labels):
        if len(labels) == 0:
            return 0.0
        p = np.mean(labels)
        return 1 - p ** 2 - (1 - p) ** 2
    n = len(y)
    base = gini(y)
    best = (None, -np.inf)
    for t in (xs[:-1] + xs[1:]) / 2:
        left, right = y[x <= t], y[x > t]
        gain = base - len(left) / n * gini(left) - len(right) / n * gini(right)
        if gain > best[1] + 1e-12:
            best = (float(t), gain)
    return best[0], max(0.0, float(best[1]))
""",
)
bad(
    "coding-best-split",
    "thresholds at data points",
    """
def best_threshold(x, y):
    xs = np.unique(x)
    if xs.size < 2:
        return None, 0.0
    def gini(labels):
        if len(labels) == 0:
            return 0.0
        p = np.mean(labels)
        return 1 - p ** 2 - (1 - p) ** 2
    n = len(y)
    best = (None, -1.0)
    for t in xs[:-1]:
        left, right = y[x <= t], y[x > t]
        gain = gini(y) - len(left) / n * gini(left) - len(right) / n * gini(right)
        if gain > best[1] + 1e-12:
            best = (float(t), gain)
    return best
""",
)
bad(
    "coding-best-split",
    "last of tied thresholds",
    """
def best_threshold(x, y):
    xs = np.unique(x)
    if xs.size < 2:
        return None, 0.0
    def gini(labels):
        p = np.mean(labels)
        return 1 - p ** 2 - (1 - p) ** 2
    n = len(y)
    best = (None, -1.0)
    for t in (xs[:-1] + xs[1:]) / 2:
        left, right = y[x <= t], y[x > t]
        gain = gini(y) - len(left) / n * gini(left) - len(right) / n * gini(right)
        if gain >= best[1] - 1e-12:
            best = (float(t), gain)
    return best
""",
)

# -- distances and neighbours -----------------------------------------------------------------
good(
    "coding-kmeans-step",
    """
def kmeans_step(X, centroids):
    d = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    labels = d.argmin(axis=1)
    new = centroids.copy()
    for j in range(len(centroids)):
        if np.any(labels == j):
            new[j] = X[labels == j].mean(axis=0)
    return labels, new
""",
)
bad(
    "coding-kmeans-step",
    "empty cluster becomes NaN",
    """
def kmeans_step(X, centroids):
    d = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    labels = d.argmin(axis=1)
    new = np.array([X[labels == j].mean(axis=0) for j in range(len(centroids))])
    return labels, new
""",
)
bad(
    "coding-kmeans-step",
    "updates centroids in place",
    """
def kmeans_step(X, centroids):
    d = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    labels = d.argmin(axis=1)
    for j in range(len(centroids)):
        if np.any(labels == j):
            centroids[j] = X[labels == j].mean(axis=0)
    return labels, centroids
""",
)
bad(
    "coding-kmeans-step",
    "ties to the highest index",
    """
def kmeans_step(X, centroids):
    d = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    k = len(centroids)
    labels = k - 1 - d[:, ::-1].argmin(axis=1)
    new = centroids.copy()
    for j in range(k):
        if np.any(labels == j):
            new[j] = X[labels == j].mean(axis=0)
    return labels, new
""",
)

good(
    "coding-knn-predict",
    """
from collections import Counter
def knn_predict(X_train, y_train, X_test, k):
    out = []
    for x in X_test:
        d = np.sum((X_train - x) ** 2, axis=1)
        idx = np.argsort(d, kind="stable")[:k]
        counts = Counter(y_train[idx].tolist())
        best = max(counts.values())
        out.append(min(c for c, v in counts.items() if v == best))
    return np.array(out)
""",
)
bad(
    "coding-knn-predict",
    "unstable sort on equal distances",
    """
from collections import Counter
def knn_predict(X_train, y_train, X_test, k):
    out = []
    for x in X_test:
        d = np.sum((X_train - x) ** 2, axis=1)
        idx = np.argsort(-d)[::-1][:k]
        counts = Counter(y_train[idx].tolist())
        best = max(counts.values())
        out.append(min(c for c, v in counts.items() if v == best))
    return np.array(out)
""",
)
bad(
    "coding-knn-predict",
    "Counter.most_common breaks vote ties by order",
    """
from collections import Counter
def knn_predict(X_train, y_train, X_test, k):
    out = []
    for x in X_test:
        d = np.sum((X_train - x) ** 2, axis=1)
        idx = np.argsort(d, kind="stable")[:k]
        out.append(Counter(y_train[idx].tolist()).most_common(1)[0][0])
    return np.array(out)
""",
)

good(
    "coding-pairwise-dist",
    """
def pairwise_sq_dists(A, B):
    d = (A ** 2).sum(1)[:, None] - 2 * A @ B.T + (B ** 2).sum(1)[None, :]
    return np.maximum(d, 0)
""",
)
good(
    "coding-pairwise-dist",
    """
def pairwise_sq_dists(A, B):
    d = np.einsum("ij,ij->i", A, A)[:, None] + np.einsum("ij,ij->i", B, B) - 2 * (A @ B.T)
    np.clip(d, 0, None, out=d)
    return d
""",
)
bad(
    "coding-pairwise-dist",
    "no clipping (tiny negatives)",
    """
def pairwise_sq_dists(A, B):
    return (A ** 2).sum(1)[:, None] - 2 * A @ B.T + (B ** 2).sum(1)[None, :]
""",
)
bad(
    "coding-pairwise-dist",
    "Python loops",
    """
def pairwise_sq_dists(A, B):
    out = np.zeros((len(A), len(B)))
    for i in range(len(A)):
        for j in range(len(B)):
            out[i, j] = np.sum((A[i] - B[j]) ** 2)
    return out
""",
)
bad(
    "coding-pairwise-dist",
    "Euclidean, not squared",
    """
def pairwise_sq_dists(A, B):
    d = (A ** 2).sum(1)[:, None] - 2 * A @ B.T + (B ** 2).sum(1)[None, :]
    return np.sqrt(np.maximum(d, 0))
""",
)

good(
    "coding-cosine-sim",
    """
def cosine_similarity_matrix(A, B):
    na = np.linalg.norm(A, axis=1)
    nb = np.linalg.norm(B, axis=1)
    denom = np.outer(na, nb)
    dots = A @ B.T
    out = np.zeros_like(dots)
    np.divide(dots, denom, out=out, where=denom != 0)
    return out
""",
)
bad(
    "coding-cosine-sim",
    "zero row divides by zero",
    """
def cosine_similarity_matrix(A, B):
    return (A @ B.T) / np.outer(np.linalg.norm(A, axis=1), np.linalg.norm(B, axis=1))
""",
)
bad(
    "coding-cosine-sim",
    "dot products, not normalised",
    """
def cosine_similarity_matrix(A, B):
    return A @ B.T
""",
)

good(
    "coding-ridge-fit",
    """
def ridge_fit(X, y, lam):
    d = X.shape[1]
    A = np.vstack([X, np.sqrt(lam) * np.eye(d)])
    b = np.concatenate([y, np.zeros(d)])
    return np.linalg.lstsq(A, b, rcond=None)[0]
""",
)
bad(
    "coding-ridge-fit",
    "lam/2 convention",
    """
def ridge_fit(X, y, lam):
    return np.linalg.solve(X.T @ X + lam / 2 * np.eye(X.shape[1]), X.T @ y)
""",
)
bad(
    "coding-ridge-fit",
    "penalty scaled by n",
    """
def ridge_fit(X, y, lam):
    return np.linalg.solve(X.T @ X + lam * len(y) * np.eye(X.shape[1]), X.T @ y)
""",
)

good(
    "coding-logreg-grad",
    """
def logistic_loss_grad(w, X, y):
    z = X @ w
    loss = np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))
    p = np.exp(-np.logaddexp(0, -z))
    return float(loss), X.T @ (p - y) / len(y)
""",
)
bad(
    "coding-logreg-grad",
    "log of sigmoid",
    """
def logistic_loss_grad(w, X, y):
    p = 1 / (1 + np.exp(-(X @ w)))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(loss), X.T @ (p - y) / len(y)
""",
)
bad(
    "coding-logreg-grad",
    "gradient not averaged",
    """
def logistic_loss_grad(w, X, y):
    z = X @ w
    loss = np.mean(np.logaddexp(0, z) - y * z)
    p = np.exp(-np.logaddexp(0, -z))
    return float(loss), X.T @ (p - y)
""",
)

# -- optimisers ---------------------------------------------------------------------------------
good(
    "coding-momentum-step",
    """
def momentum_step(w, grad, velocity, lr, beta):
    v = beta * velocity + grad
    return w - lr * v, v
""",
)
bad(
    "coding-momentum-step",
    "classic (lr inside) convention",
    """
def momentum_step(w, grad, velocity, lr, beta):
    v = beta * velocity + lr * grad
    return w - v, v
""",
)
bad(
    "coding-momentum-step",
    "dampened (1 - beta) grad",
    """
def momentum_step(w, grad, velocity, lr, beta):
    v = beta * velocity + (1 - beta) * grad
    return w - lr * v, v
""",
)
bad(
    "coding-momentum-step",
    "modifies w in place",
    """
def momentum_step(w, grad, velocity, lr, beta):
    v = beta * velocity + grad
    w -= lr * v
    return w, v
""",
)

good(
    "coding-adam-step",
    """
def adam_step(w, grad, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad ** 2
    step = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    return w - step * m / (np.sqrt(v) + eps * np.sqrt(1 - b2 ** t)), m, v
""",
)
bad(
    "coding-adam-step",
    "no bias correction",
    """
def adam_step(w, grad, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad ** 2
    return w - lr * m / (np.sqrt(v) + eps), m, v
""",
)
bad(
    "coding-adam-step",
    "eps inside the square root",
    """
def adam_step(w, grad, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad ** 2
    mh = m / (1 - b1 ** t)
    vh = v / (1 - b2 ** t)
    return w - lr * mh / np.sqrt(vh + eps), m, v
""",
)
bad(
    "coding-adam-step",
    "t counted from 0",
    """
def adam_step(w, grad, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad ** 2
    mh = m / (1 - b1 ** (t + 1))
    vh = v / (1 - b2 ** (t + 1))
    return w - lr * mh / (np.sqrt(vh) + eps), m, v
""",
)

# -- linear algebra and normalisation ----------------------------------------------------------
good(
    "coding-pca",
    """
def pca(X, k):
    Xc = X - X.mean(axis=0)
    cov = Xc.T @ Xc / (len(X) - 1)
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    comps = vecs[:, :k].T
    signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
    return comps * signs[:, None], vals[:k] / vals.sum()
""",
)
bad(
    "coding-pca",
    "no centring",
    """
def pca(X, k):
    _, s, vt = np.linalg.svd(X, full_matrices=False)
    comps = vt[:k]
    signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
    return comps * signs[:, None], (s ** 2)[:k] / (s ** 2).sum()
""",
)
bad(
    "coding-pca",
    "ratio from singular values, not variances",
    """
def pca(X, k):
    _, s, vt = np.linalg.svd(X - X.mean(0), full_matrices=False)
    comps = vt[:k]
    signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
    return comps * signs[:, None], s[:k] / s.sum()
""",
)
bad(
    "coding-pca",
    "components as columns",
    """
def pca(X, k):
    _, s, vt = np.linalg.svd(X - X.mean(0), full_matrices=False)
    comps = vt[:k]
    signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
    return (comps * signs[:, None]).T, (s ** 2)[:k] / (s ** 2).sum()
""",
)

good(
    "coding-standardize",
    """
def standardize(X_train, X_test):
    mu = X_train.mean(axis=0)
    sd = X_train.std(axis=0)
    const = (X_train.max(axis=0) == X_train.min(axis=0))
    sd = np.where(const, 1.0, sd)
    Z_train = (X_train - mu) / sd
    Z_test = (X_test - mu) / sd
    Z_train[:, const] = 0.0
    Z_test[:, const] = 0.0
    return Z_train, Z_test
""",
)
bad(
    "coding-standardize",
    "tests std == 0",
    """
def standardize(X_train, X_test):
    mu = X_train.mean(axis=0)
    sd = X_train.std(axis=0)
    sd = np.where(sd == 0, 1.0, sd)
    return (X_train - mu) / sd, (X_test - mu) / sd
""",
)
bad(
    "coding-standardize",
    "sample std (ddof=1)",
    """
def standardize(X_train, X_test):
    mu = X_train.mean(axis=0)
    sd = X_train.std(axis=0, ddof=1)
    const = np.all(X_train == X_train[0], axis=0)
    sd = np.where(const, 1.0, sd)
    return np.where(const, 0, (X_train - mu) / sd), np.where(const, 0, (X_test - mu) / sd)
""",
)
bad(
    "coding-standardize",
    "test set scaled with its own statistics",
    """
def standardize(X_train, X_test):
    def z(X):
        sd = X.std(axis=0)
        const = np.all(X == X[0], axis=0)
        return np.where(const, 0, (X - X.mean(0)) / np.where(const, 1, sd))
    return z(X_train), z(X_test)
""",
)

good(
    "coding-batchnorm",
    """
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    xc = x - mu
    var = (xc ** 2).mean(axis=0)
    return gamma * xc / np.sqrt(var + eps) + beta
""",
)
bad(
    "coding-batchnorm",
    "unbiased variance",
    """
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta
""",
)
bad(
    "coding-batchnorm",
    "normalises rows, not columns",
    """
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    m = x.mean(1, keepdims=True)
    return gamma * (x - m) / np.sqrt(x.var(1, keepdims=True) + eps) + beta
""",
)
bad(
    "coding-batchnorm",
    "eps outside the square root",
    """
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / (np.sqrt(x.var(0)) + eps) + beta
""",
)

good(
    "coding-layernorm",
    """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=-1, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta
""",
)
bad(
    "coding-layernorm",
    "normalises over the batch axis",
    """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + beta
""",
)
bad(
    "coding-layernorm",
    "unbiased variance",
    """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(x.var(-1, ddof=1, keepdims=True) + eps) + beta
""",
)

# -- layers ---------------------------------------------------------------------------------------
good(
    "coding-dropout",
    """
def dropout_forward(x, p, rng):
    keep = rng.random(x.shape) >= p
    mask = keep.astype(np.float64)
    return x * mask / (1.0 - p), mask
""",
)
bad(
    "coding-dropout",
    "no 1/(1-p) scaling",
    """
def dropout_forward(x, p, rng):
    mask = (rng.random(x.shape) >= p).astype(float)
    return x * mask, mask
""",
)
bad(
    "coding-dropout",
    "p is the keep probability",
    """
def dropout_forward(x, p, rng):
    mask = (rng.random(x.shape) < p).astype(float)
    return x * mask / p if p else x * 0, mask
""",
)
bad(
    "coding-dropout",
    "boolean mask",
    """
def dropout_forward(x, p, rng):
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), mask
""",
)

good(
    "coding-linear-backward",
    """
def linear_backward(dout, x, W):
    dx = np.einsum("nh,dh->nd", dout, W)
    dW = np.einsum("nd,nh->dh", x, dout)
    db = np.einsum("nh->h", dout)
    return dx, dW, db
""",
)
bad(
    "coding-linear-backward",
    "db averaged over the batch",
    """
def linear_backward(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)
""",
)
bad(
    "coding-linear-backward",
    "dW transposed",
    """
def linear_backward(dout, x, W):
    return dout @ W.T, (x.T @ dout).T.reshape(W.shape), dout.sum(axis=0)
""",
)

good(
    "coding-relu-backward",
    """
def relu_backward(dout, x):
    return dout * (x > 0)
""",
)
bad(
    "coding-relu-backward",
    "gradient 1 at x = 0",
    """
def relu_backward(dout, x):
    return dout * (x >= 0)
""",
)
bad(
    "coding-relu-backward",
    "zeroes dout in place",
    """
def relu_backward(dout, x):
    dout[x <= 0] = 0
    return dout
""",
)

good(
    "coding-attention",
    """
def scaled_dot_product_attention(q, k, v, mask=None):
    d = q.shape[-1]
    s = np.matmul(q, np.swapaxes(k, -1, -2)) / np.sqrt(d)
    if mask is not None:
        s = np.where(mask, s, -1e30)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ v
""",
)
bad(
    "coding-attention",
    "no 1/sqrt(d) scaling",
    """
def scaled_dot_product_attention(q, k, v, mask=None):
    s = q @ np.swapaxes(k, -1, -2)
    if mask is not None:
        s = np.where(mask, s, -1e30)
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True) @ v
""",
)
bad(
    "coding-attention",
    "mask inverted",
    """
def scaled_dot_product_attention(q, k, v, mask=None):
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, -1e30, s)
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True) @ v
""",
)
bad(
    "coding-attention",
    "k.T breaks batches",
    """
def scaled_dot_product_attention(q, k, v, mask=None):
    s = q @ k.T / np.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -1e30)
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True) @ v
""",
)

good(
    "coding-causal-mask",
    """
def causal_mask(n):
    i = np.arange(n)
    return i[None, :] <= i[:, None]
""",
)
bad(
    "coding-causal-mask",
    "float mask",
    """
def causal_mask(n):
    return np.tril(np.ones((n, n)))
""",
)
bad(
    "coding-causal-mask",
    "upper triangle",
    """
def causal_mask(n):
    return np.triu(np.ones((n, n), dtype=bool))
""",
)
bad(
    "coding-causal-mask",
    "diagonal excluded",
    """
def causal_mask(n):
    return np.tril(np.ones((n, n), dtype=bool), k=-1)
""",
)

good(
    "coding-conv2d",
    """
def conv2d(x, kernel, stride=1, padding=0):
    xp = np.pad(x, ((padding, padding), (padding, padding)))
    kh, kw = kernel.shape
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw))[::stride, ::stride]
    return np.einsum("ijkl,kl->ij", windows, kernel)
""",
)
bad(
    "coding-conv2d",
    "flipped kernel (true convolution)",
    """
def conv2d(x, kernel, stride=1, padding=0):
    xp = np.pad(x, padding)
    k = kernel[::-1, ::-1]
    windows = np.lib.stride_tricks.sliding_window_view(xp, k.shape)[::stride, ::stride]
    return np.einsum("ijkl,kl->ij", windows, k)
""",
)
bad(
    "coding-conv2d",
    "padding only on one side",
    """
def conv2d(x, kernel, stride=1, padding=0):
    xp = np.pad(x, ((padding, 0), (padding, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, kernel.shape)[::stride, ::stride]
    return np.einsum("ijkl,kl->ij", windows, kernel)
""",
)

good(
    "coding-maxpool",
    """
def maxpool2d(x, size, stride):
    w = np.lib.stride_tricks.sliding_window_view(x, (size, size))[::stride, ::stride]
    return w.max(axis=(2, 3))
""",
)
bad(
    "coding-maxpool",
    "ceil mode keeps partial windows",
    """
def maxpool2d(x, size, stride):
    import math
    oh = math.ceil((x.shape[0] - size) / stride) + 1
    ow = math.ceil((x.shape[1] - size) / stride) + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = x[i * stride:i * stride + size, j * stride:j * stride + size].max()
    return out
""",
)
bad(
    "coding-maxpool",
    "max starts at 0",
    """
def maxpool2d(x, size, stride):
    w = np.lib.stride_tricks.sliding_window_view(x, (size, size))[::stride, ::stride]
    return np.maximum(w.max(axis=(2, 3)), 0)
""",
)

# -- text, encoding, smoothing -------------------------------------------------------------------
good(
    "coding-tfidf",
    """
from collections import Counter
def tfidf(docs):
    vocab = sorted(set(t for d in docs for t in d))
    col = {t: i for i, t in enumerate(vocab)}
    n = len(docs)
    tf = np.zeros((n, len(vocab)))
    for i, d in enumerate(docs):
        for t, c in Counter(d).items():
            tf[i, col[t]] = c
    df = (tf > 0).sum(axis=0)
    M = tf * (np.log((1 + n) / (1 + df)) + 1)
    norm = np.sqrt((M ** 2).sum(axis=1, keepdims=True))
    norm[norm == 0] = 1
    return vocab, M / norm
""",
)
bad(
    "coding-tfidf",
    "unsmoothed idf ln(n/df)",
    """
from collections import Counter
def tfidf(docs):
    vocab = sorted(set(t for d in docs for t in d))
    col = {t: i for i, t in enumerate(vocab)}
    tf = np.zeros((len(docs), len(vocab)))
    for i, d in enumerate(docs):
        for t, c in Counter(d).items():
            tf[i, col[t]] = c
    M = tf * np.log(len(docs) / (tf > 0).sum(axis=0))
    norm = np.linalg.norm(M, axis=1, keepdims=True)
    return vocab, M / np.where(norm == 0, 1, norm)
""",
)
bad(
    "coding-tfidf",
    "lower-cases tokens",
    """
from collections import Counter
def tfidf(docs):
    docs = [[t.lower() for t in d] for d in docs]
    vocab = sorted(set(t for d in docs for t in d))
    col = {t: i for i, t in enumerate(vocab)}
    n = len(docs)
    tf = np.zeros((n, len(vocab)))
    for i, d in enumerate(docs):
        for t, c in Counter(d).items():
            tf[i, col[t]] = c
    M = tf * (np.log((1 + n) / (1 + (tf > 0).sum(0))) + 1)
    norm = np.linalg.norm(M, axis=1, keepdims=True)
    return vocab, M / np.where(norm == 0, 1, norm)
""",
)
bad(
    "coding-tfidf",
    "empty document divides by zero",
    """
from collections import Counter
def tfidf(docs):
    vocab = sorted(set(t for d in docs for t in d))
    col = {t: i for i, t in enumerate(vocab)}
    n = len(docs)
    tf = np.zeros((n, len(vocab)))
    for i, d in enumerate(docs):
        for t, c in Counter(d).items():
            tf[i, col[t]] = c
    M = tf * (np.log((1 + n) / (1 + (tf > 0).sum(0))) + 1)
    return vocab, M / np.linalg.norm(M, axis=1, keepdims=True)
""",
)

good(
    "coding-one-hot",
    """
def one_hot(y, num_classes):
    return np.eye(num_classes)[y]
""",
)
bad(
    "coding-one-hot",
    "classes from the data",
    """
def one_hot(y, num_classes):
    return np.eye(y.max() + 1)[y]
""",
)
bad(
    "coding-one-hot",
    "integer dtype",
    """
def one_hot(y, num_classes):
    out = np.zeros((len(y), num_classes), dtype=int)
    out[np.arange(len(y)), y] = 1
    return out
""",
)

good(
    "coding-ewma",
    """
def ewma(x, alpha):
    out = np.empty_like(x, dtype=float)
    out[0] = x[0]
    for t in range(1, len(x)):
        out[t] = alpha * x[t] + (1 - alpha) * out[t - 1]
    return out
""",
)
bad(
    "coding-ewma",
    "starts from 0",
    """
def ewma(x, alpha):
    out, s = [], 0.0
    for value in x:
        s = alpha * value + (1 - alpha) * s
        out.append(s)
    return np.array(out)
""",
)
bad(
    "coding-ewma",
    "alpha on the past",
    """
def ewma(x, alpha):
    out = np.empty(len(x))
    out[0] = x[0]
    for t in range(1, len(x)):
        out[t] = (1 - alpha) * x[t] + alpha * out[t - 1]
    return out
""",
)

good(
    "coding-naive-bayes",
    """
def multinomial_nb_predict(X_train, y_train, X_test, alpha=1.0):
    classes, counts = np.unique(y_train, return_counts=True)
    log_prior = np.log(counts / counts.sum())
    feat = np.vstack([X_train[y_train == c].sum(axis=0) for c in classes]) + alpha
    log_lik = np.log(feat / feat.sum(axis=1, keepdims=True))
    return classes[np.argmax(X_test @ log_lik.T + log_prior, axis=1)]
""",
)
bad(
    "coding-naive-bayes",
    "no smoothing in the denominator",
    """
def multinomial_nb_predict(X_train, y_train, X_test, alpha=1.0):
    classes, counts = np.unique(y_train, return_counts=True)
    log_prior = np.log(counts / counts.sum())
    raw = np.vstack([X_train[y_train == c].sum(axis=0) for c in classes])
    log_lik = np.log((raw + alpha) / raw.sum(axis=1, keepdims=True))
    return classes[np.argmax(X_test @ log_lik.T + log_prior, axis=1)]
""",
)
bad(
    "coding-naive-bayes",
    "uniform priors",
    """
def multinomial_nb_predict(X_train, y_train, X_test, alpha=1.0):
    classes = np.unique(y_train)
    feat = np.vstack([X_train[y_train == c].sum(axis=0) for c in classes]) + alpha
    log_lik = np.log(feat / feat.sum(axis=1, keepdims=True))
    return classes[np.argmax(X_test @ log_lik.T, axis=1)]
""",
)
bad(
    "coding-naive-bayes",
    "returns class positions, not labels",
    """
def multinomial_nb_predict(X_train, y_train, X_test, alpha=1.0):
    classes, counts = np.unique(y_train, return_counts=True)
    log_prior = np.log(counts / counts.sum())
    feat = np.vstack([X_train[y_train == c].sum(axis=0) for c in classes]) + alpha
    log_lik = np.log(feat / feat.sum(axis=1, keepdims=True))
    return np.argmax(X_test @ log_lik.T + log_prior, axis=1)
""",
)

# -- detection ------------------------------------------------------------------------
good(
    "coding-iou",
    """
def box_iou(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union)
""",
)
bad(
    "coding-iou",
    "no clamp: two negative sides multiply to a positive",
    """
def box_iou(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union)
""",
)
bad(
    "coding-iou",
    "+1 pixel convention",
    """
def box_iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]) + 1)
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]) + 1)
    inter = w * h
    area_a = (a[2] - a[0] + 1) * (a[3] - a[1] + 1)
    area_b = (b[2] - b[0] + 1) * (b[3] - b[1] + 1)
    return float(inter / (area_a + area_b - inter))
""",
)

good(
    "coding-nms",
    """
def nms(boxes, scores, iou_threshold):
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(-scores, kind="stable")
    keep = []
    while order.size:
        i = order[0]
        keep.append(int(i))
        rest = order[1:]
        w = np.maximum(0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]))
        h = np.maximum(0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]))
        inter = w * h
        iou = inter / (areas[i] + areas[rest] - inter)
        order = rest[iou <= iou_threshold]
    return keep
""",
)
bad(
    "coding-nms",
    "drops IoU equal to the threshold",
    """
def nms(boxes, scores, iou_threshold):
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(-scores, kind="stable")
    keep = []
    while order.size:
        i = order[0]
        keep.append(int(i))
        rest = order[1:]
        w = np.maximum(0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]))
        h = np.maximum(0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]))
        iou = w * h / (areas[i] + areas[rest] - w * h)
        order = rest[iou < iou_threshold]
    return keep
""",
)
bad(
    "coding-nms",
    "unstable order on equal scores",
    """
def nms(boxes, scores, iou_threshold):
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(scores)[::-1]
    keep = []
    while order.size:
        i = order[0]
        keep.append(int(i))
        rest = order[1:]
        w = np.maximum(0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]))
        h = np.maximum(0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]))
        iou = w * h / (areas[i] + areas[rest] - w * h)
        order = rest[iou <= iou_threshold]
    return keep
""",
)
bad(
    "coding-nms",
    "suppressed boxes still suppress",
    """
def nms(boxes, scores, iou_threshold):
    def iou(a, b):
        w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
        h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
        inter = w * h
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)
    order = list(np.argsort(-scores, kind="stable"))
    return [int(i) for n, i in enumerate(order)
            if all(iou(boxes[i], boxes[j]) <= iou_threshold for j in order[:n])]
""",
)


bad(
    "coding-precision-at-k",
    "np.isin against a set",
    """
def precision_at_k(relevant, ranked, k):
    return float(np.isin(np.asarray(ranked[:k]), relevant).sum()) / k
""",
)
