"""The ``sklearn-w2v`` command: the word2vec C tool's command line, and next steps.

Usage::

    sklearn-w2v [train] -train FILE [-output FILE] [C-tool flags] [extras]
    sklearn-w2v evaluate VECTORS [--analogies FILE] [--pairs FILE ...]
    sklearn-w2v neighbours VECTORS [WORD ...] [-n N]
    sklearn-w2v bench [bench arguments]

(``python -m sklearn_w2v`` is the same command.) The first argument picks
what to do: one of the sub-command names ``evaluate``, ``neighbours`` (or
``neighbors``) and ``bench``, or ``train``, which may be left out, so that
a word2vec C tool command line (``-train ... -output ...``) works as is.
Anything else starting with ``-`` is read as training flags. Without
arguments the training help is shown, as the C tool does.

Training takes the C tool's flags with the same names, meanings and
defaults (``-size 100 -window 5 -sample 1e-3 -negative 5 -iter 5
-min-count 5 -cbow 1 -binary 0 -debug 2``, ``-alpha`` 0.05 for CBOW and
0.025 for skip-gram), spelled with one dash as the C tool spells them or
with two. Differences from the C tool:

* ``-hs 1`` (hierarchical softmax) is refused: only negative sampling is
  offered.
* ``-threads`` defaults to the cores this process may use, not 12: the
  threads share the vectors without locks (Hogwild), so more threads than
  cores only slow training down.
* Files hold no ``</s>`` entry: documents are lines and are never joined,
  so the C tool's newline token is not needed. ``-read-vocab`` skips the
  ``</s>`` line of a C tool vocabulary file.
* Text vector files keep nine significant digits (exact float32) where the
  C tool prints six decimals.
* Progress lines (percent done, learning rate, words/s) go to stderr when
  it is a terminal, or when ``-debug 2`` or more is given; ``-debug 1``
  prints only summaries and ``-debug 0`` nothing.

Each file is written to a temporary name and renamed into place once
complete, so an interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence

import numpy as np

from . import __version__
from .backends import backend_names
from .estimator import W2V, available_cpus
from .evaluation import datapath, score_analogies, score_word_pairs
from .line_corpus import LineCorpus
from .word2vec_format import (
    Word2VecFormatError,
    read_vectors,
    read_vocabulary,
    write_classes,
    write_vectors,
    write_vocabulary,
)

PROG = "sklearn-w2v"
SUBCOMMANDS = ("train", "evaluate", "neighbours", "neighbors", "bench")
USAGE = f"""\
{PROG} [train] -train FILE [-output FILE] [options]
       {PROG} evaluate VECTORS [options]
       {PROG} neighbours VECTORS [WORD ...] [-n N]
       {PROG} bench [bench options]"""

CBOW_ALPHA, SKIPGRAM_ALPHA = 0.05, 0.025
# The C tool never lets the learning rate fall below this share of its start.
MIN_ALPHA_SHARE = 1e-4


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit status 1."""


# ---------------------------------------------------------------- argument types


def _int_at_least(minimum: int, what: str):
    """An argparse type: an integer >= ``minimum``, described as ``what`` in errors."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1, "a positive integer")
_nonnegative_int = _int_at_least(0, "an integer >= 0")


def _nonnegative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (np.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    value = _nonnegative_float(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected a number > 0, got 0")
    return value


def _flag01(text: str) -> int:
    if text not in ("0", "1"):
        raise argparse.ArgumentTypeError(f"expected 0 or 1, got {text!r}")
    return int(text)


def _binary_choice(text: str) -> bool | None:
    if text == "auto":
        return None
    return bool(_flag01(text))


class _Parser(argparse.ArgumentParser):
    """No abbreviated flags: ``-siz`` must not pass for ``-size``.

    ``allow_abbrev=False`` does not cover one-dash long flags on every Python
    version, so only the split of a one-letter flag from its glued value
    (``-n3``) is kept from argparse's prefix matching.
    """

    def _get_option_tuples(self, option_string):
        return [t for t in super()._get_option_tuples(option_string) if len(t[1]) == 2]


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Lists each C-tool flag once, in its one-dash spelling."""

    def _format_action_invocation(self, action):
        shown = [
            s for s in action.option_strings
            if not (s.startswith("--") and s[1:] in action.option_strings)
        ]
        if len(shown) == len(action.option_strings):
            return super()._format_action_invocation(action)
        copy = argparse.Action(shown, action.dest, nargs=action.nargs, metavar=action.metavar)
        return super()._format_action_invocation(copy)


