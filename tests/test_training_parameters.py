"""One declaration per training parameter: every front end shows what it declares, and only that.

``TRAINING_PARAMETERS`` declares each field of ``TrainConfig`` once. These tests fail when a
front end (``W2V``, the command line, the benchmark, the parameters page of the docs) misses
one, shows it with another default, or stops passing it on.
"""

import ast
import dataclasses
import inspect
import pathlib
import re

import pytest

from sklearn_w2v import W2V
from sklearn_w2v.bench import BenchParams, build_parser
from sklearn_w2v.bench._cli import params_from_args
from sklearn_w2v.cli import C_TOOL_FLAGS, estimator_from_args, parse_train_args, train_parser
from sklearn_w2v.estimator import training_setup
from sklearn_w2v.training import (
    FRONT_ENDS,
    TRAINING_PARAMETERS,
    TrainConfig,
    TrainingParameter,
    shown_in,
)

PAGE = pathlib.Path(__file__).parent.parent / "docs" / "user_guide" / "parameters.md"

#: The run settings: TrainConfig fields that each front end sets from an option of its own
#: (W2V, command line, benchmark); None where it has none.
RUN_SETTINGS = {
    "seed": ("random_state", "--seed", "--seed"),
    "n_threads": ("n_jobs", "-threads", "--threads"),
    "verbose": ("verbose", "-debug", None),
}


def other_value(p: TrainingParameter):
    """A valid value other than the default, as W2V takes it."""
    if p.kind is str:
        return next(c for c in p.choices if c != p.default)
    if p.kind is bool:
        return int(not p.default) if p.zero_one else not p.default
    if p.kind is int:
        return p.default + 1
    return p.default / 2  # every declared float stays in its range halved


def as_text(value) -> str:
    return str(int(value)) if isinstance(value, bool) else str(value)


# ------------------------------------------------------------------ the declaration


def test_the_configuration_is_the_declaration():
    fields = dataclasses.fields(TrainConfig)
    assert [f.name for f in fields] == [p.name for p in TRAINING_PARAMETERS]
    assert [f.default for f in fields] == [p.default for p in TRAINING_PARAMETERS]
    assert TrainConfig() == TrainConfig(**{p.name: p.default for p in TRAINING_PARAMETERS})
    assert TrainConfig(sg=1).sg is True  # stored as its kind


def test_every_parameter_is_shown_somewhere_or_is_a_run_setting():
    assert {p.name for p in TRAINING_PARAMETERS if not p.front_ends} == set(RUN_SETTINGS)
    assert all(set(p.front_ends) <= set(FRONT_ENDS) for p in TRAINING_PARAMETERS)
    # A parameter that the command line or the benchmark shows is a W2V parameter too.
    assert all("estimator" in p.front_ends for p in TRAINING_PARAMETERS if p.front_ends)


@pytest.mark.parametrize("p", TRAINING_PARAMETERS, ids=lambda p: p.name)
def test_the_configuration_refuses_what_the_declaration_refuses(p):
    with pytest.raises(TypeError, match=p.name):
        TrainConfig(**{p.name: [p.default]})
    bad = ("no such value" if p.kind is str else 2 if p.kind is bool
           else None if p.low is None else p.low - 1)
    if bad is not None:
        with pytest.raises(ValueError, match=f"{p.name} must be"):
            TrainConfig(**{p.name: bad})


def test_checks_and_parsing_say_what_was_expected():
    window, alpha, sg = (next(p for p in TRAINING_PARAMETERS if p.name == n)
                         for n in ("window", "alpha", "sg"))
    assert window.check(3) == 3
    with pytest.raises(TypeError, match="window must be a positive integer, got True"):
        window.check(True)  # a bool is no count
    with pytest.raises(ValueError, match=r"alpha must be a number > 0, got 0"):
        alpha.check(0)
    assert alpha.check(1) == 1.0 and isinstance(alpha.check(1), float)
    assert (sg.check(1), sg.check(False)) == (True, False)
    for text, message in (("nan", "expected a finite number > 0, got 'nan'"),
                          ("-1", "expected a finite number > 0, got '-1'")):
        with pytest.raises(ValueError, match=re.escape(message)):
            alpha.parse(text)
    with pytest.raises(ValueError, match="expected 0 or 1, got 'yes'"):
        sg.parse("yes")
    with pytest.raises(ValueError, match="min_alpha 0.5 must not exceed alpha 0.1"):
        TrainConfig(alpha=0.1, min_alpha=0.5)


# ------------------------------------------------------------------ W2V


def test_w2v_init_is_keyword_only_and_holds_the_declared_defaults():
    signature = inspect.signature(W2V.__init__)
    parameters = list(signature.parameters.values())[1:]
    assert all(q.kind is inspect.Parameter.KEYWORD_ONLY for q in parameters)
    for p in shown_in("estimator"):
        assert p.name in signature.parameters, p.name
        default = signature.parameters[p.name].default
        assert default == p.default and type(default) is type(p.default), p.name
    for name, (w2v_name, _, _) in RUN_SETTINGS.items():
        assert w2v_name in signature.parameters, name


