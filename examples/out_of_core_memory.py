"""Peak resident memory of ``W2V.fit`` with and without ``temp_folder``.

Generates a synthetic corpus file (small vocabulary, tens of MB of text),
then fits on it in fresh subprocesses, sampling ``/proc/self/status`` every
10 ms. Reported per run, above the baseline of a process that has imported
everything and compiled the kernels:

* ``anon``: peak growth of anonymous resident memory (``RssAnon``): memory
  the process really owns. The bound with ``temp_folder`` is the weights,
  O(vocabulary), 8 bytes per sentence and fixed buffers.
* ``rss``: peak growth of total resident memory (``VmRSS``), which also
  counts pages of the memory-mapped id file while they are cached; the
  kernel can drop those at any time, so they do not limit the corpus size.

With ``--one-line`` the corpus is a single line with no newline anywhere
(100 MB: ``--mb 100 --one-line``), read in bounded blocks and pieces of
10,000 tokens; source ``pruned`` reads a :class:`~sklearn_w2v.LineCorpus`
document by document (``max_vocab_size`` needs that path).

Linux only. Usage::

    python examples/out_of_core_memory.py --mb 60 --folder /tmp
    python examples/out_of_core_memory.py --mb 100 --one-line --sources file,pruned
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np


def make_corpus(path: str, mb: float, n_words: int, seed: int = 0, one_line: bool = False) -> int:
    """Write about ``mb`` MB of lines (or one line) of Zipf-distributed words; return the
    token count.
    """
    rng = np.random.default_rng(seed)
    vocab = np.array([f"word{k}" for k in range(n_words)], dtype=object)
    target, written, tokens = mb * 1e6, 0, 0
    with open(path, "w") as f:
        while written < target:
            ids = (rng.zipf(1.3, size=200_000) - 1) % n_words
            words = vocab[ids]
            if one_line:
                text = " ".join(words) + " "
            else:
                lines = [" ".join(words[k : k + 20]) for k in range(0, len(words), 20)]
                text = "\n".join(lines) + "\n"
            f.write(text)
            written += len(text)
            tokens += len(ids)
    return tokens


CHILD = r"""
import json, sys, threading, time
import numpy as np
from sklearn_w2v import W2V, LineCorpus

def status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon"):
                out[key] = int(value.split()[0]) * 1024
    return out

path, mode, source, folder = sys.argv[1:5]
params = dict(vector_size=50, epochs=1, min_count=1, n_jobs=1, random_state=0)
W2V(**params).fit([["warm", "up"]] * 5)  # import and load the compiled kernels
base = status()
peak = dict(base)
done = False

def sample():
    while not done:
        for k, v in status().items():
            peak[k] = max(peak[k], v)
        time.sleep(0.01)

t = threading.Thread(target=sample, daemon=True)
t.start()
extra = {}
if source == "file":
    X = LineCorpus(path)
elif source == "pruned":  # a LineCorpus read document by document (the generic path)
    X, extra = LineCorpus(path), {"max_vocab_size": 10**7}
else:  # a one-shot generator of token lists: the generic path
    X = (line.split() for line in open(path))
start = time.perf_counter()
model = W2V(**params, **extra, temp_folder=folder if mode == "temp_folder" else None).fit(X)
seconds = time.perf_counter() - start
done = True
t.join()
weights = model.wv_.vectors.nbytes + model.context_vectors_.nbytes
print(json.dumps({
    "mode": mode, "source": source, "seconds": round(seconds, 1),
    "tokens": model.training_stats_["n_corpus_words"], "vocabulary": len(model.wv_),
    "sentences": model.training_stats_["n_documents"], "weights_mb": weights / 1e6,
    "anon_mb": (peak["RssAnon"] - base["RssAnon"]) / 1e6,
    "rss_mb": (peak["VmRSS"] - base["VmRSS"]) / 1e6,
}))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=60.0, help="corpus text size in MB")
    parser.add_argument("--words", type=int, default=2000, help="vocabulary size")
    parser.add_argument("--folder", default=tempfile.gettempdir(), help="where files go")
    parser.add_argument("--sources", default="file,generator",
                        help="file, pruned (LineCorpus document by document) and/or generator")
    parser.add_argument("--one-line", action="store_true", help="the corpus is a single line")
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="w2v-ooc-", dir=args.folder)
    corpus = os.path.join(work, "corpus.txt")
    tokens = make_corpus(corpus, args.mb, args.words, one_line=args.one_line)
    size = os.path.getsize(corpus) / 1e6
    print(f"corpus: {size:.1f} MB of text, {tokens:,} tokens, {args.words} distinct words at most"
          f"{', one line, no newline' if args.one_line else ''}")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    try:
        for source in args.sources.split(","):
            for mode in ("memory", "temp_folder"):
                out = subprocess.run([sys.executable, "-c", CHILD, corpus, mode, source, work],
                                     capture_output=True, text=True, env=env, check=True)
                r = json.loads(out.stdout.strip().splitlines()[-1])
                print(f"{source:9s} {mode:11s} anon +{r['anon_mb']:6.1f} MB  "
                      f"rss +{r['rss_mb']:6.1f} MB  "
                      f"(weights {r['weights_mb']:.1f} MB, {r['vocabulary']} words, "
                      f"{r['sentences']:,} sentences, {r['seconds']}s)", flush=True)
        leftovers = [n for n in os.listdir(work) if n != "corpus.txt"]
        print("temporary files left:", leftovers or "none")
    finally:
        os.remove(corpus)
        os.rmdir(work) if not os.listdir(work) else None
    return 0


if __name__ == "__main__":
    sys.exit(main())
