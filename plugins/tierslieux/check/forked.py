"""Work done beside this process, in a forked child, its result sent back pickled.

The machines have two cores and Python one: reading venues and writing the downloads are
pure Python work that a forked child does beside the parent (it inherits everything
loaded, with nothing to send but the result). A failure in the child fails the caller.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """True when a child can run beside this process: fork exists and a second core."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


def beside(work: Callable[[], T], what: str) -> Callable[[], T]:
    """Start `work` in a forked child; the returned function waits for it and returns its
    result. `what` names the work in the error raised when the child fails."""
    reader, writer = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: the work, its result into the pipe, then leave at once
        code = 0
        try:
            os.close(reader)
            payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writer, "wb") as out:
                out.write(payload)
        except BaseException:  # reported by the parent as a failure
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(writer)

    def join() -> T:
        pipe = os.fdopen(reader, "rb")
        try:
            payload = pipe.read()
        finally:
            pipe.close()  # on a failure here, the child's write fails and it leaves
            _, status = os.waitpid(pid, 0)
        if status != 0:
            raise RuntimeError(f"the child process for {what} failed (see above)")
        result: Any = pickle.loads(payload)  # our own child's output
        return result

    return join
