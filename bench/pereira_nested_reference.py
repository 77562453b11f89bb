#!/usr/bin/env python3
"""Independent scikit-learn recomputation of the nested Pereira headline (METRICS §10.3).

Usage:
  brainprobe record --model gpt-mini --dataset pereira2018_langnet --out REC_DIR
  pereira_nested_reference.py REC_DIR data/cache/pereira2018_langnet/sentences.csv

REC_DIR holds one `<layer>.npy` per layer (rows = the 627 sentences, in file order).
Per ShuffleSplit(10, train_size=0.9, random_state=1) split: standardise every layer with
the training rows' mean and population SD (constant columns -> 0), fit
RidgeCV(alphas=np.logspace(-3, 6, 10)) per layer, take the layer with the highest
best_score_ (earliest on ties), and correlate its test predictions with the test
responses (eps-Pearson, METRICS §0.5). Prints JSON: the headline, per-split values and
chosen layers, for comparison with `brainprobe score ... --json`.
"""
import csv
import json
import os
import sys

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import ShuffleSplit

ALPHAS = np.logspace(-3, 6, 10)


def pearson_eps(a, b, eps=1e-8):
    a = a - a.mean()
    b = b - b.mean()
    return float((a * b).sum() / ((np.sqrt((a * a).sum()) + eps) * (np.sqrt((b * b).sum()) + eps)))


def standardise(train, test):
    mean = train.mean(0)
    sd = train.std(0)  # population SD (ddof 0)
    largest = np.abs(train).max(0)
    constant = ~(sd > 0) | (sd < 1e-12 * largest)
    sd = np.where(constant, 1.0, sd)
    zt, zs = (train - mean) / sd, (test - mean) / sd
    zt[:, constant] = 0.0
    zs[:, constant] = 0.0
    return zt, zs


def main():
    rec_dir, sentences = sys.argv[1], sys.argv[2]
    with open(sentences, newline="") as f:
        y = np.array([float(r["effect_size"]) for r in csv.DictReader(f)])
    names = sorted(n[:-4] for n in os.listdir(rec_dir) if n.endswith(".npy"))
    layers = {n: np.load(os.path.join(rec_dir, n + ".npy")).astype(np.float64) for n in names}
    # recording order, if the recorder wrote one
    order_file = os.path.join(rec_dir, "layers.txt")
    if os.path.exists(order_file):
        names = [l.strip() for l in open(order_file) if l.strip()]
    splits = ShuffleSplit(n_splits=10, train_size=0.9, random_state=1).split(np.zeros(len(y)))
    per_split, chosen = [], []
    for train, test in splits:
        best = None
        for name in names:
            x = layers[name]
            if np.all(x == x[0]):
                continue
            zt, zs = standardise(x[train], x[test])
            m = RidgeCV(alphas=ALPHAS).fit(zt, y[train])
            if best is None or m.best_score_ > best[0]:
                best = (m.best_score_, name, m.predict(zs))
        per_split.append(pearson_eps(best[2], y[test]))
        chosen.append(best[1])
    print(json.dumps({"raw": float(np.mean(per_split)), "per_split": per_split, "chosen": chosen}, indent=1))


if __name__ == "__main__":
    main()
