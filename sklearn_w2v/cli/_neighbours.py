"""``sklearn-w2v neighbours``: nearest words by cosine similarity, as the C tool's ``distance``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..vectors import read_vectors
from ._parsing import PROG, Parser, add_vectors_args, positive_int


def neighbours_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=f"{PROG} neighbours",
        description="Nearest neighbours by cosine similarity. Words come from the command line, "
        "or else from standard input, one query per line (several words on a line: the "
        "neighbours of their summed vectors, as the C tool's 'distance' does).",
        allow_abbrev=False,
    )
    add_vectors_args(parser)
    parser.add_argument("words", metavar="WORD", nargs="*", help="query words")
    parser.add_argument("-n", "--topn", type=positive_int, default=10, metavar="N",
                        help="neighbours per query (default 10)")
    return parser


def missing_words_message(wv, missing: list[str]) -> str:
    """What to say about query words the vectors lack, with the lower-cased form where only
    that is known (a corpus lower-cased before training, queried as typed).
    """
    message = f"{PROG}: not in the vocabulary: {' '.join(missing)}"
    known = {w: w.lower() for w in missing if w.lower() != w and w.lower() in wv.key_to_index}
    if known:
        message += "; did you mean " + ", ".join(f"{w!r} -> {low!r}" for w, low in known.items())
        message += " (the vocabulary is case-sensitive)?"
    return message


def print_neighbours(wv, query: list[str], topn: int) -> bool:
    missing = [w for w in query if w not in wv.key_to_index]
    if missing:
        print(missing_words_message(wv, missing), file=sys.stderr)
        return False
    print(" ".join(query))
    for word, similarity in wv.most_similar(positive=query, topn=topn):
        print(f"  {word}\t{similarity:.4f}")
    return True


def run_neighbours(argv: Sequence[str]) -> int:
    args = neighbours_parser().parse_args(list(argv))
    wv = read_vectors(args.vectors, binary=args.binary)
    queries = [[w] for w in args.words] if args.words else (line.split() for line in sys.stdin)
    ok = True
    for query in queries:
        if query:
            ok &= print_neighbours(wv, query, args.topn)
            sys.stdout.flush()
    return 0 if ok else 1
