"""The benchmark command: option checks, the statistics helpers, and one real run."""

import gzip
import json
import os
import subprocess
import sys

import pytest
from gensim.test.utils import datapath

import sklearn_w2v.bench._runner as runner  # its steps are replaced below
from sklearn_w2v.bench import BenchParams, main, run_benchmark
from sklearn_w2v.bench._latency import core_to_core_ns
from sklearn_w2v.bench._params import parse_int_list, parse_name_list
from sklearn_w2v.bench._report import markdown_table, scaling_markdown, scaling_text, text_table
from sklearn_w2v.bench._runner import prepare_corpus, schedule
from sklearn_w2v.bench._stats import quality_difference, ratio, scaling, spread, summarize
from sklearn_w2v.estimator import STAGE_NAMES

LEE = datapath("lee_background.cor")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def lee_tokens():
    with open(LEE, "rb") as f:
        return sum(len(line.split()) for line in f)


# --- option validation: clear errors before any work ---------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"corpus": "/no/such/file.txt"}, FileNotFoundError, "not found"),
        ({"trainers": ("numba", "fasttext")}, ValueError, "Unknown trainer 'fasttext'"),
        ({"threads": (0,)}, ValueError, "threads"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"vector_size": 0}, ValueError, "vector_size"),
        ({"repeat": 0}, ValueError, "repeat"),
        ({"min_count": -1}, ValueError, "min_count"),
        ({"alpha": 0.0}, ValueError, "alpha"),
        ({"sample": -1e-3}, ValueError, "sample"),
        ({"sg": 2}, ValueError, "sg"),
        ({"trainers": ("numba",), "device": "cuda"}, ValueError, "torch"),
        ({"trainers": ("numba:sg_rule=fast",)}, ValueError, "sg_rule must be one of"),
        ({"trainers": ("numba",), "sg": 1, "sg_rule": "fast"}, ValueError,
         "sg_rule must be one of"),
        ({"trainers": ("numba:sg_rule",)}, ValueError, "KEY=VALUE"),
        ({"trainers": ("numba:colour=red",)}, ValueError, "colour"),
        ({"trainers": ("gensim-file:sg_rule=hogbatch",)}, ValueError, "gensim takes no"),
    ],
)
def test_bad_params_raise(kwargs, error, match):
    with pytest.raises(error, match=match):
        BenchParams(corpus=kwargs.pop("corpus", LEE), **kwargs).validated()


def test_defaults_filled_in():
    p = BenchParams().validated()
    assert p.corpus == LEE
    assert {"numba", "gensim-file", "gensim-iter"} <= set(p.trainers)
    assert len(p.threads) == 1 and p.threads[0] >= 1
    assert (p.alpha, p.epochs, p.window, p.negative, p.min_count) == (0.025, 5, 5, 5, 5)


def test_parse_lists():
    assert parse_int_list("1, 2,2,4") == (1, 2, 4)
    assert parse_name_list("numba, gensim-file,,numba") == ("numba", "gensim-file")
    with pytest.raises(ValueError, match="integers"):
        parse_int_list("1,two")
    with pytest.raises(ValueError, match=">= 1"):
        parse_int_list("2,0")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--corpus", "/no/such/file.txt"], "not found"),
        (["--backends", "numba,nope"], "Unknown trainer"),
        (["--threads", "0"], ">= 1"),
        (["--threads", "x"], "integers"),
        (["--epochs", "0"], "epochs"),
        (["--json", "/no/such/folder/out.json"], "does not exist"),
    ],
)
def test_main_rejects_bad_options_before_work(argv, message, monkeypatch, capsys):
    def no_work(*args, **kwargs):
        raise AssertionError("work started despite a bad option")

    monkeypatch.setattr(runner, "prepare_corpus", no_work)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_main_rejects_unknown_flag_values():
    with pytest.raises(SystemExit) as info:
        main(["--sg", "2"])
    assert info.value.code == 2


# --- helpers ---------------------------------------------------------------------------


def test_spread_ratio_and_quality_difference():
    assert spread([4.0, 1.0, 2.0]) == {"median": 2.0, "min": 1.0, "max": 4.0, "n": 3}
    assert spread([1.0, 2.0])["median"] == 1.5
    assert spread([None, float("nan")]) is None
    assert ratio(2.0, 4.0) == 0.5 and ratio(None, 1.0) is None and ratio(1.0, -1.0) is None
    diff = quality_difference(
        {"analogy": 0.40, "wordsim353": 0.65, "simlex999": None},
        {"analogy": 0.35, "wordsim353": 0.60, "simlex999": 0.3},
    )
    assert diff == {"analogy_points": 5.0, "wordsim353": 0.05, "simlex999": None}


