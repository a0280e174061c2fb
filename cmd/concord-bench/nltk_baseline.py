#!/usr/bin/env python3
"""NLTK baseline for concord-bench's agreement scenario.

Usage: python3 nltk_baseline.py TRIPLES.tsv

TRIPLES.tsv is written by agreement.go: one "coder TAB item TAB label" line
per annotation, all integers, the ratings of each item on consecutive lines.
Every item has several of many coders, so the data have missing cells.

Prints one JSON object. Each computation is timed from the triples in memory
to the value (building the AnnotationTask included), median of 3 runs:

  alpha_nominal   AnnotationTask(triples).alpha(), binary distance.
  alpha_interval  the same with interval_distance, (a - b)**2 on the labels.
  pair_kappa      Cohen's kappa of every pair of coders over the items both
                  rated: for each pair, AnnotationTask(its two coders' ratings
                  of those items).kappa(); splitting the triples is timed too.
  pi_slots        Fleiss' kappa: AnnotationTask.pi() (multi-pi) on the triples
                  with each item's i-th rating given to coder "slot i", which
                  makes the data complete without changing the per-item counts.

and, run once on the triples as given, kappa_full and multi_kappa_full: NLTK's
kappa() and multi_kappa() assume every coder labelled every item and raise on
missing data; the error (or the value, on complete data) is reported.
"""

import json
import statistics
import sys
import time
from collections import defaultdict

import nltk
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import interval_distance


def timed(fn, runs=3):
    """The value of fn() and the median of its run times in seconds."""
    times, value = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return value, statistics.median(times)


def pair_kappas(triples):
    """Cohen's kappa of every pair of coders over the items both rated."""
    by_item = defaultdict(list)
    for coder, item, label in triples:
        by_item[item].append((coder, label))
    by_pair = defaultdict(list)
    for item, ratings in by_item.items():
        for i, (a, la) in enumerate(ratings):
            for b, lb in ratings[i + 1:]:
                (x, lx), (y, ly) = sorted([(a, la), (b, lb)])
                by_pair[(x, y)] += [(x, item, lx), (y, item, ly)]
    return [[a, b, AnnotationTask(data).kappa()] for (a, b), data in sorted(by_pair.items())]


def slots(triples):
    """The triples with each item's i-th rating given to coder i."""
    seen = defaultdict(int)
    out = []
    for _, item, label in triples:
        out.append((seen[item], item, label))
        seen[item] += 1
    return out


def attempt(fn):
    t0 = time.perf_counter()
    try:
        out = {"value": fn()}
    except Exception as e:  # NLTK raises RuntimeError on missing data
        out = {"error": "%s: %s" % (type(e).__name__, e)}
    out["seconds"] = time.perf_counter() - t0
    return out


def main():
    triples = []
    with open(sys.argv[1]) as f:
        for line in f:
            c, i, k = line.split("\t")
            triples.append((int(c), int(i), int(k)))
    out = {
        "nltk_version": nltk.__version__,
        "annotations": len(triples),
        "items": len({t[1] for t in triples}),
        "coders": len({t[0] for t in triples}),
    }
    v, s = timed(lambda: AnnotationTask(triples).alpha())
    out["alpha_nominal"] = {"value": v, "seconds": s}
    v, s = timed(lambda: AnnotationTask(triples, interval_distance).alpha())
    out["alpha_interval"] = {"value": v, "seconds": s}
    pairs, s = timed(lambda: pair_kappas(triples))
    out["pair_kappa"] = {"pairs": pairs, "mean": statistics.fmean(p[2] for p in pairs), "seconds": s}
    v, s = timed(lambda: AnnotationTask(slots(triples)).pi())
    out["pi_slots"] = {"value": v, "seconds": s}
    task = AnnotationTask(triples)
    out["kappa_full"] = attempt(task.kappa)
    out["multi_kappa_full"] = attempt(task.multi_kappa)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
