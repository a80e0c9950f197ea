"""What pytest's doctest run over the package leaves out (see ``[tool:pytest]`` in setup.cfg),
and which tests a plain ``python -m pytest`` runs.
"""

import glob
import importlib.util
import os
import shutil

# Triton kernels run under Triton's interpreter, on CPU tensors, unless the
# machine has an NVIDIA GPU: set before anything imports triton (torch may).
if (os.environ.get("FUSED_TEST_COMPILED") != "1" and shutil.which("nvidia-smi") is None
        and not os.path.exists("/dev/nvidiactl")):
    os.environ.setdefault("TRITON_INTERPRET", "1")

#: The optional dependencies some tests need, and what installs them as CI does (.ci/run).
OPTIONAL = ("torch", "triton")
OPTIONAL_INSTALL = "pip install torch==2.13.0 triton==3.9.0"


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # an import hook refusing it, a broken entry
        return False


MISSING = [name for name in OPTIONAL if not _installed(name)]

# Scripts run on import.
collect_ignore_glob = ["sklearn_w2v/__main__.py", "sklearn_w2v/*/__main__.py",
                       "tests/distributed_rank.py"]
# Modules whose doctests cannot be collected here (they import what is missing).
_NEEDS_OPTIONAL: list[str] = []
if "torch" in MISSING:  # these modules import torch
    _NEEDS_OPTIONAL = ["sklearn_w2v/backends/torch/_*.py", "sklearn_w2v/distributed/_*.py"]
elif "triton" in MISSING:  # the fused kernel imports triton
    _NEEDS_OPTIONAL = ["sklearn_w2v/backends/torch/_fused.py"]
collect_ignore_glob += _NEEDS_OPTIONAL


#: Set to 1 to run the tests marked ``slow`` (process launches, the benchmark end to end,
#: process pools, long interpreter runs) in a plain ``python -m pytest``; CI sets it.
RUN_SLOW = "SKLEARN_W2V_RUN_SLOW"


def pytest_collection_modifyitems(config, items):
    """Leave out the ``slow`` tests unless asked for: by the environment, or by any ``-m``."""
    if os.environ.get(RUN_SLOW) == "1" or config.getoption("markexpr"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


def pytest_report_header(config):
    if os.environ.get(RUN_SLOW) == "1" or config.getoption("markexpr"):
        return None
    return f"slow tests left out: {RUN_SLOW}=1 (or -m slow / -m '') runs them"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say what a missing torch or Triton left out, and how to run it, rather than let the
    skips pass as a green run like CI's.
    """
    if not MISSING:
        return
    files, tests = set(), 0
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if not any(name in reason for name in MISSING):
            continue
        if report.when == "collect" or not hasattr(report, "when"):  # a whole test file
            files.add(report.nodeid or report.fspath)
        else:
            tests += 1
    doctests = sorted(path for pattern in _NEEDS_OPTIONAL
                      for path in glob.glob(os.path.join(config.rootpath, pattern)))
    if not (files or tests or doctests):
        return
    parts = []
    if files:
        names = ", ".join(sorted(files))
        parts.append(f"{_count(len(files), 'test file')} skipped whole ({names})")
    if tests:
        parts.append(f"{_count(tests, 'test')} in other files")
    if doctests:
        parts.append(f"the docstring examples of {_count(len(doctests), 'module')}")
    verb = "is" if len(MISSING) == 1 else "are"
    terminalreporter.write_sep("=", f"not run here: {' and '.join(MISSING)} {verb} not installed",
                               yellow=True)
    terminalreporter.write_line(", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "")
                                + parts[-1] + ".")
    terminalreporter.write_line(f"CI runs them: {OPTIONAL_INSTALL} (CPU builds are enough), "
                                "then run the tests again (README, 'Running the tests').")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
