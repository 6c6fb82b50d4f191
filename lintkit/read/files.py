"""The one door to the file system: every file lintkit reads or writes goes through here.

A pull request can commit anything git holds, so a path in a project is hostile until checked:
`read_bytes` resolves the real path (every symbolic link followed) and refuses a file that lies
outside the project, under /proc, /sys or /dev, that is not a regular file (a FIFO would block, a
device would never end) or that is larger than the caller's bound. It opens the resolved path with
O_NOFOLLOW and O_NONBLOCK and checks the opened file again, so a link swapped in between changes
nothing. A refusal is a `Refused` (an OSError whose `strerror` says why in words fit for a
message); it never holds a byte of the file.

The project is the repository (or folder) of the service being linted: the engine sets it with
`confined_to(root)` around each service. A path the user names on the command line (a baseline,
`--output`) is confined to its own repository, or its folder outside one (`user_root`).

Writes (`write_text`) go to a temporary file created with O_EXCL in the target's folder, then
renamed over the target: no predictable name a committed symbolic link could redirect.

Unsaved editor buffers (`lintkit.read.overlay`) stand in for files here, so every loader sees them.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .overlay import buffer
from .surrogates import ERRORS as SURROGATES

SYSTEM_ROOTS = ("/proc", "/sys", "/dev")
DEFAULT_MAX_BYTES = 5 << 20


class Refused(OSError):
    """A file lintkit does not read (or write): `strerror` says why, `path` names it."""

    def __init__(self, path, reason: str, code: int = errno.EACCES):
        super().__init__(code, reason, str(path))
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class Confinement:
    """One project being linted: its real root, and the files refused while linting it (path ->
    (reason, the span that referred to it or None)), for the engine to report (PARSE006)."""

    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.refused: dict[Path, tuple[str, object]] = {}

    def record(self, refusal: Refused, where=None) -> None:
        # A missing file is no refusal; nor is a path through a file (`.git/info/exclude` in a
        # git worktree or submodule, where `.git` is a file): it does not exist either.
        if refusal.errno not in (errno.ENOENT, errno.ENOTDIR):
            self.refused.setdefault(refusal.path, (refusal.reason, where))


_confinements: list[Confinement] = []  # innermost last


@contextmanager
def confined_to(root):
    """Reads inside this block may only reach files below `root` (the project)."""
    confinement = Confinement(root)
    _confinements.append(confinement)
    try:
        yield confinement
    finally:
        _confinements.pop()


def current_root() -> str | None:
    return _confinements[-1].root if _confinements else None


def record(refusal: Refused, where=None) -> None:
    """Notes a refused file for the report (once per file), when a project is being linted."""
    if _confinements:
        _confinements[-1].record(refusal, where)


def is_inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def is_system_path(real: str) -> bool:
    return any(is_inside(real, system) for system in SYSTEM_ROOTS)


def user_root(path) -> str:
    """The project of a path named by the user: its repository, or its folder outside one."""
    folder = Path(os.path.abspath(path)).parent
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return os.path.realpath(candidate)
    return os.path.realpath(_nearest_existing(folder))


def admit(path, root: str | None = None) -> str:
    """The real path of `path` if lintkit may read it, else raises Refused. Does not open it."""
    root = root if root is not None else current_root()
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as error:
        raise Refused(path, _os_reason(error), error.errno or errno.EIO) from None
    except ValueError:  # a NUL byte in the name
        raise Refused(path, "the file name is not usable", errno.EINVAL) from None
    if is_system_path(real) and not (root is not None and is_inside(real, root)):
        raise Refused(path, "it leads into a system folder (/proc, /sys or /dev); lintkit does "
                      "not read it")
    if root is not None and not is_inside(real, os.path.realpath(root)):
        lexical = os.path.normpath(os.path.abspath(path))
        if is_inside(lexical, os.path.realpath(root)) or is_inside(os.path.realpath(
                os.path.dirname(lexical)), os.path.realpath(root)):
            raise Refused(path, "it is a symbolic link to a file outside the project; lintkit does "
                          "not read it")
        raise Refused(path, "it is outside the project; lintkit does not read it")
    return real


def read_bytes(path, max_bytes: int = DEFAULT_MAX_BYTES, root: str | None = None) -> bytes:
    """The content of `path` (or the unsaved buffer standing in for it), at most `max_bytes`."""
    unsaved = buffer(path)
    if unsaved is not None:
        if len(unsaved) > max_bytes:
            raise Refused(path, _too_large(len(unsaved), max_bytes), errno.EFBIG)
        return unsaved
    try:
        return _read_admitted(path, admit(path, root), max_bytes)
    except Refused as refusal:
        record(refusal)
        raise


def _read_admitted(path, real: str, max_bytes: int) -> bytes:
    try:
        descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        raise Refused(path, _os_reason(error), error.errno or errno.EIO) from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise Refused(path, "it is a directory, not a file", errno.EISDIR)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(path, "it is not a regular file (a device, FIFO or socket)")
        if info.st_size > max_bytes:
            raise Refused(path, _too_large(info.st_size, max_bytes), errno.EFBIG)
        chunks, size = [], 0
        while size <= max_bytes:  # a file that grows while read is still cut at the bound
            chunk = os.read(descriptor, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        if isinstance(error, Refused):
            raise
        raise Refused(path, _os_reason(error), error.errno or errno.EIO) from None
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise Refused(path, _too_large(len(data), max_bytes), errno.EFBIG)
    return data


def is_file(path) -> bool:
    """Whether `path` is (or an unsaved buffer makes it) a regular file lintkit may read."""
    if buffer(path) is not None:
        return True
    try:
        return stat.S_ISREG(os.stat(admit(path)).st_mode)
    except OSError:
        return False


def is_present(path) -> bool:
    """Whether something other than a folder is at `path` (a file, or a link lintkit may yet
    refuse to read): the files a service has, so that a refused one is reported, not ignored."""
    if buffer(path) is not None:
        return True
    return os.path.lexists(path) and not (os.path.isdir(path) and not os.path.islink(path))


def is_dir(path) -> bool:
    """Whether `path` is a folder inside the project."""
    try:
        return stat.S_ISDIR(os.stat(admit(path)).st_mode)
    except OSError:
        return False


def list_folder(folder, root: str | None = None) -> list[Path]:
    """The entries of a folder inside the project (none for a folder outside it)."""
    try:
        admit(folder, root)
        return [Path(folder) / name for name in sorted(os.listdir(folder))]
    except OSError:
        return []


def walk(top, skip=lambda name: False, max_folders: int = 100_000, root: str | None = None):
    """`os.walk` top down without recursion (a tree can be thousands of folders deep), never
    following a symbolic link to a folder, never leaving the project, and stopping after
    `max_folders` folders. Yields (folder, subfolder names, file names); the caller may prune the
    subfolder list as with os.walk. Folders for which `skip(name)` is true are not entered."""
    try:
        admit(top, root)
    except OSError:
        return
    stack, seen = [str(top)], 0
    while stack and seen < max_folders:
        folder = stack.pop()
        seen += 1
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        dirs, names = [], []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not skip(entry.name):
                        dirs.append(entry.name)
                else:
                    names.append(entry.name)
            except OSError:
                continue
        yield folder, dirs, names
        stack.extend(os.path.join(folder, name) for name in reversed(dirs))


def write_text(path, text: str, root: str | None = None) -> None:
    """Writes `text` to `path` through a securely created temporary file and a rename. Refuses a
    target (or a folder on its way) that a symbolic link leads out of the project."""
    path = Path(os.path.abspath(path))
    root = os.path.realpath(root) if root is not None else user_root(path)
    existing = path if os.path.lexists(path) else _nearest_existing(path.parent)
    real = os.path.realpath(existing)
    if not is_inside(real, root) or is_system_path(real):
        raise Refused(path, f"{'it' if existing == path else 'its folder'} is a symbolic link "
                      "that leads outside the project; lintkit does not write there")
    if existing == path and os.path.exists(real) and not stat.S_ISREG(os.stat(real).st_mode):
        raise Refused(path, "it is not a regular file")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # A file name that is not UTF-8 is written as its bytes, any other lone surrogate as U+FFFD.
        with os.fdopen(descriptor, "w", encoding="utf-8", errors=SURROGATES, newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, real if os.path.islink(path) else path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def refusal_reason(error: OSError) -> str:
    """Why a file could not be read, in words fit for a message."""
    return error.reason if isinstance(error, Refused) else _os_reason(error)


def _nearest_existing(folder: Path) -> Path:
    while not os.path.lexists(folder) and folder.parent != folder:
        folder = folder.parent
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _too_large(size: int, bound: int) -> str:
    return (f"it is {size / 1048576:.1f} MB, larger than the {bound / 1048576:g} MB lintkit "
            "reads; check that this is the right file")


def _os_reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop; fix the link"
    if error.errno == errno.ENOENT:
        return "the file does not exist (or is a broken symbolic link)"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; make the file readable"
    if error.errno == errno.EISDIR:
        return "it is a directory, not a file"
    return (error.strerror or str(error)) + "; check the path"
