"""Command line: ``python -m sklearn_w2v.bench --help``."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..cli import HelpParser, add_declared
from ..training import shown_in
from ._params import (
    MODEL_OPTIONS,
    BenchParams,
    available_trainers,
    parse_int_list,
    parse_name_list,
)
from ._report import markdown_table, scaling_markdown, scaling_text, text_table
from ._runner import run_benchmark


def build_parser() -> argparse.ArgumentParser:
    """The benchmark's options (gensim 4's defaults)."""
    p = HelpParser(
        prog="python -m sklearn_w2v.bench",
        description="Train our backends and gensim on one corpus with identical parameters; "
        "report words/s, end-to-end time, peak memory and quality, with ratios to gensim.",
    )
    p.add_argument("--corpus", metavar="PATH",
                   help="text file (or .gz), one document per line; "
                   "default: gensim's lee_background.cor")
    p.add_argument("--backends", metavar="NAMES", default="",
                   help="comma list of trainers; default: all available "
                   "(numba, torch when installed, gensim-file, gensim-iter); one of ours may "
                   "carry backend options (or sg_rule, cbow_schedule) after a colon, "
                   "';'-separated, to compare variants: numba:sg_rule=hogbatch")
    p.add_argument("--threads", metavar="N[,N...]", default="",
                   help="thread count(s); several (e.g. 1,2,4,8,16) also report each "
                   "trainer's speed-up and efficiency over its run at the fewest threads, "
                   "run by run; default: all available cores")
    # The declared training parameters the benchmark shows (sg_rule and cbow_schedule are
    # our trainers' only; a trainer's name may override them: numba:sg_rule=hogbatch).
    for parameter in shown_in("bench"):
        add_declared(p, parameter, f"--{parameter.name.replace('_', '-')}",
                     note="; our trainers only" if parameter.name in MODEL_OPTIONS else "")
    p.add_argument("--min-count", type=int, default=5,
                   help="drop rarer words (default: %(default)s)")
    p.add_argument("--device", help="torch device for the torch trainer (e.g. cpu, cuda)")
    p.add_argument("--repeat", type=int, default=1, metavar="N",
                   help="measure each trainer N times, alternating; report medians")
    p.add_argument("--seed", type=int, default=1,
                   help="random_state / gensim seed of the first repeat; repeat k uses SEED+k "
                   "(default: %(default)s)")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="give up on one measurement after this long")
    p.add_argument("--no-quality", action="store_true",
                   help="skip the analogy/similarity evaluation (it can take longer than the fit)")
    p.add_argument("--json", metavar="OUT", help="write every measurement, medians and ratios here")
    p.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument("--list", action="store_true", help="list the available trainers and exit")
    return p


def params_from_args(args: argparse.Namespace) -> BenchParams:
    """Validated :class:`BenchParams` from parsed options (ValueError/FileNotFoundError if bad)."""
    if args.json:
        folder = os.path.dirname(os.path.abspath(args.json))
        if not os.path.isdir(folder):
            raise ValueError(f"--json: folder {folder!r} does not exist")
    return BenchParams(
        corpus=args.corpus,
        trainers=parse_name_list(args.backends),
        threads=parse_int_list(args.threads) if args.threads.strip() else (),
        **{parameter.name: getattr(args, parameter.name) for parameter in shown_in("bench")},
        min_count=args.min_count,
        device=args.device,
        repeat=args.repeat,
        seed=args.seed,
        timeout=args.timeout,
        quality=not args.no_quality,
    ).validated()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark command; 0 if every measurement succeeded, 1 if one failed, 2 for bad
    options.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(available_trainers()))
        return 0
    try:
        params = params_from_args(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    log = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    try:
        result = run_benchmark(params, log=log)
    except (ValueError, FileNotFoundError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    c = result["corpus"]
    m = result["machine"]
    print(f"corpus: {c['path']} ({c['raw_tokens']:,} tokens, {c['n_lines']:,} lines"
          + (", decompressed to a temp file before timing" if c["decompressed"] else "") + ")")
    print(f"params: {result['params']['model']}, seed={params.seed}, repeat={params.repeat}")
    print(f"machine: {m['cpu_model']}, {m['available_cpus']} cores available; "
          + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v))
    for gpu in m.get("gpus", []):
        print(f"gpu: {gpu['name']}, driver {gpu['driver']}, {gpu['memory']}")
    print("numba compilation excluded (warm-up fit on a tiny corpus in each subprocess "
          "before timing).")
    print()
    print(text_table(result))
    if result["scaling"]:
        print()
        print(scaling_text(result))
    if args.markdown:
        print()
        print(markdown_table(result))
        if result["scaling"]:
            print()
            print(scaling_markdown(result))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
        print(f"\nwrote {args.json}")
    return 1 if result["failures"] else 0
