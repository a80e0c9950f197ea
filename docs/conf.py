"""Sphinx configuration of the sklearn_w2v documentation.

Build (warnings are errors, as in ``.ci/run``)::

    pip install ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

import importlib
import inspect
import os
import pkgutil
import re
import sys

# Document the checkout this file belongs to, not an installed copy.
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

from sphinx.ext.autodoc.mock import mock  # noqa: E402
from sphinx.pycode import ModuleAnalyzer  # noqa: E402

import sklearn_w2v  # noqa: E402

project = "sklearn_w2v"
author = "the sklearn_w2v authors"
copyright = "the sklearn_w2v authors, MIT licence"
release = version = sklearn_w2v.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
templates_path = ["_templates"]

# API reference: one page per public name, the members of each public module
# taken from its __all__ (so a new export appears without editing the docs).
autosummary_generate = True
autosummary_ignore_module_all = False
autodoc_default_options = {"show-inheritance": True}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
# numpydoc lists class members through autosummary tables; without a toctree
# for them, the class page itself documents them.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


# The docs extra does not pull in torch (several GB with CUDA): without it, the torch
# backend's and distributed training's pages are documented from stand-ins.
autodoc_mock_imports = [name for name in ("torch", "triton") if not _importable(name)]

with open(os.path.join(os.path.dirname(__file__), "api.rst")) as _f:
    #: The modules the API reference lists, in its order.
    API_MODULES = re.findall(r"^   (sklearn_w2v[\w.]*)$", _f.read(), flags=re.M)


def public_home(module_name: str) -> str:
    """The public module a private one belongs to: ``a.b._c`` -> ``a.b``."""
    parts = module_name.split(".")
    while parts and parts[-1].startswith("_"):
        parts.pop()
    return ".".join(parts)


def class_homes() -> dict[str, str]:
    """``module.Name`` -> the one API page that indexes the class ``Name``.

    A class exported by several modules (``sklearn_w2v.W2V`` and
    ``sklearn_w2v.estimator.W2V``) is documented on each of their pages but indexed
    only on its home page (the public module of its code), so cross-references have
    one target.
    """
    homes, pages = {}, {}
    for name in API_MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            value = getattr(module, attr, None)
            if inspect.isclass(value):
                key = f"{value.__module__}.{value.__qualname__}"
                pages.setdefault(key, []).append(f"{name}.{attr}")
    for key, where in pages.items():
        home = public_home(key.rsplit(".", 1)[0])
        chosen = next((w for w in where if w.rsplit(".", 1)[0] == home), where[0])
        homes.update({w: chosen for w in where})
    return homes


with mock(autodoc_mock_imports):
    autosummary_context = {"class_home": class_homes()}


def _constant_comments(module_name: str) -> dict[str, list[str]]:
    """The ``#:`` comments of the constants defined in a package's private modules."""
    comments = {}
    module = importlib.import_module(module_name)
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        if info.name.startswith("_") and not info.name.startswith("__"):  # not __main__
            analyzer = ModuleAnalyzer.for_module(f"{module_name}.{info.name}")
            for (namespace, attr), lines in analyzer.find_attr_docs().items():
                if not namespace:
                    comments.setdefault(attr, list(lines))
    return comments


def document_constants(app, what, name, obj, options, lines):
    """Give a re-exported constant its ``#:`` comment, never its type's docstring.

    autodoc looks for a constant's comment in the module that exports it, not in the
    private module that defines it, and otherwise shows ``type(value).__doc__`` (the
    docstring of ``int``, ``numpy.ndarray`` or ``BackendSpec``): a constant has no
    docstring of its own.
    """
    module_name, _, attr = name.rpartition(".")
    if what == "data" and module_name in API_MODULES:
        lines[:] = _constant_comments(module_name).get(attr, [])


def setup(app):
    # Before numpydoc (priority 500) reformats the text as a numpydoc docstring.
    app.connect("autodoc-process-docstring", document_constants, priority=100)


# Markdown pages: anchors for in-page links to headings.
myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence"]

try:  # the theme of scikit-learn's site; any Sphinx theme works
    import pydata_sphinx_theme  # noqa: F401

    html_theme = "pydata_sphinx_theme"
    html_theme_options = {"navigation_with_keys": False}
except ImportError:
    html_theme = "alabaster"
html_title = f"sklearn_w2v {release}"
html_static_path = ["_static"]
