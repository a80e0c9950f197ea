"""``python -m sklearn_w2v.distributed`` (under torchrun): see :mod:`sklearn_w2v.distributed`."""

import sys

from .._optional import load

try:
    main = load("sklearn_w2v.distributed._cli:main", "Distributed training")
except ImportError as exc:
    sys.exit(f"sklearn-w2v distributed: error: {exc}")

sys.exit(main())
