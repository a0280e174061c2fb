#!/usr/bin/env python3
"""scikit-learn baselines for concord-bench's quality scenario.

Usage: python3 sklearn_baseline.py SPEC.json

SPEC.json is written by quality.go: the data paths, the split indexes Concord
used (so both sides train and test on exactly the same rows), and the
regularisation C, which matches Concord's defaults. Prints one JSON object:
the predicted test labels (Go scores both sides with the same code), the
training times (the fit alone: vectorising and fitting for texts, fitting on
pixels scaled to 0-1 for MNIST) and the L-BFGS iteration counts.
"""

import gzip
import hashlib
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline


def read_sms(spec):
    """The SMS Spam Collection deduplicated as quality.go does: split lines on
    LF (dropping a trailing CR), label TAB text, first occurrence kept."""
    with open(spec["path"], "rb") as f:
        data = f.read()
    seen, texts, labels = set(), [], []
    digest = hashlib.sha256()
    for line in data.split(b"\n"):
        if line.endswith(b"\r"):
            line = line[:-1]
        label, sep, text = line.partition(b"\t")
        if not sep or text in seen:
            continue
        seen.add(text)
        digest.update(text + b"\n")
        texts.append(text.decode("utf-8", errors="replace"))
        labels.append(label.decode("utf-8"))
    if len(texts) != spec["count"] or digest.hexdigest() != spec["sha256"]:
        sys.exit("sklearn_baseline: SMS deduplication differs from Go's (%d texts)" % len(texts))
    return texts, labels


def text_model(C):
    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(C=C, max_iter=1000))


def fit(model, X, y):
    t0 = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - t0


def iters(model):
    return int(np.max(model[-1].n_iter_ if hasattr(model, "steps") else model.n_iter_))


def sms(spec):
    texts, labels = read_sms(spec)
    train, test = spec["train"], spec["test"]
    model = text_model(spec["C"])
    secs = fit(model, [texts[i] for i in train], [labels[i] for i in train])
    pred = model.predict([texts[i] for i in test])
    return {"pred": [str(p) for p in pred], "train_seconds": secs, "iters": iters(model)}


def mnist(spec):
    with gzip.open(spec["path"], "rt") as f:
        header = f.readline()
        if not header.startswith("label"):
            f.seek(0)
        rows = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    if len(rows) != spec["count"]:
        sys.exit("sklearn_baseline: %d MNIST rows, Go read %d" % (len(rows), spec["count"]))
    y = rows[:, 0].astype(str)
    X = rows[:, 1:].astype(np.float64) / 255.0
    train, test = np.array(spec["train"]), np.array(spec["test"])
    model = LogisticRegression(C=spec["C"], max_iter=spec["max_iter"])
    secs = fit(model, X[train], y[train])
    pred = model.predict(X[test])
    return {"pred": [str(p) for p in pred], "train_seconds": secs, "iters": iters(model)}


def texts(spec):
    labels, docs = [], []
    with open(spec["path"], "rb") as f:
        for line in f:
            label, _, text = line.rstrip(b"\n").partition(b"\t")
            labels.append(label.decode("utf-8"))
            docs.append(text.decode("utf-8", errors="replace"))
    model = text_model(spec["C"])
    secs = fit(model, docs, labels)
    t0 = time.perf_counter()
    model.predict(docs)
    rate = len(docs) / (time.perf_counter() - t0)
    return {"train_seconds": secs, "iters": iters(model), "predict_per_second": rate,
            "vocabulary": len(model[0].vocabulary_)}


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    out = {"sklearn_version": sklearn.__version__}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        for name, run in (("sms", sms), ("mnist", mnist), ("texts", texts)):
            n = len(caught)
            out[name] = run(spec[name])
            if any(issubclass(w.category, ConvergenceWarning) for w in caught[n:]):
                print("sklearn_baseline: %s: L-BFGS stopped at max_iter before converging" % name, file=sys.stderr)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