def _fake_run(trainer, wps, e2e, analogy, ok=True, threads=1):
    if not ok:
        return {"trainer": trainer, "threads": threads, "ok": False, "error": "boom"}
    return {
        "trainer": trainer, "threads": threads, "ok": True,
        "words_per_second": wps, "train_seconds": 1.0, "end_to_end_seconds": e2e,
        "cpu_seconds": 1.0, "memory": {"increase_mb": 10.0},
        "stage_seconds": {"count": e2e / 4, "encode": None if trainer.startswith("gensim")
                          else e2e / 8, "train": 1.0},
        "kernel_seconds": None, "unaccounted_seconds": e2e / 100,
        "quality": {"analogy": analogy, "wordsim353": 0.6, "simlex999": 0.3},
    }


def test_summary_medians_and_ratios_to_the_better_gensim_mode():
    runs = [
        _fake_run("numba", 300.0, 2.0, 0.50), _fake_run("numba", 100.0, 4.0, 0.40),
        _fake_run("numba", 200.0, 3.0, 0.45),
        _fake_run("gensim-file", 100.0, 6.0, 0.40), _fake_run("gensim-file", 100.0, 6.0, 0.40),
        _fake_run("gensim-iter", 50.0, 5.0, 0.30), _fake_run("gensim-iter", 0, 0, 0, ok=False),
    ]
    rows = {r["trainer"]: r for r in summarize(runs, ["numba", "gensim-file", "gensim-iter"], [1])}
    numba = rows["numba"]
    assert numba["words_per_second"] == {"median": 200.0, "min": 100.0, "max": 300.0, "n": 3}
    assert numba["quality"]["analogy"] == 0.45
    assert numba["stage_seconds"]["count"]["median"] == 0.75
    assert numba["stage_seconds"]["encode"]["median"] == 0.375
    assert rows["gensim-file"]["stage_seconds"]["encode"] is None  # gensim encodes as it trains
    assert numba["unaccounted_seconds"]["median"] == 0.03 and numba["kernel_seconds"] is None
    table = text_table({"summary": list(rows.values()), "runs": runs})
    header = next(line.split() for line in table.splitlines()
                  if line.split()[:3] == ["trainer", "threads", "end-to-end"])
    assert header[4:] == [*STAGE_NAMES, "kernel", "unaccounted"]
    stage_row = [line for line in table.splitlines() if line.startswith("numba")][1].split()
    assert stage_row[2:5] == ["3.000", "-", "0.750"]  # end-to-end, setup (not run), count
    assert "| `numba` | 1 | 3.000 |" in markdown_table({"summary": list(rows.values())})
    r = numba["ratios"]
    # words/s vs the faster gensim mode (file), end-to-end vs the quicker one (iter)
    assert r["words_per_second_gensim_mode"] == "gensim-file"
    assert r["words_per_second_vs_gensim"] == pytest.approx(2.0)
    assert r["end_to_end_gensim_mode"] == "gensim-iter"
    assert r["end_to_end_vs_gensim"] == pytest.approx(3.0 / 5.0)
    assert r["quality_vs"]["gensim-file"]["analogy_points"] == pytest.approx(5.0)
    assert r["quality_vs"]["gensim-iter"]["analogy_points"] == pytest.approx(15.0)
    assert rows["gensim-iter"]["n_runs"] == 2 and rows["gensim-iter"]["n_ok"] == 1
    assert "gensim-iter" not in rows["gensim-iter"]["ratios"]["quality_vs"]


