"""Count where hyper-parameter names are written in the package, and its public names.

For each name (default: ``cbow_schedule sg_rule negative``) this reads every
``sklearn_w2v/**/*.py`` file with Python's tokenizer and counts the tokens
that spell the name as a whole word:

* ``code``: an identifier (``config.negative``) or a string literal equal to
  the name (``"negative"``: a dict key, a ``getattr`` name);
* ``prose``: inside a comment or a docstring (any other string literal that
  mentions the word).

Each is split into the backends (``sklearn_w2v/backends``, which implement
what the name means) and everything else (the training contract, the
estimator, the front ends: where a declaration is repeated or plumbed).
A flag spelling such as ``--sg-rule`` is counted too (as code).

Then the public names: the ``__all__`` entries of the package's public
modules (those without an underscore in their dotted name), and the public
methods and properties that ``W2V`` defines itself (beyond scikit-learn's).

Run from the repository root::

    python scripts/count_names.py [NAME ...]
"""

from __future__ import annotations

import ast
import importlib
import io
import pathlib
import pkgutil
import re
import sys
import tokenize

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sklearn_w2v"


def _docstring_lines(tree: ast.AST) -> set[int]:
    """The first lines of the docstrings of a module's module, classes and functions."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                lines.add(body[0].value.lineno)
    return lines


def count(name: str) -> dict[str, int]:
    word = re.compile(rf"\b{re.escape(name)}\b")
    flag = re.compile(rf"-{re.escape(name.replace('_', '-'))}\b") if "_" in name else None
    totals = {"backends code": 0, "backends prose": 0, "other code": 0, "other prose": 0}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        docstrings = _docstring_lines(ast.parse(source))
        where = "backends" if "backends" in path.relative_to(PACKAGE).parts else "other"
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.NAME and tok.string == name:
                totals[f"{where} code"] += 1
            elif tok.type == tokenize.STRING:
                try:
                    value = ast.literal_eval(tok.string)
                except (ValueError, SyntaxError):  # an f-string piece
                    value = tok.string
                if isinstance(value, bytes):
                    continue
                if value == name or (flag and flag.search(value)):
                    totals[f"{where} code"] += 1
                elif word.search(value):
                    kind = "prose" if tok.start[0] in docstrings or "\n" in value else "code"
                    totals[f"{where} {kind}"] += len(word.findall(value))
            elif tok.type == tokenize.COMMENT:
                totals[f"{where} prose"] += len(word.findall(tok.string))
    return totals


def public_names() -> tuple[int, int, list[str]]:
    sys.path.insert(0, str(ROOT))
    from sklearn.base import BaseEstimator, TransformerMixin

    import sklearn_w2v

    n_all = 0
    for info in pkgutil.walk_packages(sklearn_w2v.__path__, "sklearn_w2v."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional dependency
            continue
        n_all += len(getattr(module, "__all__", []))
    n_all += len(sklearn_w2v.__all__)
    inherited = set(dir(BaseEstimator)) | set(dir(TransformerMixin))
    own = sorted(n for n in vars(sklearn_w2v.W2V) if not n.startswith("_") and n not in inherited)
    return n_all, len(own), own


def main(argv: list[str]) -> None:
    for name in argv or ["cbow_schedule", "sg_rule", "negative"]:
        totals = count(name)
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in totals.items())
              + f"; outside the backends {totals['other code'] + totals['other prose']}")
    n_all, n_own, own = public_names()
    print(f"public names (__all__ of public modules): {n_all}")
    print(f"W2V's own public methods: {n_own} ({', '.join(own)})")


if __name__ == "__main__":
    main(sys.argv[1:])
