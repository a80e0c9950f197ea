"""Run command lines as if torch were not installed (started by tests/test_cli_without_torch.py).

usage: without_torch.py '[["module", "arg", ...], ...]'

Each command runs as ``python -m module arg ...`` would, in this one
process (one interpreter start for all); prints, as JSON, each one's exit
status and stderr.
"""

import contextlib
import io
import json
import runpy
import sys
import traceback


class NoTorch:
    """A meta-path finder for which torch (and triton) do not exist."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "triton"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def run(module, args):
    sys.argv = [module, *args]
    err = io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            code = exc.code
        except BaseException:  # a traceback: the failure the test is there to catch
            traceback.print_exc()
            code = 1
        if isinstance(code, str):  # what the interpreter does with sys.exit("message")
            print(code, file=sys.stderr)
            code = 1
    return {"code": code, "stderr": err.getvalue()}


if __name__ == "__main__":
    sys.meta_path.insert(0, NoTorch())
    results = [run(command[0], command[1:]) for command in json.loads(sys.argv[1])]
    results.append({"torch_imported": "torch" in sys.modules})
    print(json.dumps(results))
