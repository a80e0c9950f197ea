"""Every GPU measurement of the torch backend in one run, written as JSON (for a lent GPU machine).

A GPU is lent to this project only at times and for minutes, so this script
does all the GPU work in one go, in well under 8 minutes on an H200, and
writes what it has after every step (``gpu_check.json`` in ``--out``):

1. the machine: GPU, driver, torch, Triton and numba versions;
2. the CUDA tests (the fused kernel against its NumPy reference, compiled;
   the torch backend's CUDA tests);
3. the fused kernel on the corpus (en-mix by default), skip-gram and CBOW,
   ``vector_size=100, window=5, negative=5, sample=1e-3, min_count=5``,
   5 epochs, one run per seed: training words/s (raw corpus tokens x epochs
   / training seconds), peak ``torch.cuda.max_memory_allocated`` against
   its bound term by term, and the quality scores;
4. the batched path (one epoch of each mode), for comparison;
5. a sweep of programs in flight (skip-gram and CBOW, 5 epochs, one seed);
6. ``python -m sklearn_w2v.bench`` rows (torch on CUDA against gensim on
   the machine's CPUs), for end-to-end seconds and the benchmark's table.

Run from the repository root, with the corpus and gensim's wheel carried in
an ignored folder (the GPU machine has no gensim, and the package needs it)::

    pip install --no-deps .gpu/wheels/gensim-*.whl && pip install --no-deps .
    python scripts/gpu_check.py --corpus .gpu/en-mix.txt.gz --out "$OUT"

``--device cpu --max-tokens 2000 --epochs 1`` runs every step (but the
tests and the benchmark) on a tiny slice on the CPU, with Triton's
interpreter: a check of the script itself, not a measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

if "--device" in sys.argv and sys.argv[sys.argv.index("--device") + 1] == "cpu":
    os.environ.setdefault("TRITON_INTERPRET", "1")  # before torch or triton is imported

import numpy as np  # noqa: E402
import torch  # noqa: E402
from gensim.test.utils import datapath  # noqa: E402

from sklearn_w2v import LineCorpus  # noqa: E402
from sklearn_w2v.backends.torch import DEFAULT_PROGRAMS, TorchTrainer  # noqa: E402
from sklearn_w2v.bench import gpu_info, machine_info  # noqa: E402
from sklearn_w2v.corpus import EncodedCorpus, encode_documents  # noqa: E402
from sklearn_w2v.evaluation import evaluate, score_word_pairs  # noqa: E402
from sklearn_w2v.training import TrainConfig, initial_vectors  # noqa: E402
from sklearn_w2v.vectors import to_keyed_vectors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETTINGS = dict(vector_size=100, window=5, negative=5, sample=1e-3, alpha=0.025, min_alpha=1e-4)


class Report:
    """The JSON file, rewritten after every step so a cut-off run keeps what it measured."""

    def __init__(self, folder: str):
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, "gpu_check.json")
        self.data: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}

    def add(self, key: str, value) -> None:
        self.data[key] = value
        with open(self.path + ".tmp", "w") as f:
            json.dump(self.data, f, indent=1, default=str)
        os.replace(self.path + ".tmp", self.path)
        print(f"[gpu_check] {key}: {json.dumps(value, default=str)[:400]}", flush=True)


def run_tests(device: str) -> dict:
    env = dict(os.environ, FUSED_TEST_COMPILED="1")
    env.pop("TRITON_INTERPRET", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
           "tests/test_fused_kernel.py", "tests/test_backends_torch.py", "-k", "cuda"]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=420)
    return {"command": " ".join(cmd[2:]), "returncode": done.returncode,
            "seconds": time.perf_counter() - start,
            "tail": done.stdout[-2500:] + done.stderr[-1500:]}


def train(encoded, device, sg, epochs, seed, kernel, programs=DEFAULT_PROGRAMS,
          quality="full") -> dict:
    """One training run on the encoded corpus; speed, memory against the bound, quality.

    ``quality``: "full" (analogies too: seconds of CPU), "pairs" (WordSim353 and
    SimLex-999 only) or None.
    """
    vocabulary, corpus = encoded.vocabulary, encoded.corpus
    config = TrainConfig(**SETTINGS, sg=bool(sg), epochs=epochs, seed=seed)
    inp, out = initial_vectors(len(vocabulary), config.vector_size, seed)
    trainer = TorchTrainer(device=device, kernel=kernel, programs=programs)
    result = trainer.train(corpus, vocabulary.counts, config, inp, out)
    stats = result.stats
    row = {"sg": sg, "seed": seed, "epochs": epochs, "kernel": kernel, "programs": programs,
           "train_seconds": stats.seconds,
           "raw_words_per_second": encoded.n_raw_words * epochs / stats.seconds,
           "trained_words_per_second": stats.words_per_second, **stats.details}
    peak = stats.details.get("cuda_max_memory_allocated")
    if peak is not None:
        bound = {"weights": 2 * inp.nbytes, "ids": corpus.ids.nbytes,
                 "tables": 3 * 8 * len(vocabulary),
                 "workspace": stats.details.get("workspace_bytes", 0)}
        row["memory"] = {"peak": peak, **bound, "bound": sum(bound.values())}
    wv = to_keyed_vectors(vocabulary.words, vocabulary.counts, result.input_vectors)
    try:
        if quality == "full":
            row["quality"] = evaluate(wv)
        elif quality == "pairs":
            row["quality"] = {"wordsim353": score_word_pairs(wv, datapath("wordsim353.tsv"))[0],
                              "simlex999": score_word_pairs(wv, datapath("simlex999.txt"))[0]}
    except Exception as exc:  # no gensim test data, or a vocabulary too small
        row["quality"] = {"error": f"{type(exc).__name__}: {exc}"}
    print(f"    sg={sg} {kernel} programs={programs} seed={seed}: "
          f"{row['raw_words_per_second'] / 1e6:.2f}M words/s", flush=True)
    return row


def truncated(encoded, max_tokens: int):
    """The first sentences of an encoded corpus, up to ``max_tokens`` tokens."""
    last = int(np.searchsorted(encoded.corpus.offsets, max_tokens, side="right")) - 1
    corpus = encoded.corpus.sentences(0, max(last, 1))
    ids = np.ascontiguousarray(corpus.ids)
    return encoded._replace(corpus=EncodedCorpus(ids, corpus.offsets),
                            n_raw_words=len(ids))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=os.path.join(ROOT, ".gpu", "en-mix.txt.gz"))
    p.add_argument("--out", default=os.environ.get("OUT", "gpu_out"))
    p.add_argument("--device", default="cuda")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--programs", default="66,132,264,528,1056,2112,4224",
                   help="programs in flight to sweep, comma-separated")
    p.add_argument("--max-tokens", type=int, default=None, help="train on a slice (script check)")
    p.add_argument("--skip-tests", action="store_true")
    p.add_argument("--skip-bench", action="store_true")
    args = p.parse_args(argv)
    cpu = args.device == "cpu"
    report = Report(args.out)
    info = machine_info()
    info["cuda"] = {"available": torch.cuda.is_available(), "torch_cuda": torch.version.cuda,
                    "device": torch.cuda.get_device_name() if torch.cuda.is_available() else None}
    info["gpus"] = gpu_info()
    report.add("machine", info)
    if not (args.skip_tests or cpu):
        report.add("tests", run_tests(args.device))

    start = time.perf_counter()
    encoded = encode_documents(LineCorpus(args.corpus), min_count=5)
    if args.max_tokens:
        encoded = truncated(encoded, args.max_tokens)
    report.add("corpus", {"path": args.corpus, "raw_tokens": encoded.n_raw_words,
                          "kept_tokens": encoded.corpus.n_tokens, "words": len(encoded.vocabulary),
                          "encode_seconds": time.perf_counter() - start})
    warm = truncated(encoded, 20_000)
    for sg in (1, 0):  # compile both kernels before any timing
        train(warm, args.device, sg, 1, 0, "fused", 64, quality=None)

    fused = [train(encoded, args.device, sg, args.epochs, seed, "fused")
             for sg in (1, 0) for seed in range(1, args.seeds + 1)]
    report.add("fused", fused)
    batched = [train(encoded, args.device, sg, 1, 1, "batched", quality=None) for sg in (1, 0)]
    report.add("batched", batched)
    sweep = [train(encoded, args.device, sg, args.epochs, 1, "fused", int(k), quality="pairs")
             for sg in (1, 0) for k in args.programs.split(",")]
    report.add("programs_sweep", sweep)

    if not (args.skip_bench or cpu) and time.perf_counter() - start < 300:  # time for one rerun
        rows = {}
        for sg in (1, 0):
            out = os.path.join(args.out, f"bench_sg{sg}.json")
            cmd = [sys.executable, "-m", "sklearn_w2v.bench", "--corpus", args.corpus,
                   "--sg", str(sg), "--backends", "torch,gensim-file", "--device", args.device,
                   "--repeat", "1", "--markdown", "--json", out]
            done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=420)
            rows[f"sg{sg}"] = {"returncode": done.returncode, "stdout": done.stdout[-4000:],
                               "stderr": done.stderr[-1500:]}
        report.add("bench", rows)
    report.add("seconds", time.perf_counter() - start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
