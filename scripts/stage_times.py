"""The stages around training against gensim's ``build_vocab`` and a plain read of the file.

One process, runs alternating (this fit, gensim, the read, then again), every
run printed, medians at the end:

* ours: ``W2V(sg=1, n_jobs=THREADS, epochs=EPOCHS).fit(LineCorpus(PATH))``,
  every stage of ``training_stats_["stage_seconds"]``, and what is not
  training: the fit's wall time (taken around ``fit``) minus its ``train``
  stage, so any time no stage covers counts against us;
* gensim: ``Word2Vec(sg=1, workers=THREADS, min_count=5, vector_size=100)``
  then ``build_vocab(corpus_file=PATH)`` (what gensim does before it
  trains: the scan, the vocabulary, the starting weights);
* the read: ``cat PATH > /dev/null`` (``zcat`` for a ``.gz``), the floor for
  counting and encoding, which read the file once.

Both libraries are warmed up first (numba's cached kernels loaded, gensim's
modules imported), so the runs time the work, not the imports.

Example (the figures of the issue on the stages around training)::

    python scripts/stage_times.py /work/data/en-mix.txt --threads 2 --repeat 5 \\
        --json stage_times.json

The ratio to beat: ``not training / build_vocab`` at most 0.15.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from gensim.models import Word2Vec  # noqa: E402

from sklearn_w2v import W2V, LineCorpus  # noqa: E402
from sklearn_w2v.estimator import STAGE_NAMES  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="a text file, one document a line (.gz allowed)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=1,
                        help="epochs of our fit (training is not what is compared)")
    parser.add_argument("--sg", type=int, default=1)
    parser.add_argument("--json", help="also write every run and the medians here")
    return parser.parse_args(argv)


def warm_up(threads: int) -> None:
    """Load numba's kernels and gensim's modules on a tiny file, untimed."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "warm.txt")
        with open(path, "w") as f:
            f.writelines(" ".join(f"w{(i * 7 + j) % 40}" for j in range(20)) + "\n"
                         for i in range(200))
        W2V(vector_size=8, min_count=1, epochs=1, n_jobs=threads).fit(LineCorpus(path))
        Word2Vec(vector_size=8, min_count=1, workers=threads).build_vocab(corpus_file=path)


def ours(path: str, threads: int, epochs: int, sg: int) -> dict:
    began, cpu = time.perf_counter(), time.process_time()
    model = W2V(sg=sg, n_jobs=threads, epochs=epochs, random_state=1).fit(LineCorpus(path))
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    stats = model.training_stats_
    stages = stats["stage_seconds"]
    return {"wall": wall, "cpu": cpu, "stages": stages,
            "not_training": wall - stages["train"],
            # CPU seconds, all threads, outside the training stage (steadier under load)
            "not_training_cpu": cpu - stats["train_cpu_seconds"],
            "counted_and_encoded": (stages["count"] or 0.0) + (stages["encode"] or 0.0),
            "unaccounted": wall - sum(s for s in stages.values() if s is not None),
            "vocabulary": len(model.wv_), "tokens": stats["n_raw_words"]}


def gensim(path: str, threads: int, sg: int) -> dict:
    began, cpu = time.perf_counter(), time.process_time()
    model = Word2Vec(sg=sg, workers=threads, min_count=5, vector_size=100, seed=1)
    model.build_vocab(corpus_file=path)
    return {"wall": time.perf_counter() - began, "cpu": time.process_time() - cpu,
            "vocabulary": len(model.wv), "tokens": model.corpus_total_words}


def read(path: str) -> dict:
    command = ["zcat" if path.endswith(".gz") else "cat", path]
    began = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return {"wall": time.perf_counter() - began, "command": " ".join(command)}


def load() -> str:
    try:
        return open("/proc/loadavg").read().split(" ", 3)[:3].__str__()
    except OSError:
        return "?"


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.getLogger("gensim").setLevel(logging.WARNING)
    if args.path.endswith(".gz"):  # gensim's corpus_file reads it as text: decompress once
        folder = tempfile.mkdtemp(prefix="stage-times-")
        plain = os.path.join(folder, "corpus.txt")
        with gzip.open(args.path, "rb") as src, open(plain, "wb") as dst:
            dst.write(src.read())
    else:
        plain = args.path
    warm_up(args.threads)
    runs = []
    print(f"{args.path}: {args.threads} threads, {args.repeat} repeats; load {load()}",
          flush=True)
    for k in range(args.repeat):
        run = {"repeat": k, "load_before": load()}
        # Rotate the order each repeat, so no one always runs first.
        steps = [("ours", lambda: ours(plain, args.threads, args.epochs, args.sg)),
                 ("gensim", lambda: gensim(plain, args.threads, args.sg)),
                 ("read", lambda: read(args.path))]
        for name, step in steps[k % 3:] + steps[:k % 3]:
            run[name] = step()
        o, g, r = run["ours"], run["gensim"], run["read"]
        run["ratio_not_training_to_build_vocab"] = o["not_training"] / g["wall"]
        run["ratio_cpu"] = o["not_training_cpu"] / g["cpu"]
        run["ratio_read_to_count_and_encode"] = r["wall"] / max(o["counted_and_encoded"], 1e-9)
        stages = " ".join(f"{s}={o['stages'][s]:.3f}" for s in STAGE_NAMES
                          if o["stages"][s] is not None)
        print(f"[{k + 1}] load {run['load_before']}\n"
              f"  ours: fit {o['wall']:.3f} s (CPU {o['cpu']:.2f}), not training "
              f"{o['not_training']:.3f} s (CPU {o['not_training_cpu']:.3f}), unaccounted "
              f"{o['unaccounted']:.4f} s\n"
              f"        {stages}\n"
              f"  gensim build_vocab: {g['wall']:.3f} s (CPU {g['cpu']:.2f})\n"
              f"  {r['command']}: {r['wall']:.3f} s\n"
              f"  not training / build_vocab = {run['ratio_not_training_to_build_vocab']:.3f} "
              f"(CPU {run['ratio_cpu']:.3f}); "
              f"read / (count + encode) = {run['ratio_read_to_count_and_encode']:.3f}",
              flush=True)
        runs.append(run)

    def med(get):
        return statistics.median(get(r) for r in runs)

    summary = {
        "not_training": med(lambda r: r["ours"]["not_training"]),
        "build_vocab": med(lambda r: r["gensim"]["wall"]),
        "read": med(lambda r: r["read"]["wall"]),
        "count_and_encode": med(lambda r: r["ours"]["counted_and_encoded"]),
        "ratio_not_training_to_build_vocab": med(
            lambda r: r["ratio_not_training_to_build_vocab"]),
        "not_training_cpu": med(lambda r: r["ours"]["not_training_cpu"]),
        "build_vocab_cpu": med(lambda r: r["gensim"]["cpu"]),
        "ratio_cpu": med(lambda r: r["ratio_cpu"]),
        "ratio_read_to_count_and_encode": med(lambda r: r["ratio_read_to_count_and_encode"]),
        "stages": {s: med(lambda r, s=s: r["ours"]["stages"][s] or 0.0) for s in STAGE_NAMES},
    }
    print("medians: " + ", ".join(
        f"{k} {v:.3f}" for k, v in summary.items() if not isinstance(v, dict)))
    print("  stages: " + " ".join(f"{k}={v:.3f}" for k, v in summary["stages"].items()))
    print(f"load after: {load()}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"path": args.path, "threads": args.threads, "runs": runs,
                       "summary": summary}, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
