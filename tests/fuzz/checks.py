"""What the fuzz test asserts about a command's output, and how it keeps what it found.

Every failure is reduced to a signature (the exception and the innermost frame of our
code, or the kind of malformed line), so ten thousand cases that hit one bug give one
entry, saved once under FUZZ_FAILURES (default /tmp/fuzz-failures/) with its input, the
command and the head of the output, ready to be replayed.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

TRACEBACK = re.compile(r"Traceback \(most recent call last\)")
# Exception class names, as Python prints them (RecursionError, UnicodeDecodeError...).
EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Interrupt)\b|\bStopIteration\b")
FRAME = re.compile(r'File "(?P<file>[^"]+)", line \d+, in (?P<func>\S+)')

# The shapes of `tierslieux validate`'s report (check/report.py).
PROBLEM = re.compile(r"(?P<path>[^\n]+?):(?P<line>\d+): (?P<severity>erreur|avertissement) "
                     r"\[(?P<code>[a-z0-9-]+)\](?: « .*? »)? : \S")
HINT = re.compile(r" {4}Comment corriger : \S")
LEFT_OUT = re.compile(r"(?P<path>[^\n]+?): … et \d+ autres? problèmes? dans ce fichier")
SUMMARY = re.compile(r"(?P<files>\d+) fichiers? vérifiés? : (?P<errors>\d+) erreurs?, "
                     r"\d+ avertissements?(?: \(dans \d+ fichiers?\))?\.")
ANNOTATION = re.compile(r"::(?:error|warning) file=(?P<path>[^,:]+),line=(?P<line>\d+),"
                        r"title=[^:,]*::.*")


def forged_command(line: str) -> bool:
    """True if GitHub's runner would read this line of a log as a workflow command."""
    return line.lstrip().startswith("::") or "##[" in line


def crash_signature(text: str) -> str:
    """`RecursionError in check/yamlload.py:load_bytes`: the exception and where it left
    our code (the innermost frame under plugins/tierslieux/)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else "?"
    exc = re.match(r"([\w.]+)(?::|$)", last)
    name = exc[1] if exc else last[:60]
    ours = [m for m in FRAME.finditer(text) if "/tierslieux/" in m["file"]]
    where = ""
    if ours:
        file = ours[-1]["file"].split("/tierslieux/", 1)[1]
        where = f" in {file}:{ours[-1]['func']}"
    return f"{name}{where}"


def line_count(data: bytes) -> int:
    """A generous count of lines: every character some reader treats as a line break."""
    return len(data.decode("utf-8", errors="replace").splitlines()) + 1


@dataclass
class Failure:
    signature: str
    description: str
    inputs: dict[str, bytes]
    command: list[str]
    output: str
    replay: str
    count: int = 1
    saved: Path | None = None


@dataclass
class Findings:
    root: Path
    seed: int
    failures: dict[str, Failure] = field(default_factory=dict)

    def add(self, kind: str, signature: str, description: str, inputs: dict[str, bytes],
            command: list[str], output: str, replay: str) -> None:
        key = f"{kind}: {signature}"
        if key in self.failures:
            self.failures[key].count += 1
            return
        failure = Failure(key, description, inputs, command, output, replay)
        self.failures[key] = failure
        failure.saved = self._save(kind, signature, failure)

    def _save(self, kind: str, signature: str, failure: Failure) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", signature.lower()).strip("-")[:60]
        digest = hashlib.sha1(signature.encode()).hexdigest()[:8]
        folder = self.root / f"{kind}-{slug}-{digest}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in failure.inputs.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (folder / "README.txt").write_text(
            f"{failure.signature}\n{failure.description}\n\n"
            f"seed: {self.seed}\nreplay: {failure.replay}\n"
            f"command (from the case's folder): {shlex.join(failure.command)}\n\n"
            f"--- output (head) ---\n{failure.output[:4000]}\n", encoding="utf-8")
        return folder

    def summary(self) -> str:
        lines = [f"{len(self.failures)} distinct failure(s), seed {self.seed}:"]
        for failure in self.failures.values():
            lines.append(f"- {failure.signature} ({failure.count}x): {failure.description}"
                         f"\n    input: {failure.saved}")
        return "\n".join(lines)


def process_problems(code: int | None, stdout: str, stderr: str, *, allowed: set[int],
                     annotations: bool = False) -> list[tuple[str, str]]:
    """(signature, description) for a crash, a signal, a traceback or an exception name,
    an unexpected exit status, or a line that would forge a workflow command (with
    `annotations`, lines shaped as our own annotations are left to the caller)."""
    found = []
    both = stdout + "\n" + stderr
    if code is None:
        found.append(("timeout", "the command did not finish in time"))
    elif code < 0:
        found.append((f"killed by signal {-code}", f"the process died from signal {-code}"))
    elif TRACEBACK.search(both):
        found.append((crash_signature(both[TRACEBACK.search(both).start():]),
                      "a Python traceback reached the user"))
    elif code not in allowed:
        found.append((f"exit status {code}", f"exit status {code}, expected one of "
                      f"{sorted(allowed)}"))
    if not TRACEBACK.search(both) and (m := EXCEPTION_NAME.search(both)):
        found.append((f"exception name {m[0]} printed",
                      f"a Python exception name reached the user: {m[0]}"))
    for line in both.splitlines():
        if annotations and ANNOTATION.fullmatch(line):
            continue  # ours, counted against the problems by the caller
        if forged_command(line):
            found.append(("forged workflow command", f"a printed line would be read by "
                          f"GitHub's runner as a command: {line[:120]!r}"))
            break
    return found
