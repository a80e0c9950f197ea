"""Optional dependencies (torch): imported on first use, with one clear error when missing.

Modules that need torch import it plainly; what reaches them from torch-free
code (the backend registry, the lazy names of :mod:`sklearn_w2v.backends.torch`
and :mod:`sklearn_w2v.distributed`, the command line) goes through
:func:`load`, which turns a missing torch into a :class:`MissingDependencyError`
(an ``ImportError``) that says how to install it; the command lines print
that one line instead of a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping

TORCH_INSTALL = (
    "Install torch first (see https://pytorch.org/get-started/locally/ for the build that "
    'matches your CUDA version), then `pip install "sklearn-w2v[torch]"`.'
)


class MissingDependencyError(ImportError):
    """An optional dependency is not installed; the message says what needs it and how to
    install it.
    """


def installed(module: str) -> bool:
    """Whether the top-level ``module`` is installed, without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # an import hook refusing it, a broken entry
        return False


def torch_installed() -> bool:
    """Whether torch is installed, without importing it."""
    return installed("torch")


def _torch_imports() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def load(target: str, what: str = "This") -> object:
    """Import ``"package.module"`` or ``"package.module:name"`` and return the module or the name.

    Raises
    ------
    MissingDependencyError
        When the import fails for want of torch; the message names ``what``
        needs it and says how to install it.
    """
    module_name, _, name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        missing = (exc.name or "torch").split(".")[0]  # an import hook may leave no name
        if missing != "torch" or _torch_imports():  # some other import failed: show it as is
            raise
        raise MissingDependencyError(
            f"{what} needs PyTorch, which is not installed. {TORCH_INSTALL}") from exc
    return getattr(module, name) if name else module


def lazy_attributes(package: str, exports: Mapping[str, str], what: str) -> Callable[[str], object]:
    """A module ``__getattr__`` that imports the submodule holding a name on first access.

    ``exports`` maps each public name to its submodule, relative to
    ``package`` (e.g. ``{"TorchTrainer": "._trainer"}``), so the package
    imports without torch and only using a name needs it.
    """

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.util.resolve_name(exports[name], package)
        return load(f"{module}:{name}", what)

    return __getattr__
