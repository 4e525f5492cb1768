"""Which entries under a venue folder are venue files, and reading one without trusting it.

content/venues/ is filled by pull requests from strangers. A symbolic link can point at a
secret outside the repository (whose keys and values the checks would then echo) or at
/dev/zero (which defeats the size limit); a FIFO blocks the reader; a folder can be named
like a venue; a file name can hold a newline that forges a log line. So the walk never
follows a link, only regular files are read, and never more than the size limit plus one
byte; every other entry gets a French problem, and its content is neither read nor shown.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model.paths import ROOT
from .logsafe import clean, describe_char, is_hidden_char
from .problems import Problem
from .yamlload import MAX_BYTES, Loaded, load_bytes

SUFFIX = ".yml"
GIT_DIR = ".git"  # a checkout's own (folder or worktree file): git never tracks this name


def display_path(path: Path) -> str:
    """A path as a contributor sees it in the repository, safe to print on one line."""
    # Plain string work (called for every file, twice): not resolve(), so a symlink is
    # shown under its own name; a path below a base is shown relative to it.
    text = str(path)
    absolute = text if os.path.isabs(text) else os.path.join(os.getcwd(), text)
    for base in (os.getcwd().rstrip(os.sep), _ROOT_TEXT):
        if absolute.startswith(base) and absolute[len(base):len(base) + 1] == os.sep:
            return clean(absolute[len(base) + 1:])
    return clean(text)


_ROOT_TEXT = str(ROOT.absolute()).rstrip(os.sep)


_KINDS = {
    stat.S_IFIFO: "un tube nommé (FIFO)",
    stat.S_IFSOCK: "une socket",
    stat.S_IFCHR: "un périphérique",
    stat.S_IFBLK: "un périphérique",
}

_REASONS = {
    errno.EACCES: "accès refusé",
    errno.EPERM: "accès refusé",
    errno.ENOENT: "fichier introuvable",
    errno.ELOOP: "c'est un lien symbolique",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EIO: "erreur de lecture du disque",
}


def describe_os_error(exc: OSError) -> str:
    """Why the system refused, in French (the common cases), for a message."""
    return _REASONS.get(exc.errno or 0) or clean(exc.strerror or "erreur du système")


def unreadable(shown: str, exc: OSError, *, folder: bool = False) -> Problem:
    what = "le dossier" if folder else "le fichier"
    return Problem(shown, 1, "fichier-illisible", "",
                   f"{what} ne peut pas être lu ({describe_os_error(exc)}).",
                   "Vérifiez que le fichier existe, que ce n'est pas un lien, et qu'il est "
                   "lisible (droits de lecture).")


def _symlink(shown: str) -> Problem:
    return Problem(shown, 1, "lien-symbolique", "",
                   "c'est un lien symbolique : il n'est pas suivi et son contenu n'est pas lu.",
                   "Remplacez le lien par le fichier lui-même (une fiche est un fichier "
                   "ordinaire du dépôt), ou retirez-le.")


def _not_a_file(shown: str, kind: str) -> Problem:
    return Problem(shown, 1, "pas-un-fichier", "",
                   f"« {shown.rsplit('/', 1)[-1]} » est {kind}, pas un fichier de fiche.",
                   "Une fiche est un fichier texte ordinaire `<id>.yml` : retirez cette "
                   "entrée de content/venues/ (ou renommez le dossier).")


def _hidden(shown: str, folder: bool) -> Problem:
    what = "le dossier" if folder else "le fichier"
    return Problem(shown, 1, "fichier-cache", "",
                   f"{what} « {shown.rsplit('/', 1)[-1]} » est caché (son nom commence par "
                   "un point) : il ne serait pas publié.",
                   "Retirez le point au début du nom s'il s'agit d'une fiche ; sinon, "
                   "retirez-le de content/venues/.")


def _bad_name(shown: str, name: str) -> Problem | None:
    found = [ch for ch in dict.fromkeys(name) if is_hidden_char(ch)]
    if not found:
        return None
    kept = "".join(ch for ch in name if not is_hidden_char(ch)).strip()
    suggestion = kept if kept.endswith(SUFFIX) and kept != SUFFIX else "<identifiant>.yml"
    listed = ", ".join(describe_char(ch) for ch in found)
    return Problem(shown, 1, "nom-fichier-invalide", "",
                   f"le nom « {clean(name)} » contient un caractère invisible ou de contrôle "
                   f"({listed}).",
                   f"Renommez-le « {clean(suggestion)} » : un nom de fiche ne contient que "
                   "des lettres minuscules, des chiffres et des tirets, suivis de .yml.")


def _extension(shown: str, name: str) -> Problem:
    return Problem(shown, 1, "extension-invalide", "",
                   f"le fichier « {clean(name)} » n'est pas une fiche .yml.",
                   "Renommez-le en .yml s'il s'agit d'une fiche, sinon retirez-le de "
                   "content/venues/.")


@dataclass
class _Walk:
    files: list[Path]
    problems: list[Problem]


def _entry(path: Path, mode: int, walk: _Walk, *, named: bool) -> bool:
    """Sort one entry (lstat `mode`); True when it is a folder to walk into.

    An entry with a problem is neither read nor walked into. `named` is False for a folder
    given on the command line, whose own name is the user's choice.
    """
    shown = display_path(path)
    name = path.name
    before = len(walk.problems)
    if named:
        problem = _bad_name(shown, name)
        if problem:
            walk.problems.append(problem)
        if name.startswith("."):
            walk.problems.append(_hidden(shown, stat.S_ISDIR(mode)))
    if stat.S_ISLNK(mode):
        walk.problems.append(_symlink(shown))
    elif stat.S_ISDIR(mode):
        if name.endswith(SUFFIX):
            walk.problems.append(_not_a_file(shown, "un dossier"))
    elif not stat.S_ISREG(mode):
        walk.problems.append(_not_a_file(shown, _kind(mode)))
    elif path.suffix != SUFFIX:
        walk.problems.append(_extension(shown, name))
    if len(walk.problems) > before:
        return False
    if stat.S_ISDIR(mode):
        return True
    walk.files.append(path)
    return False


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "un dossier"
    return _KINDS.get(stat.S_IFMT(mode), "un fichier spécial")


def _walk(top: Path, walk: _Walk) -> None:
    """Sort every entry under `top`, without following links, folder after folder.

    A loop rather than recursion: a stranger's folders can be nested thousands deep.
    """
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            walk.problems.append(unreadable(display_path(folder), exc, folder=True))
            continue
        inner = []
        for entry in entries:
            path = folder / entry.name
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                walk.problems.append(unreadable(display_path(path), exc))
                continue
            if entry.name != GIT_DIR and _entry(path, mode, walk, named=True):
                inner.append(path)
        pending.extend(reversed(inner))


def _linked_parent(path: Path) -> Path | None:
    """The first symbolic link on the way from the repository root to `path`, if any."""
    try:
        relative = path.absolute().relative_to(ROOT)
    except ValueError:
        return None  # outside the repository (a test's folder): only the path itself counts
    current = ROOT
    for part in relative.parts[:-1]:
        current = current / part
        if current.is_symlink():
            return current
    return None


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Venue files under the given files or folders; every other entry is a problem."""
    walk = _Walk([], [])
    for path in paths:
        linked = _linked_parent(path)
        if linked is not None:
            walk.problems.append(_symlink(display_path(linked)))
            continue
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            walk.files.append(path)  # reported as unreadable when read
            continue
        except OSError as exc:
            walk.problems.append(unreadable(display_path(path), exc))
            continue
        if _entry(path, mode, walk, named=not stat.S_ISDIR(mode)):
            _walk(path, walk)
    return sorted(set(walk.files)), walk.problems


