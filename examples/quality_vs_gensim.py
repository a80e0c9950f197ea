"""Train sklearn_w2v and gensim on the same corpus and compare quality.

Usage::

    python examples/quality_vs_gensim.py [--corpus ../shared/data/en-mix.txt.gz] [--sg 1] [--epochs 5] [--threads 2]

Both get identical parameters; each prints its training time and its scores
on questions-words.txt (restrict_vocab=30000), WordSim353 and SimLex-999.
"""

import argparse
import gzip
import os
import tempfile
import time

from gensim.models import Word2Vec

from sklearn_w2v import W2V
from sklearn_w2v.evaluation import evaluate

DEFAULT_CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "en-mix.txt.gz")


def read_corpus(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [line.split() for line in f]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--sg", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    docs = read_corpus(args.corpus)
    params = dict(vector_size=100, window=5, negative=5, sample=1e-3, min_count=5,
                  sg=args.sg, epochs=args.epochs)
    print(f"corpus: {sum(map(len, docs)):,} tokens in {len(docs):,} documents; {params}")

    start = time.perf_counter()
    ours = W2V(**params, n_jobs=args.threads, random_state=args.seed).fit(docs)
    ours_s = time.perf_counter() - start

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for d in docs:
            f.write(" ".join(d) + "\n")
    try:
        start = time.perf_counter()
        theirs = Word2Vec(corpus_file=f.name, **params, workers=args.threads, seed=args.seed)
        theirs_s = time.perf_counter() - start
    finally:
        os.unlink(f.name)

    rows = [("sklearn_w2v", ours_s, evaluate(ours.wv_)), ("gensim", theirs_s, evaluate(theirs.wv))]
    print(f"{'trainer':12} {'seconds':>8} {'analogy':>8} {'ws353':>7} {'simlex':>7}")
    for name, secs, ev in rows:
        print(f"{name:12} {secs:8.1f} {ev['analogy']:8.4f} {ev['wordsim353']:7.4f} {ev['simlex999']:7.4f}")
    a, b = rows[0][2], rows[1][2]
    print(f"difference   analogy {100 * (a['analogy'] - b['analogy']):+.2f} points, "
          f"ws353 {a['wordsim353'] - b['wordsim353']:+.4f}, simlex {a['simlex999'] - b['simlex999']:+.4f}; "
          f"time ratio {ours_s / theirs_s:.2f}")


if __name__ == "__main__":
    main()