def test_thread_sweep_reports_speed_up_efficiency_and_every_run():
    runs = []
    for rep, (one, two, four) in enumerate([(10e3, 19e3, 30e3), (12e3, 12.5e3, 36e3),
                                           (11e3, 20e3, None)]):
        for threads, wps in ((1, one), (2, two), (4, four)):
            ok = wps is not None
            runs.append({"trainer": "numba", "threads": threads, "repeat": rep, "ok": ok,
                         **({"words_per_second": wps, "core_to_core_ns": [45.0, 46.0 + rep]}
                            if ok else {"error": "simulated"})})
    rows = scaling(runs, ["numba"], [4, 1, 2])
    assert [r["threads"] for r in rows] == [1, 2, 4]
    base, two, four = rows
    assert base["speedup"] == 1.0 and base["efficiency"] == 1.0
    assert two["words_per_second"] == [19e3, 12.5e3, 20e3]  # every run, in repeat order
    assert two["run_speedups"] == pytest.approx([1.9, 12.5 / 12.0, 20.0 / 11.0])
    assert two["speedup"] == pytest.approx(19.0 / 11.0)  # medians
    assert two["efficiency"] == pytest.approx(19.0 / 11.0 / 2)
    assert four["words_per_second"] == [30e3, 36e3]  # the failed run is left out
    assert four["speedup"] == pytest.approx(33.0 / 11.0)
    assert two["core_to_core_ns"][2] == [45.0, 48.0]
    assert scaling(runs, ["numba"], [2]) == []  # one thread count: no sweep
    result = {"scaling": rows}
    text = scaling_text(result)
    assert "1.73" in text and "1.90, 1.04, 1.82" in text and "0.86" in text
    assert "45/48" in text and "45/46" in text  # the latency before/after each run
    markdown = scaling_markdown(result)
    assert "| `numba` | 2 | 19, 12, 20 | 1.73 | 1.90, 1.04, 1.82 | 0.86 | 45/46, 45/47, 45/48 |" \
        in markdown
    assert scaling_text({"scaling": []}) == "" and scaling_markdown({}) == ""


def test_core_to_core_latency_is_measured_between_two_cpus():
    import os

    if len(os.sched_getaffinity(0)) < 2:
        assert core_to_core_ns(rounds=100) is None
        return
    ns = core_to_core_ns(rounds=5_000)
    assert ns is not None and 0 < ns < 1e6  # a pass takes nanoseconds to microseconds


def test_schedule_alternates_and_rotates():
    plan = schedule(["a", "b"], [1, 2], 2)
    assert plan == [(0, 1, "a"), (0, 1, "b"), (0, 2, "a"), (0, 2, "b"),
                    (1, 1, "b"), (1, 1, "a"), (1, 2, "b"), (1, 2, "a")]


def test_prepare_corpus_decompresses_and_counts(tmp_path):
    text = b"a b c\n\n" + b" ".join([b"w"] * 25_000) + b"\nb\tc  d\n"
    gz = tmp_path / "c.txt.gz"
    gz.write_bytes(gzip.compress(text))
    work = tmp_path / "work"
    work.mkdir()
    info = prepare_corpus(str(gz), str(work))
    assert info["decompressed"] and open(info["used_path"], "rb").read() == text
    assert info["raw_tokens"] == 3 + 25_000 + 3
    assert info["n_lines"] == 4 and info["distinct_tokens"] == 5
    assert info["n_sentences"] == 1 + 1 + 3 + 1  # the long line is cut into 3 pieces


def test_failed_trainer_is_reported_and_others_continue(monkeypatch, capsys):
    def fake(spec, workdir, index, timeout):
        if spec["trainer"] == "gensim-iter":
            return {"ok": False, "error": "RuntimeError: simulated"}
        run = _fake_run(spec["trainer"], 0, 1.0, 0.1)
        run.update(train_seconds=0.5, raw_words_seen=spec["corpus_info"]["raw_tokens"])
        return run

    monkeypatch.setattr(runner, "_run_one", fake)
    result = run_benchmark(BenchParams(corpus=LEE, trainers=("numba", "gensim-file", "gensim-iter"),
                                       threads=(1,), epochs=2))
    assert result["failures"] == [
        {"trainer": "gensim-iter", "threads": 1, "repeat": 0, "error": "RuntimeError: simulated"}
    ]
    ok = [r for r in result["runs"] if r["ok"]]
    assert len(ok) == 2 and all(r["raw_words_match"] for r in ok)
    assert ok[0]["words_per_second"] == pytest.approx(lee_tokens() * 2 / 0.5)
    assert main(["--corpus", LEE, "--backends", "numba,gensim-iter", "--threads", "1",
                 "--quiet"]) == 1
    assert "FAILED: gensim-iter" in capsys.readouterr().out


# --- the real thing, end to end -----------------------------------------------------------