def _wrap(text: str) -> str:
    import textwrap

    return "\n\n".join(textwrap.fill(p, 79, break_on_hyphens=False) for p in text.split("\n\n"))


def _spellings(name: str) -> list[str]:
    """The C tool's one-dash spelling and the two-dash one."""
    return [f"-{name}", f"--{name}"]


# ---------------------------------------------------------------- training


def train_parser(several_files: bool = False) -> argparse.ArgumentParser:
    """The parser of training command lines (C-tool flags and extras).

    ``several_files`` lets ``-train`` take several files (read in order).
    """
    cpus = available_cpus()
    parser = _Parser(
        prog=PROG,
        usage=USAGE,
        description=_wrap(
            "Train word vectors with skip-gram or CBOW and negative sampling, taking the "
            "word2vec C tool's flags. Each flag may also be spelled with two dashes "
            "(--size). Without -output only the vocabulary is built (and saved with "
            "-save-vocab), as the C tool does.\n\n"
            "Sub-commands: 'evaluate' (analogy and similarity scores of a vectors file), "
            "'neighbours' (nearest words), 'bench' (benchmarks) and 'distributed' "
            "(training on the ranks of a torchrun launch); see "
            f"'{PROG} SUBCOMMAND --help'."
        ),
        epilog=(
            f"example: {PROG} -train text.txt -output vectors.bin -cbow 0 -size 200 "
            "-window 10 -negative 5 -sample 1e-4 -binary 1 -iter 3\n"
            f"         {PROG} evaluate vectors.bin\n"
            f"         {PROG} neighbours vectors.bin king queen -n 5"
        ),
        formatter_class=_HelpFormatter,
        allow_abbrev=False,
    )
    c = parser.add_argument_group("word2vec C tool flags (same names, meanings and defaults)")
    c.add_argument(*_spellings("train"), metavar="FILE", dest="train", nargs="+" if several_files else None,
                   help="training text: one document per line, whitespace-separated tokens (.gz ok)")
    c.add_argument(*_spellings("output"), metavar="FILE", dest="output",
                   help="write the word vectors (or, with -classes, word classes) here")
    c.add_argument(*_spellings("size"), type=_positive_int, default=100, metavar="N", dest="size",
                   help="dimensions of the word vectors (default 100)")
    c.add_argument(*_spellings("window"), type=_positive_int, default=5, metavar="N", dest="window",
                   help="maximum skip length between words (default 5)")
    c.add_argument(*_spellings("sample"), type=_nonnegative_float, default=1e-3, metavar="X",
                   dest="sample", help="threshold for down-sampling frequent words; 0 off (default 1e-3)")
    c.add_argument(*_spellings("hs"), type=int, default=0, metavar="0", dest="hs",
                   help="hierarchical softmax: not offered, only 0 is accepted (default 0)")
    c.add_argument(*_spellings("negative"), type=_positive_int, default=5, metavar="N", dest="negative",
                   help="noise words per example (default 5)")
    c.add_argument(*_spellings("threads"), "--processes", type=_positive_int, default=None, metavar="N",
                   dest="threads",
                   help=f"training threads (default: the {cpus} cores this process may use; the C "
                   "tool's default is 12, but the threads share vectors Hogwild-style and more "
                   "threads than cores only slow training)")
    c.add_argument(*_spellings("iter"), type=_positive_int, default=5, metavar="N", dest="iter",
                   help="training epochs (default 5)")
    c.add_argument(*_spellings("min-count"), type=_nonnegative_int, default=5, metavar="N",
                   dest="min_count", help="discard words seen fewer times (default 5)")
    c.add_argument(*_spellings("alpha"), type=_positive_float, default=None, metavar="X", dest="alpha",
                   help=f"starting learning rate (default {SKIPGRAM_ALPHA} for skip-gram, "
                   f"{CBOW_ALPHA} for CBOW)")
    c.add_argument(*_spellings("classes"), type=_nonnegative_int, default=0, metavar="N", dest="classes",
                   help="write 'word class' lines from k-means with N classes instead of the "
                   "vectors; 0 writes vectors (default 0)")
    c.add_argument(*_spellings("debug"), type=_nonnegative_int, default=None, metavar="N", dest="debug",
                   help="0 quiet, 1 summaries, 2 also progress lines (default 2 when stderr is a "
                   "terminal, else 0)")
    c.add_argument(*_spellings("binary"), type=_flag01, default=0, metavar="0|1", dest="binary",
                   help="1 writes vectors in binary format (default 0: text)")
    c.add_argument(*_spellings("save-vocab"), metavar="FILE", dest="save_vocab",
                   help="write the vocabulary as 'word count' lines")
    c.add_argument(*_spellings("read-vocab"), metavar="FILE", dest="read_vocab",
                   help="take the vocabulary and counts from this file instead of counting "
                   "(-min-count still applies; a '</s>' line is skipped)")
    c.add_argument(*_spellings("cbow"), type=_flag01, default=1, metavar="0|1", dest="cbow",
                   help="1 CBOW, 0 skip-gram (default 1)")
    x = parser.add_argument_group("extras")
    x.add_argument("--backend", choices=backend_names(), default="numba",
                   help="training backend (default numba)")
    x.add_argument("--device", default=None,
                   help="device for backends that have one, e.g. cuda (default: the backend's)")
    x.add_argument("--seed", type=_nonnegative_int, default=None, metavar="N",
                   help="seed of the initial vectors and random draws; with -threads 1 a run "
                   "is then reproducible (default: fresh randomness)")
    x.add_argument("--min-alpha", type=_nonnegative_float, default=None, dest="min_alpha", metavar="X",
                   help="final learning rate (default: alpha * 0.0001, the C tool's floor)")
    x.add_argument("--ns-exponent", type=float, default=0.75, dest="ns_exponent", metavar="X",
                   help="exponent of counts in the noise distribution (default 0.75)")
    x.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def parse_train_args(argv: Sequence[str], parser: argparse.ArgumentParser | None = None) -> argparse.Namespace:
    """Parse and complete a training command line.

    Resolved here, as the C tool resolves them: ``alpha`` (0.05 for CBOW,
    0.025 for skip-gram, unless given), ``min_alpha``, ``threads`` and
    ``debug``. Raises ``SystemExit(2)`` with a message on bad flags.
    """
    parser = parser or train_parser()
    args = parser.parse_args(list(argv))
    if args.hs != 0:
        parser.error(
            f"-hs {args.hs}: hierarchical softmax is not offered; train with negative "
            "sampling (-hs 0 -negative N; N defaults to 5)"
        )
    if not args.train:
        parser.error("-train FILE is required")
    if args.alpha is None:
        args.alpha = CBOW_ALPHA if args.cbow else SKIPGRAM_ALPHA
    if args.min_alpha is None:
        args.min_alpha = args.alpha * MIN_ALPHA_SHARE
    elif args.min_alpha > args.alpha:
        parser.error(f"--min-alpha {args.min_alpha} must not exceed -alpha {args.alpha}")
    if args.threads is None:
        args.threads = available_cpus()
    if args.debug is None:
        args.debug = 2 if _stderr_is_terminal() else 0
    return args


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def estimator_from_args(args: argparse.Namespace, vocabulary=None) -> W2V:
    """The :class:`~sklearn_w2v.W2V` that a parsed training command line asks for."""
    kwargs = dict(
        vector_size=args.size,
        window=args.window,
        min_count=args.min_count,
        sample=args.sample,
        negative=args.negative,
        ns_exponent=args.ns_exponent,
        alpha=args.alpha,
        min_alpha=args.min_alpha,
        sg=0 if args.cbow else 1,
        cbow_mean=1,  # the C tool averages the context in CBOW
        epochs=args.iter,
        random_state=args.seed,
        n_jobs=args.threads,
        verbose=1 if args.debug >= 2 else 0,
        backend=args.backend,
    )
    if args.device is not None:
        kwargs["device"] = args.device
    if vocabulary is not None:
        kwargs["vocabulary"] = vocabulary
    return W2V(**kwargs)


