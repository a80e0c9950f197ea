"""``python -m sklearn_w2v.distributed`` (under torchrun): see :mod:`sklearn_w2v.distributed.cli`."""

import sys

from .cli import main

sys.exit(main())
