"""Weight norms and losses of sane and too-fast runs: the measurements behind the divergence checks.

Trains the same model at learning rates from the default up to far too
high, on gensim's Lee corpus and on a slice of en-mix, with skip-gram and
CBOW, on the numba and torch backends (torch on the CPU unless
``--device``), and prints one row per run: the largest and the 99th
percentile row norm of the word and context vectors, the product of the
two percentiles (the typical pair score that
:data:`~sklearn_w2v.training.SUSPECT_SCORE` bounds), the loss of the first
and last epoch, the WordSim-353 Spearman correlation (en-mix only; Lee
covers too few of its words) and what the estimator said (nothing, a
``ConvergenceWarning``, or ``FloatingPointError``). The thresholds of
:func:`sklearn_w2v.training.check_converged` were chosen from this table.

Usage (a few minutes on 2 cores)::

    python examples/divergence_thresholds.py --corpus PATH/en-mix.txt.gz --lines 5000
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import re
import sys
import tempfile
import warnings

import numpy as np
from gensim.test.utils import datapath
from sklearn.exceptions import ConvergenceWarning

from sklearn_w2v import W2V, LineCorpus
from sklearn_w2v.evaluation import score_word_pairs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EN_MIX = os.path.join(ROOT, "..", "shared", "data", "en-mix.txt.gz")


def row_norms(weights: np.ndarray) -> tuple[float, float]:
    norms = np.sqrt(np.einsum("ij,ij->i", weights, weights, dtype=np.float64))
    return float(norms.max()), float(np.percentile(norms, 99))


def measure(corpus, name: str, backend: str, sg: int, alpha: float, args) -> dict:
    params = dict(vector_size=args.size, min_count=5, epochs=args.epochs, sg=sg, alpha=alpha,
                  min_alpha=min(1e-4, alpha), backend=backend, random_state=0,
                  n_jobs=args.threads, compute_loss=True)
    if backend == "torch":
        params["device"] = args.device
    row = {"corpus": name, "backend": backend, "sg": sg, "alpha": alpha}
    model = W2V(**params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.fit(corpus)
        except FloatingPointError as exc:
            found = re.search(r"norm ([0-9.e+]+)", str(exc))
            row.update(verdict="error", word_max=float(found.group(1)) if found else math.inf)
            return row
    warned = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    row["verdict"] = "warning" if warned else "-"
    row["word_max"], row["word_p99"] = row_norms(model.wv_.vectors)
    row["context_max"], row["context_p99"] = row_norms(model.context_vectors_)
    row["score"] = row["word_p99"] * row["context_p99"]  # what check_converged compares
    loss = model.epoch_loss_
    row["loss_first"], row["loss_last"] = float(loss[0]), float(loss[-1])
    if name != "lee":
        row["wordsim"] = score_word_pairs(model.wv_, datapath("wordsim353.tsv"))[0]
    return row


def fmt(value, spec: str) -> str:
    return "" if value is None else format(value, spec)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=EN_MIX, help="en-mix (skipped when absent)")
    parser.add_argument("--lines", type=int, default=5000, help="lines of en-mix to train on")
    parser.add_argument("--alphas", default="0.025,0.05,0.1,0.25,0.5,1,2")
    parser.add_argument("--backends", default="numba,torch")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="torch device (default cpu)")
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args(argv)
    corpora = {"lee": LineCorpus(datapath("lee_background.cor"))}
    work = tempfile.mkdtemp(prefix="w2v-div-")
    if os.path.exists(args.corpus):
        path = os.path.join(work, "slice.txt")
        with gzip.open(args.corpus, "rb") as src, open(path, "wb") as dst:
            for _, line in zip(range(args.lines), src):
                dst.write(line)
        corpora[f"en-mix[:{args.lines}]"] = LineCorpus(path)
    rows = []
    print("| corpus | backend | sg | alpha | word max | word p99 | context max | context p99 "
          "| p99 x p99 | loss 1st | loss last | wordsim | result |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    try:
        for name, corpus in corpora.items():
            for backend in args.backends.split(","):
                for sg in (1, 0):
                    for alpha in map(float, args.alphas.split(",")):
                        r = measure(corpus, name, backend, sg, alpha, args)
                        rows.append(r)
                        print(f"| {name} | {backend} | {sg} | {alpha:g} "
                              f"| {fmt(r.get('word_max'), '.3g')} "
                              f"| {fmt(r.get('word_p99'), '.3g')} "
                              f"| {fmt(r.get('context_max'), '.3g')} "
                              f"| {fmt(r.get('context_p99'), '.3g')} "
                              f"| {fmt(r.get('score'), '.3g')} "
                              f"| {fmt(r.get('loss_first'), '.4g')} "
                              f"| {fmt(r.get('loss_last'), '.4g')} "
                              f"| {fmt(r.get('wordsim'), '.3f')} | {r['verdict']} |", flush=True)
    finally:
        for entry in os.listdir(work):
            os.remove(os.path.join(work, entry))
        os.rmdir(work)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