def _check_writable_target(path: str | None, flag: str) -> None:
    """Fail before training, not after, when a result could not be written."""
    if path is None:
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CommandError(f"{flag} {path}: folder {folder} does not exist")
    if os.path.isdir(path):
        raise CommandError(f"{flag} {path}: is a folder")
    if not os.access(folder, os.W_OK):
        raise CommandError(f"{flag} {path}: cannot write in {folder}")


def _say(args, level: int, message: str) -> None:
    if args.debug >= level:
        print(message, file=sys.stderr, flush=True)


def _vocabulary_only(args) -> int:
    """The C tool's run without -output: build (or read) and save the vocabulary."""
    from array import array

    from .vocabulary import VocabularyScanner, prepare_vocabulary

    n_words = None
    if args.read_vocab:
        counts = read_vocabulary(args.read_vocab, skip_eos=True)
        pairs = [(w, c) for w, c in counts.items() if c >= args.min_count]
        pairs.sort(key=lambda wc: -wc[1])  # stable: ties keep the file's order
    else:
        scanner, ids = VocabularyScanner(), array("i")
        for tokens in LineCorpus(args.train):
            scanner.add(tokens, ids)
        raw = scanner.finish(ids)
        vocab, _ = prepare_vocabulary(raw, min_count=args.min_count)
        pairs, n_words = list(zip(vocab.words, vocab.counts.tolist())), raw.n_words
    if not pairs:
        raise CommandError(f"no word occurs at least -min-count {args.min_count} times")
    _say(args, 1, f"Vocab size: {len(pairs)}")
    if n_words is not None:
        _say(args, 1, f"Words in train file: {n_words}")
    if args.save_vocab:
        write_vocabulary(args.save_vocab, pairs)
        _say(args, 1, f"Wrote {len(pairs)} words to {args.save_vocab}")
    return 0


