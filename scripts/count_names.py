"""Count where hyper-parameter names are written in the package, and its public names.

For each name (default: ``cbow_schedule sg_rule negative``) this reads every
``sklearn_w2v/**/*.py`` file with Python's tokenizer and counts the tokens
that write the name:

* ``code``: an identifier (``config.negative``), a string literal equal to
  the name (``"negative"``: a dict key, a ``getattr`` name) or holding its
  flag spelling (``-sg-rule``);
* ``text``: the word inside any other string (docstrings, messages) or a
  comment.

Each is split into the backends (``sklearn_w2v/backends``, which implement
what the name means) and everything else (the training contract, the
estimator, the front ends: where a declaration is repeated or plumbed), and
the code outside the backends is listed by file.

Then the public names: the ``__all__`` entries of the package's public
modules (those without an underscore in their dotted name), and the public
methods and properties that ``W2V`` defines itself (beyond scikit-learn's).

Run from the repository root (``--root`` reads another checkout)::

    python scripts/count_names.py [--root DIR] [NAME ...]
"""

from __future__ import annotations

import argparse
import ast
import importlib
import io
import pathlib
import pkgutil
import re
import sys
import tokenize

ROOT = pathlib.Path(__file__).resolve().parent.parent


def count(name: str, package: pathlib.Path) -> tuple[dict[str, int], dict[str, int]]:
    """The counts by kind and place, and the code outside the backends by file."""
    word = re.compile(rf"\b{re.escape(name)}\b")
    flag = re.compile(rf"-{re.escape(name.replace('_', '-'))}\b") if "_" in name else None
    totals = {"backends code": 0, "backends text": 0, "other code": 0, "other text": 0}
    files: dict[str, int] = {}
    for path in sorted(package.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(package)
        where = "backends" if "backends" in rel.parts else "other"
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            kind, n = None, 0
            if tok.type == tokenize.NAME and tok.string == name:
                kind, n = "code", 1
            elif tok.type == tokenize.STRING:
                try:
                    value = ast.literal_eval(tok.string)
                except (ValueError, SyntaxError):  # an f-string
                    value = tok.string
                if isinstance(value, str):
                    if value == name or (flag and flag.search(value)):
                        kind, n = "code", 1
                    elif word.search(value):
                        kind, n = "text", len(word.findall(value))
            elif tok.type == tokenize.COMMENT and word.search(tok.string):
                kind, n = "text", len(word.findall(tok.string))
            if kind:
                totals[f"{where} {kind}"] += n
                if where == "other" and kind == "code":
                    files[str(rel)] = files.get(str(rel), 0) + n
    return totals, files


def public_names(root: pathlib.Path) -> tuple[int, list[str]]:
    sys.path.insert(0, str(root))
    from sklearn.base import BaseEstimator, TransformerMixin

    import sklearn_w2v

    n_all = len(sklearn_w2v.__all__)
    for info in pkgutil.walk_packages(sklearn_w2v.__path__, "sklearn_w2v."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional dependency
            continue
        n_all += len(getattr(module, "__all__", []))
    inherited = set(dir(BaseEstimator)) | set(dir(TransformerMixin))
    own = sorted(n for n in vars(sklearn_w2v.W2V) if not n.startswith("_") and n not in inherited)
    return n_all, own


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path, default=ROOT,
                        help="the checkout to read (default: this one)")
    parser.add_argument("names", nargs="*", default=["cbow_schedule", "sg_rule", "negative"])
    args = parser.parse_args(argv)
    for name in args.names:
        totals, files = count(name, args.root / "sklearn_w2v")
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
        print(f"  code outside the backends, {len(files)} files: "
              + ", ".join(f"{f} {n}" for f, n in files.items()))
    n_all, own = public_names(args.root)
    print(f"public names (__all__ of public modules): {n_all}")
    print(f"W2V's own public methods: {len(own)} ({', '.join(own)})")


if __name__ == "__main__":
    main(sys.argv[1:])
