"""The measurement scripts of ``scripts/``, run on tiny inputs: they must run where they are
needed (a lent GPU machine gives one try), so their CPU paths are checked here.
"""

import json
import os
import subprocess
import sys

import pytest
from gensim.test.utils import datapath

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_script(args, tmp_path, timeout):
    env = dict(os.environ,
               PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          cwd=str(tmp_path), timeout=timeout)


@pytest.mark.slow  # two fits and gensim's build_vocab in a fresh process
def test_stage_times_script(tmp_path):
    out = tmp_path / "stages.json"
    proc = run_script([os.path.join(ROOT, "scripts", "stage_times.py"),
                       datapath("lee_background.cor"), "--threads", "1", "--repeat", "2",
                       "--json", str(out)], tmp_path, 600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert len(result["runs"]) == 2
    for run in result["runs"]:
        ours = run["ours"]
        assert ours["tokens"] == run["gensim"]["tokens"] == 59890
        assert ours["vocabulary"] == run["gensim"]["vocabulary"]  # the same min_count rule
        assert 0 < ours["not_training"] < ours["wall"] and abs(ours["unaccounted"]) < 0.05
        assert run["read"]["wall"] > 0 and run["ratio_not_training_to_build_vocab"] > 0
    assert "not training / build_vocab" in proc.stdout


@pytest.mark.slow  # Triton's interpreter: about a minute
def test_gpu_check_whole_fit_step_on_the_cpu(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("triton")
    proc = run_script([os.path.join(ROOT, "scripts", "gpu_check.py"), "--device", "cpu",
                       "--corpus", datapath("lee_background.cor"), "--max-tokens", "300",
                       "--epochs", "1", "--seeds", "1", "--steps", "fits", "--out",
                       str(tmp_path / "out")], tmp_path, 900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((tmp_path / "out" / "gpu_check.json").read_text())
    fits = [row for row in report["fits"] if "fit_wall" in row]
    assert [(row["sg"], row["seed"]) for row in fits] == [(1, 1), (0, 1)]
    for row in fits:
        assert row["details"]["path"] == "fused" and row["kernel_seconds"] is None  # no GPU
        assert set(row["stage_seconds"]) >= {"count", "encode", "train", "statistics"}
        assert "quality" in row
    assert [entry["sg"] for entry in report["fits_summary"]] == [1, 0]
    assert report["plain_corpus"][1]["cat"]["seconds"] >= 0


@pytest.mark.slow  # a thread sweep of two trainers and gensim's, in fresh processes
def test_cpu_scaling_check_script(tmp_path):
    proc = run_script([os.path.join(ROOT, "scripts", "cpu_scaling_check.py"),
                       "--corpus", datapath("lee_background.cor"), "--threads", "1,2",
                       "--steps", "machine,sweep-sg", "--budget", "400",
                       "--out", str(tmp_path / "out")], tmp_path, 600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads((tmp_path / "out" / "cpu_scaling.json").read_text())
    assert report["machine"]["logical_cpus"] >= 1
    sweep = report["sweep-sg"]
    assert sweep["returncode"] == 0 and sweep["failures"] == []
    rows = {(row["trainer"], row["threads"]) for row in sweep["scaling"]}
    assert rows == {(t, n) for t in ("numba", "numba:hot_rows=auto", "gensim-file")
                    for n in (1, 2)}
    assert all(row["speedup"] > 0 for row in sweep["scaling"])
    assert (tmp_path / "out" / "sweep_sg.json").exists()