def word_classes(vectors: np.ndarray, n_classes: int, seed: int | None) -> np.ndarray:
    """K-means classes of the directions of ``vectors`` (as the C tool clusters them).

    The C tool assigns each word to the centroid of largest dot product with
    unit-length centroids, i.e. by cosine; k-means on unit-length vectors
    groups by the same criterion.
    """
    from sklearn.cluster import KMeans

    if n_classes > len(vectors):
        raise CommandError(f"-classes {n_classes} exceeds the {len(vectors)} words of the vocabulary")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.maximum(norms, np.finfo(np.float32).tiny)
    km = KMeans(n_clusters=n_classes, n_init=1, random_state=seed)
    return km.fit_predict(unit).astype(np.int64)


def run_train(argv: Sequence[str]) -> int:
    """Train (or build the vocabulary) as a word2vec C tool command line asks."""
    if not argv:
        train_parser().print_help()
        return 0
    args = parse_train_args(argv)
    _check_writable_target(args.output, "-output")
    _check_writable_target(args.save_vocab, "-save-vocab")
    corpus = LineCorpus(args.train)
    if not args.output:
        return _vocabulary_only(args)
    vocabulary = read_vocabulary(args.read_vocab, skip_eos=True) if args.read_vocab else None
    model = estimator_from_args(args, vocabulary)
    _say(args, 1, f"Starting training using file {args.train}")
    model.fit(corpus)
    wv, stats = model.wv_, model.training_stats_
    _say(args, 1, f"Vocab size: {len(wv)}")
    _say(args, 1, f"Words in train file: {stats['n_raw_words']}")
    _say(
        args, 1,
        f"Trained in {stats['seconds']:.1f}s, {stats['words_per_second']:,.0f} words/s "
        f"on {stats['n_threads']} thread{'s' if stats['n_threads'] != 1 else ''} ({stats['backend']})",
    )
    write_outputs(args, wv)
    return 0


def write_outputs(args: argparse.Namespace, wv) -> None:
    """Write what -output, -classes and -save-vocab ask for, from trained vectors."""
    if args.save_vocab:
        write_vocabulary(args.save_vocab, zip(wv.index_to_key, wv.expandos["count"].tolist()))
        _say(args, 1, f"Wrote {len(wv)} words to {args.save_vocab}")
    if args.classes:
        classes = word_classes(wv.vectors, args.classes, args.seed)
        write_classes(args.output, wv.index_to_key, classes)
        _say(args, 1, f"Wrote {args.classes} classes of {len(wv)} words to {args.output}")
    else:
        write_vectors(args.output, wv.index_to_key, wv.vectors, binary=bool(args.binary))
        layout = "binary" if args.binary else "text"
        _say(args, 1, f"Wrote {len(wv)} vectors of {wv.vector_size} dimensions ({layout}) to {args.output}")


