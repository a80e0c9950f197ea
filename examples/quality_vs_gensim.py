"""Train sklearn_w2v and gensim on the same corpus and compare quality.

Usage::

    python examples/quality_vs_gensim.py [--corpus ../shared/data/en-mix.txt.gz] [--sg 1] \
        [--epochs 5] [--threads 2]

All get identical parameters: sklearn_w2v, gensim fed the same token lists
(iterable mode) and gensim reading a file (corpus_file mode). Each prints its
fit time and its scores on questions-words.txt (restrict_vocab=30000),
WordSim353 and SimLex-999.
"""

import argparse
import os
import tempfile
import time

from gensim.models import Word2Vec

from sklearn_w2v import W2V
from sklearn_w2v.demo import read_documents
from sklearn_w2v.evaluation import evaluate

DEFAULT_CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data",
                              "en-mix.txt.gz")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--sg", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not os.path.isfile(args.corpus):
        raise SystemExit(f"corpus not found: {args.corpus} (pass --corpus PATH)")

    docs = [line.split() for line in read_documents(args.corpus)]
    params = dict(vector_size=100, window=5, negative=5, sample=1e-3, min_count=5,
                  sg=args.sg, epochs=args.epochs)
    print(f"corpus: {sum(map(len, docs)):,} tokens in {len(docs):,} documents; {params}")

    W2V(min_count=1, n_jobs=1).fit([["compile", "the", "kernels"]])  # JIT outside the timing

    def timed(fit):
        start = time.perf_counter()
        wv = fit()
        return time.perf_counter() - start, evaluate(wv)

    rows = [("sklearn_w2v", *timed(lambda: W2V(
        **params, n_jobs=args.threads, random_state=args.seed).fit(docs).wv_))]
    rows.append(("gensim-iterable", *timed(lambda: Word2Vec(
        docs, **params, workers=args.threads, seed=args.seed).wv)))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for d in docs:
            f.write(" ".join(d) + "\n")
    try:
        rows.append(("gensim-corpus_file", *timed(lambda: Word2Vec(
            corpus_file=f.name, **params, workers=args.threads, seed=args.seed).wv)))
    finally:
        os.unlink(f.name)

    print(f"{'trainer':18} {'seconds':>8} {'analogy':>8} {'ws353':>7} {'simlex':>7}")
    for name, secs, ev in rows:
        print(f"{name:18} {secs:8.1f} {ev['analogy']:8.4f} {ev['wordsim353']:7.4f} "
              f"{ev['simlex999']:7.4f}")
    ours_s, a = rows[0][1:]
    for name, secs, b in rows[1:]:
        print(f"vs {name:15} analogy {100 * (a['analogy'] - b['analogy']):+.2f} points, "
              f"ws353 {a['wordsim353'] - b['wordsim353']:+.4f}, "
              f"simlex {a['simlex999'] - b['simlex999']:+.4f}; time ratio {ours_s / secs:.2f}")


if __name__ == "__main__":
    main()
