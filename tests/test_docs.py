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
import re

import pytest

import sklearn_w2v
from sklearn_w2v._optional import installed, torch_installed

ROOT = pathlib.Path(__file__).resolve().parent.parent


def package_modules():
    """Every module of the package that imports here (the torch ones only with torch)."""
    names = []
    for info in pkgutil.walk_packages(sklearn_w2v.__path__, "sklearn_w2v."):
        name = info.name
        # scripts
        if name.endswith("__main__"):
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


def test_every_public_module_declares_its_public_names():
    # What is public is a decision, written down: a module without __all__ would make
    # every name it imports look like API.
    missing = [name for name in public_packages() if not hasattr(importlib.import_module(name),
                                                                 "__all__")]
    assert not missing


def test_the_api_reference_lists_every_module_with_public_names():
    # Each listed module's page documents its __all__ (docs/_templates/autosummary/module.rst),
    # so a module missing here is a set of public names missing from the reference; a module
    # whose __all__ is empty (an internal package) has no page.
    api = (ROOT / "docs" / "api.rst").read_text()
    listed = set(re.findall(r"^   (sklearn_w2v[\w.]*)$", api, flags=re.M))
    expected = {"sklearn_w2v"} | {
        name for name in public_packages() if importlib.import_module(name).__all__}
    if not torch_installed():  # the torch packages import without torch but are not walked
        listed -= {"sklearn_w2v.backends.torch", "sklearn_w2v.distributed"}
    assert listed == expected, (expected - listed, listed - expected)


#: The public API, module by module: a name added to (or dropped from) an __all__ is an API
#: decision, so it fails here until this list says so. The torch backend's names are pinned
#: in its own tests.
PUBLIC_API = {
    "sklearn_w2v": ["LineCorpus", "PhraseTransformer", "Segment", "W2V", "__version__",
                    "shard_files"],
    "sklearn_w2v.persistence": ["TRUSTED_TYPES", "ModelFileError", "UntrustedTypesError", "load",
                                "load_keyed_vectors", "save", "save_keyed_vectors"],
    "sklearn_w2v.callbacks": ["Callback", "Checkpoint", "EarlyStopping", "EpochStats",
                              "StopTraining"],
    "sklearn_w2v.vectors": ["DuplicateWordError", "Word2VecFormatError", "read_vectors",
                            "read_vocabulary", "write_classes", "write_vectors",
                            "write_vocabulary"],
    "sklearn_w2v.evaluation": ["evaluate", "score_analogies", "score_word_pairs"],
    "sklearn_w2v.training": ["CBOW_SCHEDULES", "SG_RULE_NAMES", "BackendSpec", "Capabilities",
                             "EpochEnd",
                             "EpochHook", "TensorTrainer", "TrainConfig", "TrainResult",
                             "TrainStats", "Trainer", "check_training_arrays"],
    "sklearn_w2v.backends": ["backend_available", "backend_names", "backend_spec",
                             "get_trainer"],
    "sklearn_w2v.backends.numba": ["NumbaTrainer", "SPEC"],
    "sklearn_w2v.cli": ["main"],
    "sklearn_w2v.distributed": ["DistributedError", "fit_distributed", "main"],
    "sklearn_w2v.bench": ["BenchParams", "main", "run_benchmark"],
    "sklearn_w2v.demo": ["main"],
    # Internal packages: their names are seams between the package's modules.
    "sklearn_w2v.text": [],
    "sklearn_w2v.vocabulary": [],
    "sklearn_w2v.corpus": [],
    "sklearn_w2v.pooling": [],
    "sklearn_w2v.estimator": [],
}


@pytest.mark.parametrize("name", sorted(PUBLIC_API))
def test_the_public_api_is_what_was_decided(name):
    public = importlib.import_module(name).__all__
    assert sorted(public) == sorted(PUBLIC_API[name])
    assert len(set(public)) == len(public)


def test_every_public_module_is_pinned():
    walked = {name for name in public_packages()
              if not name.startswith("sklearn_w2v.backends.torch")}
    assert walked <= set(PUBLIC_API), walked - set(PUBLIC_API)


def test_a_public_name_has_one_public_home():
    # A function or class exported by two public modules is two homes for one concept.
    homes: dict[int, list[str]] = {}
    for name in PUBLIC_API:
        if name.startswith("sklearn_w2v.distributed") and not torch_installed():
            continue  # its names import torch on first use
        module = importlib.import_module(name)
        for attr in module.__all__:
            value = getattr(module, attr)
            if inspect.isclass(value) or inspect.isfunction(value):
                homes.setdefault(id(value), []).append(f"{name}.{attr}")
    shared = [where for where in homes.values() if len(where) > 1]
    assert not shared

