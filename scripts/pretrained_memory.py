"""Peak memory of reading pretrained vectors into W2V, and the size of the saved model, measured
on a generated word2vec file.

Usage::

    python scripts/pretrained_memory.py [--words 200000] [--dim 300] [--text]

To measure another version of the package (e.g. before a change), put it first on the path:
``PYTHONPATH=/path/to/other/checkout python scripts/pretrained_memory.py``; cases that
version lacks report their error.

Writes a random ``words x dim`` word2vec file (binary by default) into a
temporary folder, then in a fresh interpreter per case measures the peak
resident memory (Linux's ``VmHWM``, reset after the imports) above the
resident memory of the imports alone:

* ``read_vectors``: the strict reader on its own;
* ``W2V(epochs=0)``: a fit that takes the vectors as they are (on a few
  documents);
* ``W2V(epochs=1)``: fine-tuning on the same documents;
* ``W2V(epochs=1, init_vectors_words="corpus")``: fine-tuning that keeps
  only the corpus's pretrained words;
* the same fits from the file read into a ``KeyedVectors`` first (the
  peak then includes that matrix).

It prints one JSON line per case: the matrix's size (``words * dim * 4``
bytes), the peak above the imports, and their ratio; for the fits also the
size of the fitted model saved with ``sklearn_w2v.persistence.save`` as
``.skops`` (uncompressed) and as ``.joblib``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

_FIT = ("from sklearn_w2v import W2V\n{read}"
        "MODEL = W2V(vector_size=DIM, epochs={epochs}, init_vectors={init}, min_count=1, "
        "n_jobs=1{extra}).fit(DOCS)")
_KV = "from sklearn_w2v.vectors import read_vectors\nkv = read_vectors(PATH)\n"
CASES = {
    "read_vectors": "from sklearn_w2v.vectors import read_vectors\nkv = read_vectors(PATH)",
    "W2V(epochs=0)": _FIT.format(read="", epochs=0, init="PATH", extra=""),
    "W2V(epochs=1)": _FIT.format(read="", epochs=1, init="PATH", extra=""),
    "W2V(epochs=1, init_vectors_words='corpus')": _FIT.format(
        read="", epochs=1, init="PATH", extra=", init_vectors_words='corpus'"),
    "W2V(epochs=0, init_vectors=KeyedVectors)": _FIT.format(read=_KV, epochs=0, init="kv",
                                                            extra=""),
    "W2V(epochs=1, init_vectors=KeyedVectors)": _FIT.format(read=_KV, epochs=1, init="kv",
                                                            extra=""),
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
peak = status("VmHWM")
sizes = {}
if "MODEL" in globals():
    import os, tempfile
    from sklearn_w2v.persistence import save
    with tempfile.TemporaryDirectory() as folder:
        for name in ("m.skops", "m.joblib"):
            save(MODEL, os.path.join(folder, name))
            sizes[name.split(".")[1] + "_bytes"] = os.path.getsize(os.path.join(folder, name))
import json
print(json.dumps({"base": base, "peak": peak, **sizes}))
"""


def measure(path: str, dim: int, code: str) -> dict:
    """``{"base", "peak"}`` (and the saved sizes) of one case, or ``{"error"}``."""
    # Run in the file's folder: ``python -c`` puts the working directory first on the path,
    # which would shadow the package PYTHONPATH names.
    done = subprocess.run([sys.executable, "-c", CHILD, path, str(dim), code],
                          capture_output=True, text=True, cwd=os.path.dirname(path))
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


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
            got = measure(path, args.dim, code)
            line = {"case": name, "words": args.words, "dim": args.dim,
                    "layout": "text" if args.text else "binary",
                    "file_bytes": os.path.getsize(path), "matrix_bytes": matrix}
            if "error" in got:
                line["error"] = got["error"]
            else:
                base, peak = got.pop("base"), got.pop("peak")
                line.update(imports_rss_bytes=base, peak_above_imports_bytes=peak - base,
                            ratio_to_matrix=round((peak - base) / matrix, 3), **got)
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
