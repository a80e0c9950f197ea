"""``python -m sklearn_w2v``: the ``sklearn-w2v`` command (see :mod:`sklearn_w2v.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