# ---------------------------------------------------------------- evaluate


def _add_vectors_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vectors", metavar="VECTORS", help="word2vec vectors file (text or binary, .gz ok)")
    parser.add_argument("--binary", type=_binary_choice, default=None, metavar="auto|0|1",
                        help="layout of VECTORS (default auto: detected from the first row)")


def evaluate_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{PROG} evaluate",
        description="Analogy accuracy and word-pair similarity correlations of a vectors file "
        "(defaults: the test sets shipped with gensim).",
        allow_abbrev=False,
    )
    _add_vectors_args(parser)
    parser.add_argument("--analogies", metavar="FILE", default=None,
                        help="analogy questions in questions-words.txt format (default: gensim's "
                        "questions-words.txt); 'none' skips them")
    parser.add_argument("--pairs", metavar="FILE", nargs="+", default=None,
                        help="word pairs with human scores, tab-separated (default: gensim's "
                        "wordsim353.tsv and simlex999.txt)")
    parser.add_argument("--restrict-vocab", type=_positive_int, default=30_000, metavar="N",
                        help="analogies count only questions among the N most frequent words "
                        "(default 30000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
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
            print(f"  {name:<24} spearman {r['spearman']:.4f}, {r['oov_percent']:.1f}% pairs skipped")
    return 0


# ---------------------------------------------------------------- neighbours


def neighbours_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{PROG} neighbours",
        description="Nearest neighbours by cosine similarity. Words come from the command line, "
        "or else from standard input, one query per line (several words on a line: the "
        "neighbours of their summed vectors, as the C tool's 'distance' does).",
        allow_abbrev=False,
    )
    _add_vectors_args(parser)
    parser.add_argument("words", metavar="WORD", nargs="*", help="query words")
    parser.add_argument("-n", "--topn", type=_positive_int, default=10, metavar="N",
                        help="neighbours per query (default 10)")
    return parser


def _print_neighbours(wv, query: list[str], topn: int) -> bool:
    missing = [w for w in query if w not in wv.key_to_index]
    if missing:
        print(f"{PROG}: not in the vocabulary: {' '.join(missing)}", file=sys.stderr)
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
            ok &= _print_neighbours(wv, query, args.topn)
            sys.stdout.flush()
    return 0 if ok else 1


# ---------------------------------------------------------------- bench


def run_bench(argv: Sequence[str]) -> int:
    """Forward to ``python -m sklearn_w2v.bench``."""
    try:
        bench = importlib.import_module("sklearn_w2v.bench")
    except ModuleNotFoundError as exc:
        if exc.name != "sklearn_w2v.bench":
            raise
        raise CommandError("'bench' needs the module sklearn_w2v.bench, which this installation lacks") from None
    return int(bench.main(list(argv)) or 0)


# ---------------------------------------------------------------- entry point

def run_distributed(argv: Sequence[str]) -> int:
    """``sklearn-w2v distributed ...``: the same as ``python -m sklearn_w2v.distributed ...``."""
    try:
        from .distributed.cli import main as distributed_main
    except ModuleNotFoundError as exc:
        if exc.name != "torch":
            raise
        from .backends import TORCH_MISSING

        raise CommandError(f"'distributed' needs PyTorch. {TORCH_MISSING}") from None
    return distributed_main(list(argv))


_COMMANDS = {
    "train": run_train,
    "distributed": run_distributed,
    "evaluate": run_evaluate,
    "neighbours": run_neighbours,
    "neighbors": run_neighbours,
    "bench": run_bench,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Bad flags exit with status 2 and a usage message, errors in the input
    files or the training with status 1 and a one-line message, an
    interrupt with status 130.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in _COMMANDS:
        command, argv = _COMMANDS[argv[0]], argv[1:]
    else:
        command = run_train
    try:
        return command(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; no partial files were written", file=sys.stderr)
        return 130
    except (CommandError, Word2VecFormatError, FileNotFoundError, ValueError, FloatingPointError, OSError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
