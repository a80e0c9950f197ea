"""Pretrained word vectors in a sentiment pipeline: frozen, fine-tuned, from scratch, tf-idf.

Usage::

    python examples/pretrained_movie_reviews.py [--data PATH] [--corpus PATH] [--threads N]

1. Pretraining: the command line tool trains CBOW vectors (100 dimensions,
   5 epochs) on en-mix, a 7.2M-token English corpus unrelated to movies, and
   saves them as a word2vec binary file in a temporary folder, as one would
   get a ``.bin`` file from elsewhere.
2. Five-fold cross-validation on the 2,000 movie reviews (the same folds
   for every model), each model ``features -> LogisticRegression``:

   (a) ``W2V(init_vectors=FILE, epochs=0)``: the pretrained vectors as they
       are (frozen); each fold only learns the idf weights of its reviews;
   (b) fine-tuned: the pretrained vectors trained further on each fold's
       training reviews (their new words start fresh);
   (c) from scratch: the same training with no pretrained vectors;
   (d) tf-idf (``TfidfVectorizer``), the usual baseline;
   (e) W2V features (a) beside tf-idf's in one ``FeatureUnion``.

The W2V features are tf-idf-weighted means of word vectors, standardised;
in the union they are scaled to unit length instead and weighted 0.5, so
that neither block swamps the other (tf-idf rows have unit length too, and
standardised dense features would outweigh its sparse ones). ``--C`` sets
the logistic regression's inverse regularisation for every model.
Everything a fold learns (vocabulary, vectors, idf, scaling) comes from its
training reviews only; ``init_vectors`` is a path, so each fit reads the file
(strictly) and ``clone`` copies only a string. The measured accuracies are in
``docs/user_guide/pretrained.md``.

Data: ``../shared/data/movie-reviews.tsv.gz`` (``label<TAB>text``) and
``../shared/data/en-mix.txt.gz`` next to the repository by default; the
script stops with a message when either is missing.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_w2v import W2V
from sklearn_w2v.cli import main as sklearn_w2v_cli

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SIZE = 100


def load_reviews(path: Path) -> tuple[list[str], np.ndarray]:
    """Review texts and labels (1 = pos, 0 = neg) from the ``label<TAB>text`` TSV."""
    texts, labels = [], []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        f.readline()  # the header
        for line in f:
            label, _, text = line.rstrip("\n").partition("\t")
            if label in ("pos", "neg"):
                texts.append(text)
                labels.append(int(label == "pos"))
    return texts, np.array(labels)


def pretrain(corpus: Path, folder: str, threads: int, epochs: int) -> str:
    """Train CBOW vectors on ``corpus`` with the command line tool; the binary file's path."""
    path = os.path.join(folder, "en-mix.bin")
    code = sklearn_w2v_cli(["-train", str(corpus), "-output", path, "-binary", "1",
                            "-size", str(SIZE), "-iter", str(epochs), "-cbow", "1",
                            "-min-count", "5", "-threads", str(threads), "--seed", "0",
                            "-debug", "1"])
    if code != 0:
        raise SystemExit(f"pretraining failed (exit code {code})")
    return path


def classifier(features, C: float) -> object:
    return make_pipeline(features, LogisticRegression(C=C, max_iter=2000))


def w2v_params(threads: int) -> dict:
    """What every W2V here shares: tf-idf-weighted means of CBOW vectors."""
    return dict(vector_size=SIZE, agg="tfidf", min_count=2, sg=0, epochs=10, n_jobs=threads,
                random_state=0)


def w2v(threads: int, **params) -> object:
    """W2V features for the classifier, standardised."""
    return make_pipeline(W2V(**{**w2v_params(threads), **params}), StandardScaler())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA / "movie-reviews.tsv.gz")
    parser.add_argument("--corpus", type=Path, default=DATA / "en-mix.txt.gz")
    parser.add_argument("--threads", type=int, default=2, help="W2V training threads (2)")
    parser.add_argument("--pretrain-epochs", type=int, default=5)
    parser.add_argument("--C", type=float, default=1.0, help="LogisticRegression's C (1.0)")
    args = parser.parse_args(argv)
    for path in (args.data, args.corpus):
        if not path.exists():
            print(f"{path} is missing: this example needs the shared data sets", file=sys.stderr)
            return 1
    texts, y = load_reviews(args.data)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        vectors = pretrain(args.corpus, folder, args.threads, args.pretrain_epochs)
        print(f"pretrained on {args.corpus.name} in {time.perf_counter() - start:.0f}s: "
              f"{os.path.getsize(vectors) / 1e6:.1f} MB word2vec binary\n")
        t, C = args.threads, args.C
        frozen = dict(init_vectors=vectors, epochs=0)
        union = FeatureUnion([("w2v", W2V(**{**w2v_params(t), **frozen, "norm": "l2"})),
                              ("tfidf", TfidfVectorizer())],
                             transformer_weights={"w2v": 0.5, "tfidf": 1.0})
        models = {
            "(a) pretrained, frozen (epochs=0)": classifier(w2v(t, **frozen), C),
            "(b) pretrained, fine-tuned": classifier(w2v(t, init_vectors=vectors), C),
            "(c) from scratch": classifier(w2v(t), C),
            "(d) tf-idf": classifier(TfidfVectorizer(), C),
            "(e) (a) + tf-idf, FeatureUnion": classifier(union, C),
        }
        print(f"{'model':34s} {'accuracy':>8s}  {'sd':>5s}  {'seconds':>7s}")
        for name, model in models.items():
            start = time.perf_counter()
            scores = cross_val_score(model, texts, y, cv=folds)
            print(f"{name:34s} {scores.mean():8.3f}  {scores.std():5.3f}  "
                  f"{time.perf_counter() - start:7.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
