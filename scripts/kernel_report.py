"""Compile the fused kernel's variants for sm_90 without a GPU and report their resources.

For each variant (skip-gram ``block`` and ``hogbatch``, CBOW mean; the
benchmark's ``vector_size=100, window=5, negative=5``, and a 300-wide one)
this compiles the kernel with Triton's own ptxas (nothing is launched) and
prints, from the Triton wheel's ``cuobjdump``:

* registers per thread, spill stores/loads (local memory), shared memory and
  the stack frame (``--dump-resource-usage``);
* static instruction counts in the SASS of the centre-word loop (the
  smallest loop that holds every float atomic add), by kind: ``LDS``/``STS``
  (shared memory), ``BAR`` (barriers), ``FFMA``/``FMUL``/``FADD`` (float
  arithmetic), ``LDG`` (global loads), ``RED`` (atomic adds), ``SHFL`` (warp
  shuffles) and all instructions, each counted once;
* an estimate of the instructions executed per centre word: the loops inside
  the centre loop (the new kernel's loops over the window's contexts) counted
  ``CONTEXTS`` (6) times, the rest once; per thread, and times the warps of a
  program (warp-instructions: the issue slots a centre word costs).

Run from the repository root, with triton imported without the interpreter::

    python scripts/kernel_report.py [--json report.json] [--warps 1,2,4]

It prints a Markdown table. Figures are static counts from the compiler, not
measurements of a run.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter

os.environ.pop("TRITON_INTERPRET", None)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import sklearn_w2v.backends.torch._fused as fk  # noqa: E402

VARIANTS = [
    {"name": "sg block d100", "sg": True, "sg_rule": "block", "vector_size": 100},
    {"name": "sg hogbatch d100", "sg": True, "sg_rule": "hogbatch", "vector_size": 100},
    {"name": "cbow mean d100", "sg": False, "vector_size": 100},
    {"name": "sg block d300", "sg": True, "sg_rule": "block", "vector_size": 300},
    {"name": "cbow mean d300", "sg": False, "vector_size": 300},
]
# Contexts of a centre word at window 5 with shrinking windows: 2 * E[reach] = 2 * 3.
CONTEXTS = 6
KINDS = ("LDS", "STS", "BAR", "FFMA", "FMUL", "FADD", "LDG", "REDG", "ATOMG", "SHFL")
_ATOMICS = ("RED", "REDG", "ATOM", "ATOMG")  # global atomic adds (REDUX is a warp reduction)


def cuobjdump() -> str:
    import triton

    path = os.path.join(os.path.dirname(triton.__file__), "backends", "nvidia", "bin",
                        "cuobjdump")
    if not os.path.exists(path):
        raise SystemExit(f"no cuobjdump in the Triton wheel ({path})")
    return path


def resources(cubin_path: str) -> dict:
    out = subprocess.run([cuobjdump(), "--dump-resource-usage", cubin_path],
                         capture_output=True, text=True, check=True).stdout
    found = {}
    for key, pattern in (("registers", r"REG:(\d+)"), ("stack", r"STACK:(\d+)"),
                         ("shared", r"SHARED:(\d+)"), ("local", r"LOCAL:(\d+)")):
        m = re.search(pattern, out)
        found[key] = int(m.group(1)) if m else None
    return found


_LINE = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(@!?U?P\w+\s+)?([A-Z][A-Z0-9_.]*)([^;]*);")


def sass_loop_counts(cubin_path: str) -> dict:
    """Instruction counts in the smallest loop (backward branch) that holds every float atomic
    add."""
    sass = subprocess.run([cuobjdump(), "--dump-sass", cubin_path],
                          capture_output=True, text=True, check=True).stdout
    instructions = []  # (address, opcode, operands)
    for m in _LINE.finditer(sass):
        instructions.append((int(m.group(1), 16), m.group(3), m.group(4)))
    # float atomic adds only (the sentence counter's integer atomic lies outside the loop)
    reds = [a for a, op, _ in instructions if op.split(".")[0] in _ATOMICS and ".F32" in op]
    loops = []
    for address, op, operands in instructions:
        if op.startswith("BRA"):
            t = re.search(r"0x([0-9a-f]+)", operands)
            if t and int(t.group(1), 16) < address:
                loops.append((int(t.group(1), 16), address))
    holding = [(lo, hi) for lo, hi in loops if reds and lo <= min(reds) and max(reds) <= hi]
    lo, hi = min(holding, key=lambda r: r[1] - r[0]) if holding else (None, None)
    whole = Counter(op.split(".")[0] for _, op, _ in instructions)
    body = Counter(op.split(".")[0] for a, op, _ in instructions
                   if lo is not None and lo <= a <= hi)
    body["REDG"] += sum(body.pop(k, 0) for k in ("RED",))
    body["ATOMG"] += sum(body.pop(k, 0) for k in ("ATOM",))
    spill = sum(1 for _, op, _ in instructions if op.split(".")[0] in ("STL", "LDL"))
    # Loops inside the centre loop run once per context (the kernel's loops over the window):
    # an estimate of the instructions one thread executes per centre word counts their bodies
    # CONTEXTS times, the rest once.
    inner = [(a, b) for a, b in loops if lo is not None and lo < a and b < hi]
    outermost = [(a, b) for a, b in inner
                 if not any(c < a and b < d for c, d in inner if (c, d) != (a, b))]
    in_inner = sum(1 for a, _, _ in instructions
                   if any(x <= a <= y for x, y in outermost))
    executed = sum(body.values()) - in_inner + CONTEXTS * in_inner
    return {"loop": {k: body.get(k, 0) for k in KINDS} | {"all": sum(body.values())},
            "per_centre": executed, "inner_loops": len(outermost),
            "kernel_all": sum(whole.values()), "local_ld_st": spill,
            "loop_found": lo is not None}


def compile_variant(variant: dict, warps: int | None) -> dict:
    params = inspect.signature(fk.compile_offline).parameters
    kwargs = {k: v for k, v in variant.items() if k in params}
    compiled = fk.compile_offline(window=5, negative=5, compute_loss=False, num_warps=warps,
                                  **kwargs)
    with tempfile.NamedTemporaryFile(suffix=".cubin", delete=False) as f:
        f.write(compiled.asm["cubin"])
        path = f.name
    try:
        row = {"variant": variant["name"], "num_warps": compiled.metadata.num_warps,
               **resources(path), "shared": compiled.metadata.shared,
               **sass_loop_counts(path)}
    finally:
        os.unlink(path)
    return row


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", help="also write the rows to this file")
    p.add_argument("--warps", default="default",
                   help="comma-separated num_warps to compile, or 'default'")
    args = p.parse_args(argv)
    if fk.INTERPRETED:
        raise SystemExit("unset TRITON_INTERPRET: this compiles for the GPU")
    warps = [None] if args.warps == "default" else [int(w) for w in args.warps.split(",")]
    rows = []
    for variant in VARIANTS:
        if "sg_rule" in variant and "sg_rule" not in inspect.signature(
                fk.compile_offline).parameters and variant["sg_rule"] != "hogbatch":
            continue  # a kernel without the block rule
        for w in warps:
            rows.append(compile_variant(variant, w))
    head = ("| variant | warps | regs | spill (local bytes) | smem bytes | loop: LDS | STS | BAR "
            "| FFMA | FMUL | FADD | LDG | RED | SHFL | all | per centre, a thread | "
            "per centre, warp-instructions |")
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for r in rows:
        c = r["loop"]
        print(f"| {r['variant']} | {r['num_warps']} | {r['registers']} | {r['local']} | "
              f"{r['shared']} | {c['LDS']} | {c['STS']} | {c['BAR']} | {c['FFMA']} | "
              f"{c['FMUL']} | {c['FADD']} | {c['LDG']} | {c['REDG'] + c['ATOMG']} | {c['SHFL']} | "
              f"{c['all']} | {r['per_centre']} | {r['per_centre'] * r['num_warps']} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
