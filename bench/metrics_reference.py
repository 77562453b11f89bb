#!/usr/bin/env python3
"""scikit-learn / SciPy reference for `brainprobe bench metrics`.

Usage: metrics_reference.py DATA_DIR [REPEATS]
DATA_DIR holds the arrays the Rust side wrote (x, y1, y100, train, test, model_patterns,
subject_rdms as .npy). Runs the same computation as the Rust benchmark and prints JSON
{case: {"seconds": fastest time, "value": result}} on stdout.
"""
import json
import sys
import time

import numpy as np
import scipy.stats
from sklearn.linear_model import RidgeCV

ALPHAS = np.logspace(-3, 3, 7)


def pearson_eps(a, b, eps=1e-8):
    a = a - a.mean(0)
    b = b - b.mean(0)
    return (a * b).sum(0) / ((np.sqrt((a * a).sum(0)) + eps) * (np.sqrt((b * b).sum(0)) + eps))


def ridge_score(x, y, train, test):
    per_split = []
    for tr, te in zip(train, test):
        # scikit-learn returns 1-D predictions for a single-column y: keep them 2-D
        pred = RidgeCV(alphas=ALPHAS).fit(x[tr], y[tr]).predict(x[te]).reshape(len(te), -1)
        per_split.append(np.median(pearson_eps(pred, y[te])))
    return float(np.mean(per_split))


def tau_a(u, v):
    n = len(u)
    pairs = n * (n - 1) / 2
    tau_b = scipy.stats.kendalltau(u, v)[0]

    def tie_pairs(w):
        _, c = np.unique(w, return_counts=True)
        return float((c * (c - 1) / 2).sum())

    return tau_b * np.sqrt((pairs - tie_pairs(u)) * (pairs - tie_pairs(v))) / pairs


def spearman(u, v):
    return scipy.stats.spearmanr(u, v)[0]


def nili(vectors, sim):
    pool = np.array([scipy.stats.rankdata(v) for v in vectors])
    up = np.mean([sim(v, pool.mean(0)) for v in vectors])
    lo = np.mean([sim(v, np.delete(pool, i, 0).mean(0)) for i, v in enumerate(vectors)])
    return lo, up


def rsa_all(model_patterns, subject_rdms):
    iu = np.triu_indices(model_patterns.shape[0], k=1)
    model = (1.0 - np.corrcoef(model_patterns))[iu]
    subjects = [subject_rdms[s].mean(axis=0)[iu] for s in range(subject_rdms.shape[0])]
    sp = np.mean([spearman(model, s) for s in subjects])
    ta = np.mean([tau_a(model, s) for s in subjects])
    nili(subjects, spearman)
    nili(subjects, tau_a)
    return float(sp), float(ta)


def best_of(repeats, f):
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def main():
    d = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    load = lambda name: np.load(f"{d}/{name}.npy")
    x, y1, y100 = load("x"), load("y1"), load("y100")
    train, test = load("train"), load("test")
    result = {}
    t, v = best_of(repeats, lambda: ridge_score(x, y1, train, test))
    result["ridge_1"] = {"seconds": t, "value": v}
    t, v = best_of(repeats, lambda: ridge_score(x, y100, train, test))
    result["ridge_100"] = {"seconds": t, "value": v}
    t, v = best_of(repeats, lambda: rsa_all(load("model_patterns"), load("subject_rdms")))
    result["rsa"] = {"seconds": t, "value": v[0]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