def venue_files(folder: Path | None) -> Iterator[Path]:
    """The venue files under `folder`, found the same way as `collect` (names only)."""
    if folder is None or not folder.is_dir() or folder.is_symlink():
        return iter(())
    walk = _Walk([], [])
    _walk(folder, walk)
    return iter(walk.files)


def read_venue(path: Path, shown: str) -> Loaded:
    """Parse one venue file, reading at most the size limit plus one byte of it."""
    raw = read_venue_bytes(path, shown)
    return raw if isinstance(raw, Loaded) else load_bytes(raw, shown)


def read_venue_bytes(path: Path, shown: str) -> bytes | Loaded:
    """A venue file's bytes, or a Loaded with the problem that kept them from being read.

    The file is opened without following a link and without blocking (a FIFO put there
    after the walk), and read only when it is a regular file.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    loaded = Loaded(shown)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        loaded.problems.append(_symlink(shown) if exc.errno == errno.ELOOP
                               else unreadable(shown, exc))
        return loaded
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            loaded.problems.append(_not_a_file(shown, _kind(info.st_mode)))
            return loaded
        if info.st_size > MAX_BYTES:
            loaded.problems.append(_too_big(shown, info.st_size))
            return loaded
        raw = _read_at_most(fd, MAX_BYTES + 1)
    except OSError as exc:
        loaded.problems.append(unreadable(shown, exc))
        return loaded
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:  # it grew since fstat
        loaded.problems.append(_too_big(shown, len(raw)))
        return loaded
    return raw


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks, total = [], 0
    while total < limit:
        chunk = os.read(fd, limit - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _too_big(shown: str, size: int) -> Problem:
    more = "plus de " if size == MAX_BYTES + 1 else ""
    return Problem(shown, 1, "fichier-trop-gros", "",
                   f"le fichier fait {more}{size} octets, au-delà de la limite de "
                   f"{MAX_BYTES} octets.",
                   "Une fiche tient en quelques kilo-octets : raccourcissez la description.")


def read_capped(path: Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a regular file (the caller refuses longer ones).

    For inputs that are not venues (an issue body): a link to /dev/zero or a FIFO raises
    OSError instead of exhausting memory or blocking.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "pas un fichier ordinaire")
        return _read_at_most(fd, limit + 1)
    finally:
        os.close(fd)
