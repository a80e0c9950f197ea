"""``sklearn-w2v phrases``: the word2vec C tool's ``word2phrase``, on gensim's phrase detection.

Two passes over ``-train``, as ``word2phrase`` makes: one counts words and
pairs (memory bounded by ``--max-vocab-size``), one writes each line with
its phrases joined, to a temporary file renamed to ``-output`` at the end.
Run it again on its own output for longer phrases, as the C tool's demo does.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence

from ..text import DEFAULT_MAX_VOCAB_SIZE, LineCorpus, PhraseTransformer
from ..vectors import atomic_write
from ._parsing import PROG, HelpFormatter, Parser, nonnegative_int, positive_int, spellings, wrap
from ._train import check_writable_target, say, say_summary, stderr_is_terminal


def phrases_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=f"{PROG} phrases",
        usage=f"{PROG} phrases -train FILE -output FILE [-min-count N] [-threshold X] [options]",
        description=wrap(
            "Join frequent word pairs into one token (new york -> new_york), as the word2vec C "
            "tool's word2phrase does, with its flags, defaults and score; the phrase detection is "
            "gensim's Phrases. Lines stay lines and tokens are split at whitespace. Run it a "
            "second time on its output for phrases of three and four words."
        ),
        epilog=(f"example: {PROG} phrases -train text.txt -output text-phrase.txt -threshold 200\n"
                f"         {PROG} phrases -train text-phrase.txt -output text-phrase2.txt "
                "-threshold 100"),
        formatter_class=HelpFormatter,
        allow_abbrev=False,
    )
    c = parser.add_argument_group("word2phrase flags (same names, meanings and defaults)")
    c.add_argument(*spellings("train"), metavar="FILE", dest="train", required=True,
                   help="text, one document per line (.gz ok)")
    c.add_argument(*spellings("output"), metavar="FILE", dest="output", required=True,
                   help="the text with its phrases joined (.gz compresses; may be -train itself)")
    c.add_argument(*spellings("min-count"), type=nonnegative_int, default=5, metavar="N",
                   dest="min_count", help="ignore words and pairs seen fewer times (default 5)")
    c.add_argument(*spellings("threshold"), type=float, default=100.0, metavar="X",
                   dest="threshold", help="join a pair scoring above this; higher, fewer phrases "
                   "(default 100)")
    c.add_argument(*spellings("debug"), type=nonnegative_int, default=None, metavar="N",
                   dest="debug", help="0 quiet, 1 or more: summaries (default 2 on a terminal; "
                   "elsewhere one summary line at the end)")
    x = parser.add_argument_group("extras")
    x.add_argument("--delimiter", default="_", help="put between the words of a phrase "
                   "(default _)")
    x.add_argument("--scoring", choices=("word2phrase", "default", "npmi"), default="word2phrase",
                   help="the pair score: word2phrase's (default), gensim's default, or npmi "
                   "(then -threshold lies in [-1, 1])")
    x.add_argument("--max-vocab-size", type=positive_int, default=DEFAULT_MAX_VOCAB_SIZE,
                   metavar="N", dest="max_vocab_size",
                   help="word and pair counts held while counting; rarer ones are pruned "
                   f"beyond it (default {DEFAULT_MAX_VOCAB_SIZE:,})")
    return parser


class _Counted:
    """The lines and tokens of a corpus, counted as they are read."""

    def __init__(self, corpus: LineCorpus):
        self.corpus = corpus
        self.lines = self.tokens = 0

    def __iter__(self) -> Iterator[list[str]]:
        self.lines = self.tokens = 0
        for tokens in self.corpus:
            self.lines += 1
            self.tokens += len(tokens)
            yield tokens


def run_phrases(argv: Sequence[str]) -> int:
    """Find the phrases of ``-train`` and write it with them joined to ``-output``."""
    args = phrases_parser().parse_args(list(argv))
    args.summary = args.debug is None
    if args.debug is None:
        args.debug = 2 if stderr_is_terminal() else 0
    check_writable_target(args.output, "-output")
    corpus = _Counted(LineCorpus(args.train))
    model = PhraseTransformer(min_count=args.min_count, threshold=args.threshold,
                              delimiter=args.delimiter, scoring=args.scoring,
                              max_vocab_size=args.max_vocab_size)
    say(args, 1, f"Starting phrase detection using file {args.train}")
    model.fit(corpus)
    say(args, 1, f"Words in train file: {corpus.tokens}")
    written = 0
    with atomic_write(args.output) as f:
        for tokens in model.iter_transform(corpus):
            written += len(tokens)
            f.write((" ".join(tokens) + "\n").encode("utf-8"))
    joined = corpus.tokens - written  # each phrase joins two tokens into one
    say(args, 1, f"Wrote {corpus.lines} lines, {joined} pairs joined, to {args.output}")
    say_summary(args, f"{corpus.tokens:,} words, {joined:,} pairs joined; wrote {args.output}")
    return 0
