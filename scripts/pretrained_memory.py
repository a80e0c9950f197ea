"""Peak memory of reading pretrained vectors into W2V, measured on a generated word2vec file.

Usage::

    python scripts/pretrained_memory.py [--words 200000] [--dim 300] [--text]

Writes a random ``words x dim`` word2vec file (binary by default) into a
temporary folder, then in a fresh interpreter per case measures the peak
resident memory (Linux's ``VmHWM``, reset after the imports) above the
resident memory of the imports alone:

* ``read_vectors``: the strict reader on its own;
* ``W2V(epochs=0)``: a fit that takes the vectors as they are (on a few
  documents);
* ``W2V(epochs=1)``: fine-tuning on the same documents.

It prints one JSON line per case: the matrix's size (``words * dim * 4``
bytes), the peak above the imports, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

CASES = {
    "read_vectors": "from sklearn_w2v.vectors import read_vectors\nkv = read_vectors(PATH)",
    "W2V(epochs=0)": ("from sklearn_w2v import W2V\n"
                      "W2V(vector_size=DIM, epochs=0, init_vectors=PATH, min_count=1)"
                      ".fit(DOCS)"),
    "W2V(epochs=1)": ("from sklearn_w2v import W2V\n"
                      "W2V(vector_size=DIM, epochs=1, init_vectors=PATH, min_count=1, n_jobs=1)"
                      ".fit(DOCS)"),
}

# The imports' own transient peak is above what a small case adds, so the peak is reset
# after them (writing 5 to clear_refs resets VmHWM, Linux >= 4.0) and read from VmHWM.
CHILD = """
import sys
import numpy as np
import sklearn_w2v, sklearn_w2v.vectors, gensim  # the imports every case needs
PATH, DIM = sys.argv[1], int(sys.argv[2])
DOCS = [["w1", "w2", "w3", "new", "w1"]] * 100
def status(key):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith(key + ":"))
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
base = status("VmRSS")
exec(sys.argv[3])
print(base, status("VmHWM"))
"""


def measure(path: str, dim: int, code: str) -> tuple[int, int]:
    done = subprocess.run([sys.executable, "-c", CHILD, path, str(dim), code],
                          capture_output=True, text=True, check=True)
    base, peak = map(int, done.stdout.split())
    return base, peak


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--text", action="store_true", help="a text file instead of binary")
    args = parser.parse_args(argv)
    from sklearn_w2v.vectors import write_vectors

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "vectors.txt" if args.text else "vectors.bin")
        rng = np.random.default_rng(0)
        vectors = rng.standard_normal((args.words, args.dim), dtype=np.float32)
        write_vectors(path, [f"w{i}" for i in range(args.words)], vectors, binary=not args.text)
        del vectors
        matrix = args.words * args.dim * 4
        for name, code in CASES.items():
            base, peak = measure(path, args.dim, code)
            print(json.dumps({"case": name, "words": args.words, "dim": args.dim,
                              "layout": "text" if args.text else "binary",
                              "file_bytes": os.path.getsize(path), "matrix_bytes": matrix,
                              "imports_rss_bytes": base, "peak_above_imports_bytes": peak - base,
                              "ratio_to_matrix": round((peak - base) / matrix, 3)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
