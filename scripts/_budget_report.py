"""A JSON report of measurement steps run inside a time budget (for a lent machine's minutes).

A machine with a GPU or many cores is lent to this project only at times and
for minutes, so its measurement scripts (``gpu_check.py``,
``cpu_scaling_check.py``) run all their steps in one call: each step's result,
or its error, is written at once, and the file is rewritten whole after every
step, so a run cut short keeps what it measured.
"""

from __future__ import annotations

import json
import os
import time
import traceback


class BudgetReport:
    """``<name>.json`` in ``folder``, rewritten after every step; ``budget`` seconds in all."""

    def __init__(self, folder: str, name: str, budget: float):
        os.makedirs(folder, exist_ok=True)
        self.folder = folder
        self.name = name
        self.path = os.path.join(folder, f"{name}.json")
        self.start = time.perf_counter()
        self.budget = budget
        self.data: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}

    def left(self) -> float:
        """Seconds of the budget left."""
        return self.budget - (time.perf_counter() - self.start)

    def add(self, key: str, value) -> None:
        """Record ``value`` under ``key`` and rewrite the file (atomically)."""
        self.data[key] = value
        self.data["elapsed"] = time.perf_counter() - self.start
        with open(self.path + ".tmp", "w") as f:
            json.dump(self.data, f, indent=1, default=str)
        os.replace(self.path + ".tmp", self.path)
        print(f"[{self.name} {self.data['elapsed']:6.1f}s] {key}: "
              f"{json.dumps(value, default=str)[:300]}", flush=True)

    def step(self, key: str, fn, *args, needs: float = 0.0, **kwargs):
        """Run one step; record its result, or its error, or that the budget left no time."""
        if self.left() < needs:
            self.add(key, {"skipped": f"{self.left():.0f} s of the budget left, needs {needs}"})
            return None
        started = time.perf_counter()
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:  # recorded; the next step still runs
            self.add(key, {"error": f"{type(exc).__name__}: {exc}",
                           "trace": traceback.format_exc()[-3000:]})
            return None
        self.add(key, value)
        self.add(f"{key}_seconds", time.perf_counter() - started)
        return value
