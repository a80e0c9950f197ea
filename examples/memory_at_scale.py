"""Peak resident memory of the command line on 10 copies of en-mix, with and without --temp-folder.

Builds, in a temporary folder, a corpus of ``--copies`` copies of en-mix
(7.2M tokens and 40 MB of text each; 10 copies: 72M tokens, 400 MB), then
runs ``python -m sklearn_w2v -train CORPUS -cbow 0 -iter 1`` (1-epoch
skip-gram) on it with and without ``--temp-folder``, and on one copy, in
fresh processes whose ``/proc/PID/status`` is sampled every 10 ms:

* ``anon``: peak anonymous resident memory (``RssAnon``), the memory the
  process owns. It is what ``--temp-folder`` bounds.
* ``hwm``: peak total resident memory (``VmHWM``), which also counts the
  cached pages of the memory-mapped id file; the kernel drops those
  whenever it needs the memory, so they do not limit the corpus size.

The bound with ``--temp-folder`` is the process's fixed cost (imports,
compiled kernels, buffers: a run on a tiny corpus) + the weights (two
float32 matrices, vocabulary x size) + O(vocabulary) + 8 bytes per
sentence. The O(vocabulary) part is taken from the one-copy run, which has
the same vocabulary (``-min-count`` 5 on one copy, 5 x copies on all: the
same words pass), so the 10-copy figure is a prediction the run can miss:
without ``--temp-folder`` it should exceed the bound by the in-memory ids
(4 bytes per token), with it it should not.

Needs en-mix (``../shared/data/en-mix.txt.gz`` beside the repository) and
about 0.5 GB of disk per 10 copies; Linux only. Takes several minutes::

    python examples/memory_at_scale.py --copies 10 [--corpus PATH/en-mix.txt.gz]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EN_MIX = os.path.join(ROOT, "..", "shared", "data", "en-mix.txt.gz")


def sample(pid: int, peak: dict[str, int]) -> bool:
    """Fold ``/proc/PID/status`` into ``peak`` (bytes); False once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "RssAnon"):
                    peak[key] = max(peak.get(key, 0), int(value.split()[0]) * 1024)
    except (FileNotFoundError, ProcessLookupError):
        return False
    return True


def run(corpus: str, out: str, threads: int, size: int, min_count: int,
        temp_folder: str | None) -> dict:
    argv = [sys.executable, "-m", "sklearn_w2v", "-train", corpus, "-output", out,
            "-cbow", "0", "-iter", "1", "-size", str(size), "-threads", str(threads),
            "-min-count", str(min_count), "-debug", "1", "--seed", "0"]
    if temp_folder:
        argv += ["--temp-folder", temp_folder]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, env=env)
    peak: dict[str, int] = {}
    while proc.poll() is None and sample(proc.pid, peak):
        time.sleep(0.01)
    err = proc.communicate()[1]
    if proc.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{err}")
    with open(out) as f:
        n_words, dim = map(int, f.readline().split())
    facts = dict(line.split(": ", 1) for line in err.splitlines() if ": " in line)
    return {"seconds": time.perf_counter() - start, "anon": peak.get("RssAnon", 0),
            "hwm": peak.get("VmHWM", 0), "words": n_words,
            "weights": 2 * n_words * dim * 4, "tokens": int(facts["Words in train file"])}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=EN_MIX, help="en-mix (default: %(default)s)")
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--size", type=int, default=100, help="vector size (default 100)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--folder", default=tempfile.gettempdir(), help="where files go")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    if not os.path.exists(args.corpus):
        print(f"en-mix not found at {args.corpus}; nothing measured.")
        return 0
    work = tempfile.mkdtemp(prefix="w2v-scale-", dir=args.folder)
    try:
        with gzip.open(args.corpus, "rb") as f:
            text = f.read()
        n_lines = text.count(b"\n")
        corpora = {"tiny": text[: text.index(b"\n", 200_000) + 1], "1x": text}
        lines = {name: data.count(b"\n") for name, data in corpora.items()}
        lines["10x"] = args.copies * n_lines
        paths = {}
        for name, data in corpora.items():
            paths[name] = os.path.join(work, f"{name}.txt")
            with open(paths[name], "wb") as f:
                f.write(data)
        paths["10x"] = os.path.join(work, f"{args.copies}x.txt")
        with open(paths["10x"], "wb") as f:
            for _ in range(args.copies):
                f.write(text)
        del text, corpora
        print(f"corpus: {args.copies} copies of en-mix, {os.path.getsize(paths['10x']) / 1e6:.0f} "
              f"MB, {args.copies * n_lines:,} lines; {args.threads} threads, size {args.size}")
        results = {}
        for name, temp in (("tiny", True), ("1x", True), ("1x", False),
                           ("10x", False), ("10x", True)):
            key = f"{name} {'temp-folder' if temp else 'memory'}"
            copies = args.copies if name == "10x" else 1
            r = run(paths[name], os.path.join(work, "vectors.txt"), args.threads, args.size,
                    5 * copies, work if temp else None)
            r["sentences"] = lines[name]  # at most: empty lines make no sentence
            results[key] = r
            print(f"{key:16s} anon {r['anon'] / 1e6:7.1f} MB  hwm {r['hwm'] / 1e6:7.1f} MB  "
                  f"({r['tokens']:,} tokens, {r['words']:,} words, weights "
                  f"{r['weights'] / 1e6:.1f} MB, {r['seconds']:.0f} s)", flush=True)
        fixed = results["tiny temp-folder"]["anon"]
        one = results["1x temp-folder"]
        vocab = one["anon"] - fixed - one["weights"] - 8 * one["sentences"]
        print(f"\nfixed cost (tiny corpus) {fixed / 1e6:.1f} MB; O(vocabulary) from the 1x run "
              f"{vocab / 1e6:.1f} MB")
        for key in ("10x temp-folder", "10x memory"):
            r = results[key]
            bound = fixed + r["weights"] + vocab + 8 * r["sentences"]
            print(f"{key:16s} bound {bound / 1e6:7.1f} MB, measured anon {r['anon'] / 1e6:7.1f} "
                  f"MB ({(r['anon'] - bound) / 1e6:+.1f} MB; in-memory ids are "
                  f"{4 * r['tokens'] / 1e6:.1f} MB)")
        if args.json:
            with open(args.json, "w") as f:
                json.dump(results, f, indent=1)
        leftovers = [n for n in os.listdir(work) if not n.endswith(".txt")]
        print("temporary folders left:", leftovers or "none")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
