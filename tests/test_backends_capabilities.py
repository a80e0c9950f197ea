"""What a backend can train, for the options given: answered by its spec, checked before reading.

``BackendSpec.capabilities(options)`` says which skip-gram rules, CBOW modes, frozen rows,
loss and epoch hook a backend implements with its options (device, kernel, custom module);
every front end checks a run against it once, before any corpus is read.
"""

import dataclasses

import pytest

from sklearn_w2v import W2V
from sklearn_w2v import backends as registry
from sklearn_w2v.backends import backend_spec, check_capabilities
from sklearn_w2v.callbacks import Callback
from sklearn_w2v.estimator import training_setup
from sklearn_w2v.training import Capabilities, TrainConfig


def never_read():
    """An X that fails the test when iterated: the refusal must come first."""
    raise AssertionError("the corpus was read")
    yield


@pytest.fixture
def numba_lacking(monkeypatch):
    """Make the numba backend lack what ``Capabilities(**lacking)`` says."""

    def lack(**lacking):
        spec = backend_spec("numba")
        monkeypatch.setitem(registry._SPECS, "numba", dataclasses.replace(
            spec, capabilities=lambda options: Capabilities(**lacking)))

    return lack


def test_the_torch_batched_path_refuses_hogbatch_before_reading():
    # The bug of many copies: the spec declared both rules, the batched path refused one
    # only after the corpus was counted and encoded.
    pytest.importorskip("torch")
    for options in ({"device": "cpu"}, {"kernel": "batched"},
                    {"device": "cpu", "torch_module": _module_factory()}):
        model = W2V(backend="torch", sg=1, sg_rule="hogbatch", **options)
        with pytest.raises(ValueError, match="torch backend does not implement "
                           "sg_rule='hogbatch' with these options: .*fused kernel.*"
                           "backend 'numba' has it"):
            model.fit(never_read())
    # CBOW has no such rule, and the fused kernel has it (Triton's interpreter on the CPU).
    training_setup(W2V(backend="torch", device="cpu", sg_rule="hogbatch"))
    if _triton_installed():
        training_setup(W2V(backend="torch", device="cpu", kernel="fused", sg=1,
                           sg_rule="hogbatch"))


def test_frozen_rows_with_a_custom_torch_module_are_refused_before_reading(tmp_path):
    pytest.importorskip("torch")
    vectors = tmp_path / "v.txt"
    vectors.write_text("2 4\na 1 0 0 0\nb 0 1 0 0\n")
    model = W2V(backend="torch", device="cpu", torch_module=_module_factory(), vector_size=4,
                init_vectors=str(vectors), freeze_init=True)
    with pytest.raises(ValueError, match="does not implement frozen rows .*torch_module"):
        model.fit(never_read())


@pytest.mark.parametrize("lacking, params, refused", [
    ({"sg_rules": ("block",)}, {"sg": 1, "sg_rule": "hogbatch"}, "sg_rule='hogbatch'"),
    ({"cbow_schedules": ("linear",)}, {}, "cbow_schedule='stepped'"),
    ({"cbow_means": (True,)}, {"cbow_mean": 0}, "cbow_mean=0"),
    ({"epoch_hook": False}, {"callbacks": [Callback()]}, "an epoch hook"),
])
def test_what_a_backend_lacks_is_refused_before_reading(numba_lacking, lacking, params,
                                                        refused):
    numba_lacking(**lacking)
    with pytest.raises(ValueError, match=f"numba backend does not implement {refused}"):
        W2V(**params).fit(never_read())


def test_what_a_run_does_not_use_is_not_refused(numba_lacking):
    numba_lacking(sg_rules=("block",), cbow_schedules=("linear",), cbow_means=(True,))
    config = training_setup(W2V(sg=1, sg_rule="block", cbow_mean=0)).config  # skip-gram
    assert config.sg and config.cbow_schedule == "stepped"
    training_setup(W2V(sg=0, sg_rule="hogbatch", cbow_schedule="linear"))  # CBOW


def test_a_backend_without_the_loss_warns_before_reading(numba_lacking):
    numba_lacking(loss=False)
    with pytest.warns(UserWarning, match="does not report the training loss"), \
            pytest.raises(AssertionError, match="the corpus was read"):
        W2V(compute_loss=True).fit(never_read())


def test_check_capabilities_names_every_lack_and_who_has_it(numba_lacking):
    numba_lacking(sg_rules=("block",), epoch_hook=False, reason="a test says so")
    config = TrainConfig(sg=True, sg_rule="hogbatch")
    with pytest.raises(ValueError) as info:
        check_capabilities("numba", {}, config, epoch_hook=True)
    message = str(info.value)
    assert "sg_rule='hogbatch' and an epoch hook (callbacks)" in message
    assert "with these options: a test says so" in message
    with pytest.raises(ValueError, match="implement sg_rule='hogbatch' with these options"):
        check_capabilities("numba", {}, config)  # no hook asked for: the rule alone
    assert Capabilities().refusals(config, frozen=True, epoch_hook=True) == []


def test_the_benchmark_and_the_command_line_refuse_alike():
    pytest.importorskip("torch")
    from gensim.test.utils import datapath

    from sklearn_w2v.bench import BenchParams
    from sklearn_w2v.cli import main

    with pytest.raises(ValueError, match="torch:device=cpu.*does not implement "
                       "sg_rule='hogbatch'"):
        BenchParams(corpus=datapath("lee_background.cor"), trainers=("torch:device=cpu",),
                    sg=1, sg_rule="hogbatch").validated()
    with pytest.raises(ValueError, match="'torch'.*does not implement sg_rule='hogbatch'"):
        BenchParams(corpus=datapath("lee_background.cor"), trainers=("torch",), device="cpu",
                    sg=1, sg_rule="hogbatch").validated()
    assert main(["-train", "never.txt", "--backend", "torch", "--kernel", "batched", "-cbow",
                 "0", "-sg-rule", "hogbatch"]) == 2


def _module_factory():
    from sklearn_w2v.backends.torch import SGNSModule

    return SGNSModule


def _triton_installed():
    from sklearn_w2v._optional import installed

    return installed("triton")


def test_the_built_in_specs_answer_for_their_options():
    assert backend_spec("numba").capabilities({}) == Capabilities()
    torch = backend_spec("torch").capabilities
    assert torch({"device": "cpu", "kernel": "batched", "torch_module": None}).sg_rules == (
        "block",)
    assert torch({"device": "cuda", "kernel": "fused", "torch_module": None}).sg_rules == (
        "block", "hogbatch")
    assert not torch({"device": "cpu", "kernel": "auto", "torch_module": object}).frozen_rows