def test_w2v_docstring_gives_each_training_parameter_its_declared_default():
    doc = inspect.getdoc(W2V)
    for p in shown_in("estimator"):
        match = re.search(rf"^{p.name} : .*, default=(.+)$", doc, flags=re.M)
        assert match, f"W2V's docstring does not list {p.name}"
        assert ast.literal_eval(match.group(1)) == p.default, p.name


def test_w2v_validates_each_training_parameter_as_declared():
    for p in shown_in("estimator"):
        assert p.name in W2V._parameter_constraints
        bad = "no such value" if p.kind is str else 2 if p.kind is bool else p.low - 1
        with pytest.raises(ValueError, match=f"'{p.name}' parameter of W2V must be"):
            W2V(**{p.name: bad})._validate_params()


@pytest.mark.parametrize("p", shown_in("estimator"), ids=lambda p: p.name)
def test_each_w2v_parameter_reaches_the_configuration(p):
    value = other_value(p)
    config = training_setup(W2V(**{p.name: value})).config
    assert getattr(config, p.name) == value
    assert getattr(training_setup(W2V()).config, p.name) == p.default


# ------------------------------------------------------------------ the command line


def _cli_flag(name: str) -> str:
    dest = C_TOOL_FLAGS.get(name, name)
    for action in train_parser()._actions:
        if action.dest == dest:
            return action.option_strings[0]
    raise AssertionError(f"the command line has no flag for {name}")


@pytest.mark.parametrize("p", shown_in("cli"), ids=lambda p: p.name)
def test_each_command_line_parameter_has_a_flag_that_reaches_w2v(p):
    value = other_value(p)
    flag_value = 1 - value if p.name == "sg" else value  # -cbow 1 is sg=0
    args = parse_train_args(["-train", "f", _cli_flag(p.name), as_text(flag_value)])
    model = estimator_from_args(args)
    assert getattr(model, p.name) == value


def test_the_command_line_shows_no_training_parameter_it_does_not_declare():
    declared = {C_TOOL_FLAGS.get(p.name, p.name) for p in shown_in("cli")}
    hidden = {p.name for p in TRAINING_PARAMETERS if "cli" not in p.front_ends}
    dests = {a.dest for a in train_parser()._actions}
    assert declared <= dests and not (hidden - set(RUN_SETTINGS)) & dests


# ------------------------------------------------------------------ the benchmark


@pytest.mark.parametrize("p", shown_in("bench"), ids=lambda p: p.name)
def test_each_benchmark_parameter_has_an_option_that_reaches_the_trainers(p):
    value = other_value(p)
    args = build_parser().parse_args(
        ["--backends", "numba", f"--{p.name.replace('_', '-')}", as_text(value)])
    params = params_from_args(args)
    assert getattr(params, p.name) == value
    assert params.model_params()[p.name] == value  # the spec every trainer's worker reads


def test_bench_params_hold_the_declared_defaults():
    fields = {f.name: f.default for f in dataclasses.fields(BenchParams)}
    for p in shown_in("bench"):
        assert fields[p.name] == p.default


# ------------------------------------------------------------------ the documentation


def parameter_table() -> str:
    """The table of the parameters page, from the declaration and the front ends' names."""
    rows = ["| Parameter | Values | Default | `W2V` | Command line | Benchmark | What it does |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for p in TRAINING_PARAMETERS:
        if p.name in RUN_SETTINGS:
            names, default = RUN_SETTINGS[p.name], "-"  # each front end has its own
        else:
            names = (p.name, _cli_flag(p.name) if "cli" in p.front_ends else None,
                     f"--{p.name.replace('_', '-')}" if "bench" in p.front_ends else None)
            default = f"`{p.default!r}`" if p.kind is str else f"`{p.default}`"
        shown = " | ".join(f"`{n}`" if n else "-" for n in names)
        shown = shown.replace("`-cbow`", "`-cbow` (1 - sg)")
        values = p.describe().replace("[", "\\[")
        rows.append(f"| `{p.name}` | {values} | {default} | {shown} | {p.doc} |")
    return "\n".join(rows) + "\n"


def test_the_parameters_page_lists_the_declaration():
    text = PAGE.read_text(encoding="utf-8")
    start = "<!-- training parameters: generated by tests/test_training_parameters.py -->\n"
    assert start in text
    table = text.split(start, 1)[1].split("\n\n", 1)[0] + "\n"
    assert table == parameter_table(), "the table should read:\n" + parameter_table()


def test_the_run_settings_flags_exist():
    bench_options = {s for a in build_parser()._actions for s in a.option_strings}
    cli_options = {s for a in train_parser()._actions for s in a.option_strings}
    for _, cli, bench in RUN_SETTINGS.values():
        assert cli in cli_options and (bench is None or bench in bench_options)
