"""Reference implementations of the built-in drills (the semantics of docs/drills in the
coding deck). They run in mlprep's own process to produce the expected outputs; the user's
code never sees them. Written for exactness first: ties, stability and edge cases exactly as
the deck states them.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np


def softmax(x, axis=-1):
    z = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    z = x - np.max(x, axis=axis, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def binary_cross_entropy(y_true, p, eps=1e-12):
    p = np.clip(p, eps, 1 - eps)
    return float(np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))))


def cross_entropy_from_logits(logits, y):
    logp = log_softmax(logits, axis=1)
    return float(-np.mean(logp[np.arange(len(y)), y]))


def cross_entropy_grad(logits, y):
    g = softmax(logits, axis=1)
    g[np.arange(len(y)), y] -= 1.0
    return g / len(y)


def _average_ranks(values):
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=float)
    sorted_values = values[order]
    _, starts, counts = np.unique(sorted_values, return_index=True, return_counts=True)
    for start, count in zip(starts, counts, strict=True):
        ranks[order[start : start + count]] = start + (count + 1) / 2.0
    return ranks


def roc_auc(y_true, scores):
    y = np.asarray(y_true) == 1
    ranks = _average_ranks(np.asarray(scores, dtype=float))
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def average_precision(y_true, scores):
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    s = np.asarray(scores, dtype=float)[order]
    y = (np.asarray(y_true) == 1)[order].astype(float)
    last_of_group = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
    tps = np.cumsum(y)[last_of_group]
    fps = (last_of_group + 1) - tps
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def precision_at_k(relevant, ranked, k):
    return sum(1 for item in list(ranked)[:k] if item in relevant) / k


def ndcg_at_k(relevance, k):
    rel = np.asarray(relevance, dtype=float)
    discounts = 1.0 / np.log2(np.arange(2, len(rel) + 2))
    dcg = float(np.sum(rel[:k] * discounts[:k]))
    ideal = np.sort(rel)[::-1]
    idcg = float(np.sum(ideal[:k] * discounts[:k]))
    return 0.0 if idcg == 0 else dcg / idcg


def f1_score(y_true, y_pred):
    t = np.asarray(y_true) == 1
    p = np.asarray(y_pred) == 1
    tp = int(np.sum(t & p))
    if tp == 0:
        return 0.0
    fp = int(np.sum(~t & p))
    fn = int(np.sum(t & ~p))
    return 2 * tp / (2 * tp + fp + fn)


def _counts(labels):
    return list(Counter(list(labels)).values())


def gini_impurity(labels):
    counts = _counts(labels)
    n = sum(counts)
    return 1.0 - sum((c / n) ** 2 for c in counts)


def entropy_bits(labels):
    counts = _counts(labels)
    n = sum(counts)
    return float(-sum((c / n) * math.log2(c / n) for c in counts))


def information_gain(parent, left, right):
    n = len(parent)
    gain = entropy_bits(parent)
    for child in (left, right):
        if len(child):
            gain -= len(child) / n * entropy_bits(child)
    return gain


def best_threshold(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y)
    values = np.unique(x)
    if len(values) < 2:
        return None, 0.0
    n = len(x)

    def gini(pos, total):
        p = pos / total
        return 1.0 - p * p - (1 - p) * (1 - p)

    parent = gini(float(np.sum(y == 1)), n)
    best_t, best_gain = None, -1.0
    for a, b in zip(values[:-1], values[1:], strict=True):
        t = (a + b) / 2.0
        left = x <= t
        nl = int(left.sum())
        nr = n - nl
        gain = parent - (
            nl / n * gini(float(np.sum(y[left] == 1)), nl)
            + nr / n * gini(float(np.sum(y[~left] == 1)), nr)
        )
        if gain > best_gain + 1e-12:
            best_t, best_gain = t, gain
    assert best_t is not None  # two distinct values give at least one candidate
    return float(best_t), float(max(best_gain, 0.0))


def _sq_dists_exact(A, B):
    # exact differences in chunks: the reference should not carry the expansion's rounding
    out = np.empty((A.shape[0], B.shape[0]))
    step = max(1, 2_000_000 // max(1, B.shape[0] * max(1, A.shape[1])))
    for start in range(0, A.shape[0], step):
        diff = A[start : start + step, None, :] - B[None, :, :]
        out[start : start + step] = np.einsum("ijk,ijk->ij", diff, diff)
    return out


def kmeans_step(X, centroids):
    d = _sq_dists_exact(X, centroids)
    labels = np.argmin(d, axis=1)
    new = centroids.copy()
    for j in range(len(centroids)):
        members = X[labels == j]
        if len(members):
            new[j] = members.mean(axis=0)
    return labels, new


def knn_predict(X_train, y_train, X_test, k):
    d = _sq_dists_exact(X_test, X_train)
    out = []
    for row in d:
        nearest = np.argsort(row, kind="stable")[:k]
        votes = Counter(y_train[nearest].tolist())
        top = max(votes.values())
        out.append(min(label for label, c in votes.items() if c == top))
    return np.array(out, dtype=y_train.dtype)


def pairwise_sq_dists(A, B):
    if A.shape[0] * B.shape[0] * max(1, A.shape[1]) <= 50_000_000:
        return _sq_dists_exact(A, B)
    d = np.sum(A * A, axis=1)[:, None] + np.sum(B * B, axis=1)[None, :] - 2.0 * A @ B.T
    return np.maximum(d, 0.0)


def cosine_similarity_matrix(A, B):
    na = np.linalg.norm(A, axis=1, keepdims=True)
    nb = np.linalg.norm(B, axis=1, keepdims=True)
    An = np.divide(A, na, out=np.zeros_like(A), where=na > 0)
    Bn = np.divide(B, nb, out=np.zeros_like(B), where=nb > 0)
    return An @ Bn.T


def ridge_fit(X, y, lam):
    d = X.shape[1]
    return np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y)


def logistic_loss_grad(w, X, y):
    z = X @ w
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
    grad = X.T @ (sigmoid(z) - y) / len(y)
    return loss, grad


def momentum_step(w, grad, velocity, lr, beta):
    v = beta * velocity + grad
    return w - lr * v, v


def adam_step(w, grad, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad * grad
    m_hat = m / (1 - b1**t)
    v_hat = v / (1 - b2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def pca(X, k):
    Xc = X - X.mean(axis=0)
    _, s, vt = np.linalg.svd(Xc, full_matrices=False)
    components = vt[:k].copy()
    for row in components:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    var = s**2
    return components, var[:k] / var.sum()


def standardize(X_train, X_test):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    constant = np.all(X_train == X_train[0], axis=0)
    safe = np.where(constant, 1.0, std)
    Z_train = np.where(constant, 0.0, (X_train - mean) / safe)
    Z_test = np.where(constant, 0.0, (X_test - mean) / safe)
    return Z_train, Z_test


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def dropout_forward(x, p, rng):
    mask = (rng.random(x.shape) >= p).astype(float)
    return x * mask / (1 - p), mask


def linear_backward(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def relu_backward(dout, x):
    return np.where(x > 0, dout, 0.0)


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return softmax(scores, axis=-1) @ v


def causal_mask(n):
    return np.tril(np.ones((n, n), dtype=bool))


def conv2d(x, kernel, stride=1, padding=0):
    x = np.pad(x, padding)
    kh, kw = kernel.shape
    oh = (x.shape[0] - kh) // stride + 1
    ow = (x.shape[1] - kw) // stride + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[i, j] = np.sum(patch * kernel)
    return out


def maxpool2d(x, size, stride):
    oh = (x.shape[0] - size) // stride + 1
    ow = (x.shape[1] - size) // stride + 1
    out = np.empty((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = x[i * stride : i * stride + size, j * stride : j * stride + size].max()
    return out


def tfidf(docs):
    vocab = sorted({token for doc in docs for token in doc})
    index = {token: j for j, token in enumerate(vocab)}
    counts = np.zeros((len(docs), len(vocab)))
    for i, doc in enumerate(docs):
        for token in doc:
            counts[i, index[token]] += 1
    n = len(docs)
    df = np.sum(counts > 0, axis=0)
    idf = np.log((1 + n) / (1 + df)) + 1
    m = counts * idf
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    m = np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)
    return vocab, m


def one_hot(y, num_classes):
    out = np.zeros((len(y), num_classes))
    out[np.arange(len(y)), y] = 1.0
    return out


def ewma(x, alpha):
    out = np.empty(len(x))
    s = x[0]
    for t, value in enumerate(x):
        s = value if t == 0 else alpha * value + (1 - alpha) * s
        out[t] = s
    return out


def multinomial_nb_predict(X_train, y_train, X_test, alpha=1.0):
    classes = np.unique(y_train)
    counts = np.array([X_train[y_train == c].sum(axis=0) for c in classes])
    log_prob = np.log(counts + alpha) - np.log((counts + alpha).sum(axis=1, keepdims=True))
    log_prior = np.log(np.array([np.mean(y_train == c) for c in classes]))
    scores = X_test @ log_prob.T + log_prior
    return classes[np.argmax(scores, axis=1)]


def box_iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    if inter <= 0:
        return 0.0
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[2] - b[0]) * (b[3] - b[1])
    return float(inter / (area_a + area_b - inter))


def nms(boxes, scores, iou_threshold):
    order = list(np.argsort(-np.asarray(scores, dtype=float), kind="stable"))
    keep: list[int] = []
    while order:
        best = order.pop(0)
        keep.append(int(best))
        order = [i for i in order if box_iou(boxes[best], boxes[i]) <= iou_threshold]
    return keep
