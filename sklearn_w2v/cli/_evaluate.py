"""``sklearn-w2v evaluate``: analogy and word-pair scores of a vectors file."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence

from gensim.test.utils import datapath

from ..evaluation import score_analogies, score_word_pairs
from ..vectors import read_vectors
from ._parsing import PROG, CommandError, Parser, add_vectors_args, positive_int


def evaluate_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=f"{PROG} evaluate",
        description="Analogy accuracy and word-pair similarity correlations of a vectors file "
        "(defaults: the test sets shipped with gensim).",
        allow_abbrev=False,
    )
    add_vectors_args(parser)
    parser.add_argument("--analogies", metavar="FILE", default=None,
                        help="analogy questions in questions-words.txt format (default: gensim's "
                        "questions-words.txt); 'none' skips them")
    parser.add_argument("--pairs", metavar="FILE", nargs="+", default=None,
                        help="word pairs with human scores, tab-separated (default: gensim's "
                        "wordsim353.tsv and simlex999.txt)")
    parser.add_argument("--restrict-vocab", type=positive_int, default=30_000, metavar="N",
                        help="analogies count only questions among the N most frequent words "
                        "(default 30000)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of a table")
    return parser


def evaluate_vectors(wv, analogies: str | None, pairs: Sequence[str], restrict_vocab: int) -> dict:
    """Scores of ``wv`` on an analogy file and word-pair files, keyed by file name."""
    results: dict[str, dict] = {}
    if analogies is not None:
        score, n = score_analogies(wv, analogies, restrict_vocab)
        results[os.path.basename(analogies)] = {"accuracy": score, "questions": n}
    for path in pairs:
        spearman, oov = score_word_pairs(wv, path)
        results[os.path.basename(path)] = {"spearman": spearman, "oov_percent": oov}
    return results


def run_evaluate(argv: Sequence[str]) -> int:
    args = evaluate_parser().parse_args(list(argv))
    analogies = args.analogies
    if analogies is None:
        analogies = datapath("questions-words.txt")
    elif analogies.lower() == "none":
        analogies = None
    pairs = args.pairs or [datapath("wordsim353.tsv"), datapath("simlex999.txt")]
    for path in ([analogies] if analogies else []) + list(pairs):
        if not os.path.isfile(path):
            raise CommandError(f"evaluation file not found: {path}")
    wv = read_vectors(args.vectors, binary=args.binary)
    results = evaluate_vectors(wv, analogies, pairs, args.restrict_vocab)
    if args.json:
        # NaN (no pair in the vocabulary) is not JSON: null instead.
        clean = {k: {m: (None if v != v else v) for m, v in r.items()} for k, r in results.items()}
        print(json.dumps({"vectors": args.vectors, "words": len(wv), "results": clean}, indent=2))
        return 0
    print(f"{args.vectors}: {len(wv)} words, {wv.vector_size} dimensions")
    for name, r in results.items():
        if "accuracy" in r:
            print(f"  {name:<24} accuracy {r['accuracy']:.4f} on {r['questions']} questions")
        else:
            print(f"  {name:<24} spearman {r['spearman']:.4f}, "
                  f"{r['oov_percent']:.1f}% pairs skipped")
    return 0
