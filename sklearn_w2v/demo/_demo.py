"""The demonstration (``python -m sklearn_w2v.demo``; see the package's docstring): train on a
small corpus, then show the neighbours of a few words and the evaluation scores.
"""

from __future__ import annotations

import argparse
import io
import math
import time
from collections.abc import Sequence

from .. import __version__
from .._files import open_binary
from ..cli import HelpParser
from ..estimator import W2V
from ..evaluation import evaluate
from ..text import default_corpus

# Words that occur often in the Lee corpus (news about Australia and the world).
DEFAULT_PROBES = ("government", "police", "australia", "president", "afghanistan")
N_NEIGHBOURS = 5


def read_documents(path: str) -> list[str]:
    """One raw-string document per non-blank line of ``path`` (``.gz`` is decompressed)."""
    with io.TextIOWrapper(open_binary(path), encoding="utf-8", errors="replace") as f:
        return [line for line in f if line.strip()]


def pick_probes(wv, wanted: Sequence[str], n: int = 4) -> list[str]:
    """The wanted words the model knows; failing that, a few mid-frequency words.

    Ranks 100, 200, ... skip the function words at the top of the vocabulary
    while still landing on words frequent enough to have useful neighbours.
    """
    known = [w for w in wanted if w in wv.key_to_index]
    if known:
        return known
    keys = wv.index_to_key
    return [keys[r] for r in range(100, 100 * (n + 1), 100) if r < len(keys)] or keys[:n]


def warm_up(sg: int) -> None:
    """Fit once on a toy corpus so that JIT compilation is not counted as training time."""
    W2V(sg=sg, vector_size=8, min_count=1, epochs=1, n_jobs=1, random_state=0).fit(
        [["warm", "up", "the", "kernels"]]
    )


def _fmt(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.3f}"


def build_parser() -> argparse.ArgumentParser:
    parser = HelpParser(
        prog="python -m sklearn_w2v.demo",
        description="Train word2vec on a small corpus and show what it learned.",
    )
    parser.add_argument(
        "--corpus",
        default=None,
        help="text file (optionally .gz), one document per line; "
        "default: gensim's bundled lee_background.cor",
    )
    parser.add_argument(
        "--epochs", type=int, default=15, help="passes over the corpus (default 15)"
    )
    parser.add_argument(
        "--sg", type=int, choices=(0, 1), default=1, help="1 skip-gram (default), 0 CBOW"
    )
    parser.add_argument(
        "--words",
        nargs="+",
        default=list(DEFAULT_PROBES),
        help="words whose nearest neighbours to show",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demonstration; ``argv`` defaults to the command line."""
    args = build_parser().parse_args(argv)
    path = args.corpus or default_corpus()

    docs = read_documents(path)
    if not docs:
        raise SystemExit(f"{path}: no documents (the file is empty)")

    print(f"sklearn_w2v {__version__} demo")
    start = time.perf_counter()
    warm_up(args.sg)
    print(
        f"numba kernels ready in {time.perf_counter() - start:.1f} s "
        "(compiled on the first run, loaded from the on-disk cache afterwards)"
    )
    print(f"corpus: {path}")
    model = W2V(
        sg=args.sg,
        vector_size=100,
        window=5,
        min_count=5,
        epochs=args.epochs,
        n_jobs=None,
        random_state=0,
    )
    start = time.perf_counter()
    model.fit(docs)
    wall = time.perf_counter() - start

    stats = model.training_stats_
    print(
        f"  {stats['n_documents']:,} documents, {stats['n_raw_words']:,} tokens; "
        f"{len(model.wv_):,} words with count >= {stats['effective_min_count']} "
        f"({stats['n_corpus_words']:,} tokens kept)"
    )
    print(
        f"training: {'skip-gram' if args.sg else 'CBOW'}, {args.epochs} epochs, "
        f"{stats['n_threads']} thread(s), {stats['backend']} backend: "
        f"{stats['seconds']:.2f} s, {stats['words_per_second']:,.0f} words/s "
        f"(fit incl. tokenizing and vocabulary: {wall:.2f} s)"
    )

    print(f"\nnearest neighbours (cosine similarity), top {N_NEIGHBOURS}:")
    for word in pick_probes(model.wv_, args.words):
        neighbours = model.wv_.most_similar(word, topn=N_NEIGHBOURS)
        shown = ", ".join(f"{w} {s:.2f}" for w, s in neighbours)
        print(f"  {word:>14}: {shown}")
    missing = [w for w in args.words if w not in model.wv_.key_to_index]
    if missing:
        print(f"  (not in the vocabulary: {', '.join(missing)})")

    scores = evaluate(model.wv_)
    print("\nintrinsic evaluation (gensim's bundled test sets):")
    print(f"  analogy accuracy (questions-words.txt): {_fmt(scores['analogy'])}")
    print(
        f"  WordSim353 Spearman: {_fmt(scores['wordsim353'])} "
        f"({scores['wordsim353_oov']:.0f}% of pairs out of vocabulary)"
    )
    print(
        f"  SimLex-999 Spearman: {_fmt(scores['simlex999'])} "
        f"({scores['simlex999_oov']:.0f}% of pairs out of vocabulary)"
    )
    if args.corpus is None:
        print(
            "  note: the demo corpus has only ~60k tokens, so these scores are low; "
            "train on millions of tokens (--corpus) for meaningful figures."
        )
    return 0
