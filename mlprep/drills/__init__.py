"""Built-in coding drills: their hidden tests (cases.py), reference implementations
(reference.py) and the child-process harness (harness.py). Importing this package imports
no numpy; only running a drill does."""

# The card ids with built-in tests (the `coding` deck); kept here so asking costs no numpy.
DRILL_IDS = frozenset(
    {
        "coding-softmax",
        "coding-log-softmax",
        "coding-sigmoid",
        "coding-bce",
        "coding-ce-logits",
        "coding-ce-grad",
        "coding-roc-auc",
        "coding-average-precision",
        "coding-precision-at-k",
        "coding-ndcg",
        "coding-f1",
        "coding-gini",
        "coding-entropy",
        "coding-info-gain",
        "coding-best-split",
        "coding-kmeans-step",
        "coding-knn-predict",
        "coding-pairwise-dist",
        "coding-cosine-sim",
        "coding-ridge-fit",
        "coding-logreg-grad",
        "coding-momentum-step",
        "coding-adam-step",
        "coding-pca",
        "coding-standardize",
        "coding-batchnorm",
        "coding-layernorm",
        "coding-dropout",
        "coding-linear-backward",
        "coding-relu-backward",
        "coding-attention",
        "coding-causal-mask",
        "coding-conv2d",
        "coding-maxpool",
        "coding-tfidf",
        "coding-one-hot",
        "coding-ewma",
        "coding-naive-bayes",
        "coding-iou",
        "coding-nms",
    }
)
