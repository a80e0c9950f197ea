"""``torchrun ... -m sklearn_w2v.distributed``: the word2vec command line on every rank.

Every rank parses the same flags, takes its shard of the ``-train`` files,
trains with :func:`~sklearn_w2v.distributed.fit_distributed`, and rank 0
alone writes the outputs, in the formats of single-process training.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import torch
import torch.distributed as dist

from ..cli import (
    PROG,
    CommandError,
    check_writable_target,
    estimator_from_args,
    int_at_least,
    parse_train_args,
    say,
    say_summary,
    train_parser,
    training_summary,
    write_outputs,
)
from ..estimator import save
from ..text import LineCorpus, shard_files
from ._fit import DEFAULT_SYNC_WORDS, fit_distributed
from ._group import DEFAULT_TIMEOUT, DistributedError, agree, collective, join_group, leave_group
from ._sync import COMBINE, ROWS

#: -threads default: the cores of a machine shared among its ranks.
_SHARE_CORES = 0


def distributed_parser() -> argparse.ArgumentParser:
    """The training parser with several ``-train`` files and the distributed options."""
    parser = train_parser(several_files=True)
    parser.prog = "torchrun --nproc-per-node K -m sklearn_w2v.distributed"
    parser.usage = f"{parser.prog} -train FILE [FILE ...] -output FILE [options]"
    parser.description = (
        "Train word vectors on all ranks of a torchrun launch. Each rank reads its shard of the "
        "-train files (whole files, or byte ranges of plain text files cut at line ends), the "
        "vocabulary is merged over all shards, ranks train locally and all-reduce their updates "
        "every --sync-words words, and rank 0 writes the outputs. Flags as the single-process "
        f"'{PROG}' command; -threads defaults to the machine's cores shared among its ranks."
    )
    parser.set_defaults(threads=_SHARE_CORES)
    parser.epilog = (
        f"example: {parser.prog} -train a.txt b.txt.gz -output vectors.bin -binary 1 -cbow 0\n"
        "         torchrun --nnodes 2 --nproc-per-node 8 --rdzv-backend c10d --rdzv-endpoint "
        "HOST:29400 -m sklearn_w2v.distributed --backend torch -train corpus.txt -output v.bin"
    )
    d = parser.add_argument_group("distributed")
    d.add_argument("--sync-words", type=int_at_least(1, "--sync-words"), default=DEFAULT_SYNC_WORDS,
                   metavar="N", help="corpus words each rank trains between synchronisations "
                   f"(default {DEFAULT_SYNC_WORDS:,})")
    d.add_argument("--combine", choices=COMBINE, default="sum",
                   help="how the ranks' updates combine: added (sum, the default: keeps "
                   "single-process quality), averaged (mean), or each row averaged over the ranks "
                   "that changed it (touched-mean); see sklearn_w2v.distributed.WeightSync")
    d.add_argument("--sync-rows", choices=ROWS, default="touched", dest="rows",
                   help="all-reduce only the rows some rank changed, or all rows; same result, "
                   "other traffic (default touched)")
    d.add_argument("--dist-backend", choices=("auto", "gloo", "nccl"), default="auto",
                   help="torch.distributed backend (auto: nccl for --backend torch on CUDA, "
                   "else gloo)")
    d.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help="how long a rank waits for its peers, to join or in any collective, "
                   f"before failing (default {DEFAULT_TIMEOUT:g})")
    d.add_argument("--save-model", metavar="FILE", dest="save_model",
                   help="also save the fitted W2V estimator: FILE.skops as skops (data only), "
                   "any other name with joblib (sklearn_w2v.persistence.load reads both)")
    return parser


def _process_group_backend(args) -> str:
    if args.dist_backend != "auto":
        return args.dist_backend
    wants_cuda = args.backend == "torch" and (
        args.device is None or str(args.device).startswith("cuda")
    )
    return "nccl" if wants_cuda and torch.cuda.is_available() else "gloo"


def _my_shard(files: list[str]) -> LineCorpus | None:
    """Rank 0 plans the shards and sends them, so that all ranks follow one plan."""
    rank, size = dist.get_rank(), dist.get_world_size()
    plan: list = [None]
    error = None
    if rank == 0:
        try:
            plan = [shard_files(files, size)]
        except (OSError, ValueError) as exc:
            error = exc
    agree(error, "planning the shards")
    with collective("sending the shard plan"):
        dist.broadcast_object_list(plan, src=0)
    mine = plan[0][rank]
    corpus = None
    try:
        corpus = LineCorpus(mine) if mine else None
    except (OSError, ValueError) as exc:
        error = exc
    agree(error, "opening the shards")
    empty = [r for r, shard in enumerate(plan[0]) if not shard]
    if empty and rank == 0:
        print(f"{PROG} distributed: warning: rank(s) {empty} got no lines (fewer splittable "
              "parts than ranks: .gz files go whole to one rank); they only synchronise",
              file=sys.stderr)
    return corpus


def _train(args) -> int:
    rank = dist.get_rank()
    error = None
    if rank == 0:
        try:
            check_writable_target(args.output, "-output")
            check_writable_target(args.save_vocab, "-save-vocab")
            check_writable_target(args.save_model, "--save-model")
        except CommandError as exc:
            error = exc
    agree(error, "checking the output files")
    estimator = estimator_from_args(args)
    if args.threads == _SHARE_CORES:
        estimator.set_params(n_jobs=None)
    if rank != 0:
        estimator.set_params(verbose=0)
    corpus = _my_shard(args.train)
    if rank == 0:
        say(args, 1,
            f"Starting training on {dist.get_world_size()} ranks using {' '.join(args.train)}")
    model = fit_distributed(estimator, corpus, sync_words=args.sync_words,
                            combine=args.combine, rows=args.rows)
    if rank == 0:
        stats = model.training_stats_
        say(args, 1, f"Vocab size: {len(model.wv_)}")
        say(args, 1, f"Words in train files: {stats['n_raw_words']}")
        say(args, 1,
             f"Trained in {stats['seconds']:.1f}s, {stats['words_per_second']:,.0f} words/s on "
             f"{stats['world_size']} ranks x {stats['n_threads']} threads ({stats['backend']}); "
             f"{stats['n_syncs']} synchronisations took {stats['sync_seconds']:.1f}s and "
             f"{stats['bytes_reduced_per_epoch'] / 1e6:,.1f} MB per epoch per rank; "
             f"{stats['touched_rows_per_sync']:,.0f} of the {2 * len(model.wv_):,} rows touched "
             "per synchronisation")
        write_outputs(args, model.wv_)
        if args.save_model:
            save(model, args.save_model)
            say(args, 1, f"Saved the fitted estimator to {args.save_model}")
        say_summary(args, training_summary(stats, len(model.wv_), args.output,
                                           stats["world_size"]))
    with collective("waiting for rank 0 to write the outputs"):
        dist.barrier()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one rank of a distributed training command line; return its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parse_train_args(argv, distributed_parser())
        if not args.output:
            raise CommandError("-output FILE is required (distributed training writes vectors)")
        if not args.timeout > 0:
            raise CommandError(f"--timeout must be positive, got {args.timeout}")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    except CommandError as exc:
        print(f"{PROG} distributed: error: {exc}", file=sys.stderr)
        return 2
    rank = os.environ.get("RANK", "?")
    try:
        join_group(_process_group_backend(args), args.timeout)
        try:
            return _train(args)
        finally:
            leave_group()
    except KeyboardInterrupt:
        print(f"{PROG} distributed: rank {rank}: interrupted; no partial files were written",
              file=sys.stderr)
        return 130
    except (DistributedError, CommandError, ValueError, TypeError, OSError,
            FloatingPointError) as exc:
        print(f"{PROG} distributed: rank {rank}: error: {exc}", file=sys.stderr, flush=True)
        return 1