@pytest.mark.slow
def test_command_end_to_end(tmp_path):
    """``python -m sklearn_w2v.bench`` on a small gzipped corpus: JSON, figures and ratios."""
    corpus = tmp_path / "lee.txt.gz"
    with open(LEE, "rb") as f:
        corpus.write_bytes(gzip.compress(f.read()))
    out = tmp_path / "out.json"
    env = dict(os.environ,
               PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    proc = subprocess.run(
        [sys.executable, "-m", "sklearn_w2v.bench", "--corpus", str(corpus), "--epochs", "1",
         "--vector-size", "16", "--min-count", "2", "--threads", "1", "--markdown",
         "--backends", "numba,numba:sg_rule=hogbatch,gensim-file,gensim-iter",
         "--json", str(out)],
        capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| `numba` | 1 |" in proc.stdout and "decompressed" in proc.stdout
    result = json.loads(out.read_text())
    assert set(result) >= {"params", "corpus", "machine", "notes", "runs", "summary", "failures"}
    assert result["failures"] == []
    assert result["corpus"]["decompressed"] and result["corpus"]["raw_tokens"] == lee_tokens()
    assert result["params"]["model"]["vector_size"] == 16
    assert result["machine"]["versions"]["gensim"] and result["machine"]["cpu_model"]
    assert [r["trainer"] for r in result["runs"]] == [
        "numba", "numba:sg_rule=hogbatch", "gensim-file", "gensim-iter"]
    for run in result["runs"]:
        assert run["ok"] and run["raw_words_match"]
        assert run["words_per_second"] > 0 and 0 < run["train_seconds"] <= run["end_to_end_seconds"]
        assert run["memory"]["peak_mb"] >= run["memory"]["rss_before_mb"] > 0
        assert run["memory"]["n_samples"] >= 2
        assert set(run["quality"]) >= {"analogy", "wordsim353", "simlex999"}
    numba = result["runs"][0]
    assert numba["kept_words"] < numba["raw_words_seen"]
    stages = numba["stage_seconds"]
    assert tuple(stages) == STAGE_NAMES and stages["copies"] is None
    assert all(stages[s] > 0 for s in STAGE_NAMES if s != "copies")
    # The trainer's call is the tables and the training; the stages tile the fit.
    assert stages["train"] + stages["tables"] >= numba["train_seconds"]
    assert sum(v for v in stages.values() if v) == pytest.approx(numba["fit_seconds"], abs=1e-3)
    assert numba["unaccounted_seconds"] == pytest.approx(
        numba["end_to_end_seconds"] - numba["fit_seconds"], abs=1e-3)
    assert result["runs"][2]["stage_seconds"]["count"] > 0  # gensim's build_vocab
    assert "Stages of the fit" in proc.stdout
    # Whether the increase stays within the bound is a measurement, not a test:
    # on a tiny corpus it is dominated by allocator noise.
    assert (isinstance(numba["memory"]["within_bound"], bool)
            and numba["memory"]["bound_mb"]["total"] > 0)
    row = result["summary"][0]
    assert row["trainer"] == "numba" and row["words_per_second"]["median"] > 0
    assert row["ratios"]["words_per_second_vs_gensim"] > 0
    assert row["ratios"]["end_to_end_vs_gensim"] > 0
    assert set(row["ratios"]["quality_vs"]) == {"gensim-file", "gensim-iter"}


def test_plot_threads_example_writes_png(tmp_path):
    pytest.importorskip("matplotlib")  # an optional dependency of the example only
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "plot_threads", os.path.join(ROOT, "examples", "plot_threads.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    runs = [dict(_fake_run(name, wps * t, 1.0, 0.1), threads=t)
            for name, wps in (("numba", 200.0), ("gensim-file", 100.0)) for t in (1, 2)]
    result = {
        "summary": summarize(runs, ["numba", "gensim-file"], [1, 2]),
        "params": {"model": {"sg": 1, "epochs": 1}},
        "corpus": {"raw_tokens": 1000},
        "machine": {"cpu_model": "test CPU", "available_cpus": 2},
    }
    out = tmp_path / "docs" / "threads.png"
    module.plot(result, str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_backend_without_the_sg_rule_is_refused(monkeypatch):
    import dataclasses

    from sklearn_w2v import backends
    from sklearn_w2v.training import Capabilities

    spec = backends.backend_spec("numba")
    monkeypatch.setitem(backends._SPECS, "numba", dataclasses.replace(
        spec, capabilities=lambda options: Capabilities(sg_rules=("block",))))
    with pytest.raises(ValueError, match="numba backend does not implement"):
        BenchParams(corpus=datapath("lee_background.cor"), trainers=("numba",), sg=1,
                    sg_rule="hogbatch").validated()
    with pytest.raises(ValueError, match="numba:sg_rule=hogbatch"):
        BenchParams(corpus=datapath("lee_background.cor"), trainers=("numba:sg_rule=hogbatch",),
                    sg=1).validated()
    # CBOW has no such rule: nothing to refuse.
    BenchParams(corpus=datapath("lee_background.cor"), trainers=("numba",),
                sg_rule="hogbatch").validated()
