"""Run many `tierslieux` command lines in one process, as the console script would.

Starting Python and loading the reference data takes about a second; `from-issue` and
`import` handle one input per run, so the fuzz test runs their cases through this driver:
each case calls `tierslieux.cli.main(argv)` exactly as the `tierslieux` script does
(`sys.exit(main())`), with its own working folder and its own stdout and stderr, encoded
the way Python encodes a pipe (strict UTF-8 for stdout, backslashreplace for stderr), so
a value that cannot be printed fails here as it would for a user. Whatever escapes
`main` is recorded with its traceback, as a user would have seen it.

Usage: python driver.py CASES.json RESULTS.jsonl
Each result line is written as soon as the case ends: if the process dies (a signal, a
hard crash), the last "start" line without its result names the case that killed it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path

CASE_TIMEOUT = int(os.environ.get("FUZZ_CASE_TIMEOUT", "10"))  # seconds; one case takes ~0.1


class CaseTimeout(BaseException):
    """Raised by SIGALRM; a BaseException so that no `except Exception` swallows it."""


def _alarm(signum: int, frame: object) -> None:
    raise CaseTimeout


def _run(argv: list[str], cwd: str) -> dict[str, object]:
    from tierslieux.cli import main

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="\n")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace",
                              newline="\n")
    saved = sys.stdout, sys.stderr, os.getcwd()
    sys.stdout, sys.stderr = stdout, stderr
    os.chdir(cwd)
    code: int = 0
    trace = ""
    timed_out = False
    signal.alarm(CASE_TIMEOUT)
    try:
        try:
            result = main(argv)
            code = result if isinstance(result, int) else (0 if result is None else 1)
        except SystemExit as exc:  # argparse's usage errors, or an explicit exit
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            signal.alarm(0)
        stdout.flush()
        stderr.flush()
    except CaseTimeout:
        timed_out, code = True, -1
    except BaseException:  # what escapes main() is what a user would see as a traceback
        trace = traceback.format_exc()
        code = 1
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        os.chdir(saved[2])

    def text(stream: io.TextIOWrapper) -> str:
        with contextlib.suppress(UnicodeEncodeError, ValueError):
            stream.flush()
        return stream.buffer.getvalue().decode("utf-8", errors="backslashreplace")

    return {"code": code, "stdout": text(stdout), "stderr": text(stderr),
            "traceback": trace, "timeout": timed_out}


def _warm_up() -> None:
    """Build the per-process reference indexes before the first case's timer starts.

    A user's run pays them once (about 3 s idle for `from-issue` and `import`: the
    reference data, the commune index, the commune centres); on a loaded machine that
    alone could exceed the first case's CASE_TIMEOUT, which is meant for the case's work.
    """
    from tierslieux.importing.communes import commune_index
    from tierslieux.reference.positions import commune_positions
    from tierslieux.reference.refdata import reference_data

    ref = reference_data()
    commune_index(ref)
    commune_positions(ref)


def main() -> int:
    cases = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    _warm_up()
    signal.signal(signal.SIGALRM, _alarm)
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        for case in cases:
            out.write(json.dumps({"start": case["id"]}) + "\n")
            out.flush()
            started = time.perf_counter()
            result = _run(case["argv"], case["cwd"])
            result["seconds"] = round(time.perf_counter() - started, 3)
            follow = case.get("then")
            if follow and result["code"] == 0 and not result["traceback"]:
                result["then"] = _run(follow, case["cwd"])
            out.write(json.dumps({"id": case["id"], **result}) + "\n")
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
