"""The documentation lives in the code: every public name has a docstring, and doctests run.

The examples in docstrings are collected by pytest itself (``--doctest-modules``
in setup.cfg): every module of the package, no list to keep.
"""

import configparser
import doctest
import importlib
import inspect
import pathlib
import pkgutil

import pytest

import sklearn_w2v
from sklearn_w2v._optional import installed, torch_installed

ROOT = pathlib.Path(__file__).resolve().parent.parent


def package_modules():
    """Every module of the package that imports here (the torch ones only with torch)."""
    names = []
    for info in pkgutil.walk_packages(sklearn_w2v.__path__, "sklearn_w2v."):
        name = info.name
        # scripts; a deprecated alias
        if name.endswith("__main__") or name.endswith(".torch_model"):
            continue
        needs_torch = name.startswith(("sklearn_w2v.backends.torch", "sklearn_w2v.distributed"))
        if needs_torch and not torch_installed():
            continue
        names.append(name)
    return names


def public_packages():
    return [name for name in package_modules()
            if not any(part.startswith("_") for part in name.split("."))]


def test_pytest_collects_the_doctests_of_every_module():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    options = config["tool:pytest"]
    assert "--doctest-modules" in options["addopts"]
    assert "sklearn_w2v" in options["testpaths"].split()


def test_docstring_examples_cover_the_pipeline():
    finder = doctest.DocTestFinder()
    with_examples = set()
    for name in package_modules():
        module = importlib.import_module(name)
        if any(test.examples for test in finder.find(module, module=module)):
            with_examples.add(name.split(".")[1])  # the subpackage (or top module) it belongs to
    # The stages of the pipeline each show themselves at work.
    expected = {"text", "vocabulary", "corpus", "training", "vectors", "pooling", "estimator"}
    assert expected <= with_examples, expected - with_examples


@pytest.mark.parametrize("name", public_packages())
def test_every_public_name_is_documented(name):
    module = importlib.import_module(name)
    assert module.__doc__, f"{name} has no module docstring"
    for attr in getattr(module, "__all__", []):
        if attr == "FusedSGNS" and not installed("triton"):
            continue  # the fused kernel needs Triton, an optional dependency
        value = getattr(module, attr)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{name}.{attr} has no docstring"
