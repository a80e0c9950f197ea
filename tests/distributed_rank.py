"""One rank of the distributed tests (started by tests/test_distributed.py, RANK etc. in the
environment).

usage: distributed_rank.py MODE OUT_DIR CORPUS [key=value ...]
"""

import json
import os
import sys

import numpy as np
import torch
import torch.distributed as dist

from sklearn_w2v import W2V, LineCorpus, shard_files
from sklearn_w2v.distributed import (
    DistributedError,
    WeightSync,
    fit_distributed,
    join_group,
    leave_group,
)


class _StopAfter:
    def __init__(self, epochs):
        self.epochs = epochs

    def on_epoch_end(self, model, epoch, stats):
        return epoch + 1 >= self.epochs


def fit(out_dir, corpus, options):
    rank, size = dist.get_rank(), dist.get_world_size()
    params = dict(min_count=2, vector_size=16, window=3, epochs=5, sg=1, n_jobs=1,
                  random_state=3, backend=options.pop("backend", "numba"))
    if "init_vectors" in options:
        params["init_vectors"] = options.pop("init_vectors")
        params["freeze_init"] = options.pop("freeze_init", "0") == "1"
    if options.pop("other_window_on_rank1", None) and rank == 1:
        params["window"] = 4
    die_at = int(options.pop("die_at_round", -1))
    stop_after = int(options.pop("stop_after_epochs", 0))
    if stop_after:  # a callback on every rank; rank 0's decides
        params["callbacks"] = [_StopAfter(stop_after if rank == 0 else 1)]

    def on_round(report):
        if rank == 1 and report.epoch * report.n_rounds + report.round == die_at:
            os._exit(17)  # a rank that dies abruptly, mid-training

    shard = shard_files([corpus], size)[rank]
    model = fit_distributed(W2V(**params), LineCorpus(shard) if shard else None,
                            sync_words=int(options.pop("sync_words", 4000)), on_round=on_round,
                            **options)
    np.savez(os.path.join(out_dir, f"rank{rank}.npz"), vectors=model.wv_.vectors,
             context=model.context_vectors_, counts=model.wv_.expandos["count"],
             idf=model.idf_, sif=model.sif_component_)
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as f:
        json.dump({"words": model.wv_.index_to_key, "stats": model.training_stats_,
                   "pretrained_rank": model.pretrained_rank_.tolist()}, f)


def sync_check(out_dir, combine):
    """Random updates of random rows: touched-row and all-row synchronisation must agree."""
    rank = dist.get_rank()
    start = torch.arange(60, dtype=torch.float32).reshape(20, 3) / 7
    results = {}
    for rows in ("touched", "all"):
        weights = [start.clone(), start[:5].clone() * 2]
        sync = WeightSync(weights, combine=combine, rows=rows)
        gen = torch.Generator().manual_seed(rank)
        for matrix in weights:
            changed = torch.randperm(len(matrix), generator=gen)[: len(matrix) // 3]
            matrix[changed] += torch.randn(len(changed), 3, generator=gen)
        sync()
        results[rows] = [w.numpy().copy() for w in weights]
        results[rows + "_bytes"] = sync.bytes_reduced
    np.savez(os.path.join(out_dir, f"rank{rank}.npz"), touched0=results["touched"][0],
             touched1=results["touched"][1], all0=results["all"][0], all1=results["all"][1],
             touched_bytes=results["touched_bytes"], all_bytes=results["all_bytes"])


def main():
    mode, out_dir, corpus, *rest = sys.argv[1:]
    options = dict(item.split("=", 1) for item in rest)
    timeout = float(options.pop("timeout", 60))
    try:
        join_group("gloo", timeout)
        try:
            if mode == "fit":
                fit(out_dir, corpus, options)
            else:
                sync_check(out_dir, options["combine"])
        finally:
            leave_group()
    except (DistributedError, ValueError) as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
