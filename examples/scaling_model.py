"""The scaling model of distributed training: bytes per synchronisation and expected throughput.

Between two synchronisations each of K ranks trains ``sync_words`` corpus
words. The weights that move are

* input rows (skip-gram, gensim's orientation): the words of the subsampled
  tokens, which serve as contexts;
* output rows: the same words as centres, plus ``negative`` noise draws per
  centre from the unigram^0.75 distribution;

and a synchronisation all-reduces the rows any rank touched. With Poisson
draws, a word of probability p is touched by n draws with probability
1 - exp(-n p), which gives the expected number of touched rows. Time per
synchronisation is that of a ring all-reduce (2 (K-1)/K times the payload
over each rank's bus bandwidth) plus a fixed latency per step.

Usage::

    python examples/scaling_model.py                       # Zipf vocabulary, 1M x 300
    python examples/scaling_model.py --counts-from ../shared/data/en-mix.txt.gz \\
        --dims 100 --ranks 2 --sync-words 250000             # check against a measured run

The single-GPU rate is an input (``--gpu-words-per-second``), not a
measurement; the figures scale with it.
"""

from __future__ import annotations

import argparse

import numpy as np

from sklearn_w2v import LineCorpus
from sklearn_w2v.distributed import DENSE_SHARE
from sklearn_w2v.vocabulary import count_line_corpus


def zipf_counts(n_words: int, total_words: float, exponent: float = 1.0) -> np.ndarray:
    """Counts of a Zipf vocabulary: rank r has count proportional to r^-exponent."""
    weights = np.arange(1, n_words + 1, dtype=np.float64) ** -exponent
    return weights / weights.sum() * total_words


def kept_share(counts: np.ndarray, sample: float) -> np.ndarray:
    """Share of each word's tokens that survive frequent-word subsampling (gensim's rule)."""
    if sample <= 0:
        return np.ones_like(counts)
    threshold = sample * counts.sum()
    return np.minimum(1.0, (np.sqrt(counts / threshold) + 1) * threshold / counts)


def touched_rows(
    counts: np.ndarray, words: float, negative: int, sample: float
) -> tuple[float, float]:
    """Expected distinct (input, output) rows touched while training ``words`` corpus words."""
    kept = counts * kept_share(counts, sample)
    p_token = kept / kept.sum()
    effective = words * kept.sum() / counts.sum()
    noise = counts ** 0.75
    p_noise = noise / noise.sum()
    inputs = np.sum(-np.expm1(-effective * p_token))
    outputs = np.sum(-np.expm1(-effective * (p_token + negative * p_noise)))
    return float(inputs), float(outputs)


def allreduce_seconds(payload: float, ranks: int, busbw: float, latency: float) -> float:
    """Ring all-reduce: 2 (K-1)/K of the payload through each rank's link, 2 (K-1) latency steps."""
    if ranks == 1:
        return 0.0
    return 2 * (ranks - 1) / ranks * payload / busbw + 2 * (ranks - 1) * latency


def sync_bytes(counts, dims, ranks, sync_words, negative, sample) -> dict:
    n = len(counts)
    full = 2 * n * dims * 4
    # The union over ranks of what each touched: K times the words.
    t_in, t_out = touched_rows(counts, ranks * sync_words, negative, sample)
    # One flag byte per row, then the touched rows, or (as WeightSync does
    # when more than half the rows moved) the whole matrices.
    rows = (t_in + t_out) * dims * 4 if t_in + t_out <= DENSE_SHARE * 2 * n else full
    return {"full": full, "touched": 2 * n + rows, "rows_in": t_in, "rows_out": t_out}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--vocab", type=int, default=1_000_000)
    p.add_argument("--corpus-words", type=float, default=1e10, help="for the Zipf counts")
    p.add_argument("--counts-from", help="take the vocabulary counts of this corpus (min_count 5)")
    p.add_argument("--dims", type=int, default=300)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--ranks", type=int, nargs="+", default=[2, 8, 64])
    p.add_argument("--sync-words", type=float, nargs="+", default=[250_000, 1e6, 1e7])
    p.add_argument("--gpu-words-per-second", type=float, default=20e6,
                   help="single-GPU training rate assumed (default 20M: the torch backend's "
                   "target, not a measurement)")
    p.add_argument("--busbw", type=float, default=40e9,
                   help="all-reduce bus bandwidth per rank in bytes/s (default 40e9: NCCL over "
                   "8x400 Gb/s InfiniBand per 8-GPU node)")
    p.add_argument("--latency", type=float, default=20e-6, help="per ring step, seconds")
    args = p.parse_args()

    if args.counts_from:
        _, counts = count_line_corpus(LineCorpus(args.counts_from)).word_counts()
        counts = np.sort(counts[counts >= 5])[::-1].astype(np.float64)
    else:
        counts = zipf_counts(args.vocab, args.corpus_words)
    n = len(counts)
    full_gb = 2 * n * args.dims * 4 / 1e9
    print(f"vocabulary {n:,} x {args.dims}: both matrices {full_gb:.2f} GB; "
          f"assumed {args.gpu_words_per_second / 1e6:g}M words/s per rank, "
          f"bus bandwidth {args.busbw / 1e9:g} GB/s per rank\n")
    print("| ranks | words/rank/sync | rows touched (in + out) | touched MB | full MB | "
          "compute s | all-reduce s (touched) | efficiency | words/s (all ranks) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in args.ranks:
        for s in args.sync_words:
            b = sync_bytes(counts, args.dims, k, s, args.negative, args.sample)
            compute = s / args.gpu_words_per_second
            comm = allreduce_seconds(b["touched"], k, args.busbw, args.latency)
            eff = compute / (compute + comm)
            print(f"| {k} | {s:,.0f} | {b['rows_in'] + b['rows_out']:,.0f} "
                  f"({(b['rows_in'] + b['rows_out']) / (2 * n):.0%}) | {b['touched'] / 1e6:,.0f} | "
                  f"{b['full'] / 1e6:,.0f} | {compute:.4f} | {comm:.4f} | {eff:.0%} | "
                  f"{k * args.gpu_words_per_second * eff / 1e6:,.0f}M |")


if __name__ == "__main__":
    main()
