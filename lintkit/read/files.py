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

While a service is linted for the result cache (`recording()`), every path looked at here (read,
probed, listed) is noted on a `Reads`, so that a cached outcome can be checked against the same
paths later (`fingerprint`, `listing_digest`): what is there now, not when it was read.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path

from .overlay import buffer
from .surrogates import ERRORS as SURROGATES

try:  # hashlib's own BLAKE2, without the 4 ms and 4 MB of importing hashlib (OpenSSL)
    from _blake2 import blake2b
except ImportError:  # another Python than CPython
    from hashlib import blake2b

SYSTEM_ROOTS = ("/proc", "/sys", "/dev")
DEFAULT_MAX_BYTES = 5 << 20
# Larger than any bound a loader reads up to: such a file is refused whatever it holds, so its
# fingerprint is its size (which the refusal's message shows), not its content.
FINGERPRINT_MAX_BYTES = 8 << 20


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


class Reads:
    """The paths one service's outcome depends on: every file read (path -> digest of the bytes
    read) or only looked at (-> None: its fingerprint is taken when the outcome is stored), and
    every folder listed (-> digest of its entries). Paths as the code spelled them: made
    absolute once, when the outcome is stored (the working folder stays the same for the run)."""

    def __init__(self):
        self.files: dict[str, str | None] = {}
        self.folders: dict[str, str] = {}
        # Each folder holding a path looked at -> its stamp then (`folder_stamp`): a file created
        # or deleted there while the service was linted changes it (see `unchanged`).
        self.stamps: dict[str, tuple] = {}

    def watch(self, path: str) -> None:
        folder = os.path.dirname(path) or "."
        if folder not in self.stamps:
            self.stamps[folder] = folder_stamp(folder)

    def unchanged(self) -> bool:
        """Whether no folder holding a path looked at has gained or lost an entry since: a path
        found missing (or present) then and not now would make the outcome's fingerprints wrong.
        (A change within one tick of the file system's clock after the first look can go unseen.)"""
        return all(folder_stamp(folder) == stamp for folder, stamp in self.stamps.items())

    def absolute_files(self) -> dict[str, str | None]:
        files: dict[str, str | None] = {}
        for path, digest in self.files.items():
            path = os.path.abspath(path)
            if files.get(path) is None:
                files[path] = digest
        return files


_recordings: list[Reads] = []


@contextmanager
def recording():
    """Notes on a `Reads` every path looked at inside this block (for the result cache)."""
    reads = Reads()
    _recordings.append(reads)
    try:
        yield reads
    finally:
        _recordings.remove(reads)


def note(path) -> None:
    """Notes that the outcome depends on what is at `path` (found or not), when recording. For
    code that asks the file system directly (os.stat, pathlib) instead of through this module."""
    if _recordings:
        reads, path = _recordings[-1], os.fspath(path)
        if path not in reads.files:
            reads.files[path] = None
            reads.watch(path)


def _note_content(path, data: bytes) -> None:
    if _recordings:
        reads, path = _recordings[-1], os.fspath(path)
        if path not in reads.files:
            reads.watch(path)
        reads.files[path] = content_digest(data)


def folder_stamp(folder: str) -> tuple:
    """(path, inode, modification and change times) of `folder`, or of its nearest existing
    ancestor when it is missing (creating it changes that one)."""
    while True:
        try:
            info = os.stat(folder)
            return folder, info.st_ino, info.st_mtime_ns, info.st_ctime_ns
        except (OSError, ValueError):
            parent = os.path.dirname(folder) or "."
            if parent == folder:
                return folder, None
            folder = parent


def _note_listing(folder, entries) -> None:
    if _recordings:
        _recordings[-1].folders[os.fspath(folder)] = _entries_digest(entries)


def _note_unlisted(folder, error: OSError) -> None:
    if _recordings:
        _recordings[-1].folders[os.fspath(folder)] = f"absent {error.errno}"


def content_digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def fingerprint(path, root: str, real_path=os.path.realpath) -> list:
    """What is at `path` (absolute, normalised) now, as far as linting can tell: nothing (and
    why), a folder, a file and the digest of its content, or something else; with its real path
    and whether it is a link. Files outside `root` (the real project root) and system files are
    never read: lintkit refuses them whatever they hold."""
    return stamped_fingerprint(path, root, real_path)[0]


def file_stamp(info: os.stat_result) -> list:
    """What changes when a file is written, replaced or has its times set: size, modification
    and change times, inode and device (git's index compares the same)."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def stamped_fingerprint(path, root: str, real_path=os.path.realpath) -> tuple[list, list | None]:
    """`fingerprint(path, root)`, and the `file_stamp` of the file when it is a regular file
    (not a link) read for its digest."""
    try:
        info = os.lstat(path)
        link = stat.S_ISLNK(info.st_mode)
        real = os.path.realpath(path) if link else real_path(path)
        if link:
            info = os.stat(path)
    except OSError as error:
        return ["absent", error.errno], None
    except ValueError:
        return ["absent", "unusable name"], None
    if stat.S_ISDIR(info.st_mode):
        return ["folder", real, link], None
    if not is_inside(real, root) or is_system_path(real):
        return ["outside", real, link], None
    if not stat.S_ISREG(info.st_mode):
        return ["special", real, link, stat.S_IFMT(info.st_mode)], None
    if info.st_size > FINGERPRINT_MAX_BYTES:
        return ["large", real, link, info.st_size], None
    try:
        data = _read_admitted(path, real, FINGERPRINT_MAX_BYTES)
    except Refused as refusal:
        return ["unreadable", real, link, refusal.errno], None
    return ["file", real, link, content_digest(data)], None if link else file_stamp(info)


class FingerprintCheck:
    """Whether paths still have the fingerprints recorded for them, checking many paths of one
    project cheaply (one run's lookups): each folder is listed and resolved once, and a path
    recorded as absent is still absent when its name is not in its folder's listing (compared
    without case and Unicode normalisation, as some file systems compare names) or its folder is
    missing too."""

    def __init__(self, root: str):
        self.root = root
        self._names: dict[str, frozenset | int] = {}
        self._real_folders: dict[str, str] = {}
        self._absent: dict[tuple[str, int], set[str]] = {}  # names found still absent this run

    def holds(self, path: str, expected: list, stamp: list | None = None,
              written_before: int | None = None) -> bool:
        """Whether `path` has the fingerprint `expected`. With the `stamp` the file had when
        `expected` was taken, a file whose stamp is the same and was last written before
        `written_before` (ns since the epoch) holds without being read: it was not written since.
        A file written at or after that time is read, as git does for a "racily clean" file: it
        may have been rewritten within the file system clock's granularity, keeping its stamp."""
        if stamp is not None and written_before is not None and expected[0] == "file":
            try:
                info = os.lstat(path)
            except (OSError, ValueError):
                return False
            if stat.S_ISREG(info.st_mode) and info.st_mtime_ns < written_before \
                    and info.st_ctime_ns < written_before and file_stamp(info) == stamp:
                real = self._real_path(path)
                return real == expected[1] and is_inside(real, self.root) and not is_system_path(real)
        return self.fingerprint(path) == expected

    def fingerprint(self, path: str) -> list:
        """`fingerprint(path, root)`, each folder's real path worked out once."""
        return fingerprint(path, self.root, self._real_path)

    def stamped_fingerprint(self, path: str) -> tuple[list, list | None]:
        return stamped_fingerprint(path, self.root, self._real_path)

    def first_missing(self, path: str, top: str) -> tuple[str, str]:
        """(folder, name) for `path`, missing: its highest missing folder below `top` and that
        folder's parent, else its own folder and name."""
        folder, name = os.path.split(path)
        while folder != top and is_inside(folder, top) and not os.path.lexists(folder):
            folder, name = os.path.split(folder)
        return folder, name

    def still_absent(self, folder: str, names: list[str], error: int) -> bool:
        """Whether looking up each of `names` in `folder` still fails with `error`. A folder
        outside the project is not listed: each name is looked up. A name found absent is not
        looked up again in this run (services share folders: a monorepo's root)."""
        known = self._absent.setdefault((folder, error), set())
        names = [name for name in names if name not in known]
        if not names:
            return True
        if not is_inside(self._real_folder(folder), self.root):
            found = names
        else:
            listed = self._listing(folder)
            if listed in (errno.ENOENT, errno.ENOTDIR):
                if listed != error:  # what looking up a name in such a folder says
                    return False
                found = []
            elif isinstance(listed, int) or error != errno.ENOENT:
                found = names  # an unreadable folder, or a rarer error: ask for each name
            else:
                found = [name for name in names if _normal_name(name) in listed]
        if not all(self.holds(os.path.join(folder, name), ["absent", error]) for name in found):
            return False
        known.update(names)
        return True

    def _listing(self, folder: str) -> frozenset | int:
        if folder not in self._names:
            try:
                self._names[folder] = frozenset(_normal_name(name) for name in os.listdir(folder))
            except OSError as error:
                self._names[folder] = error.errno or errno.EIO
            except ValueError:
                self._names[folder] = errno.EINVAL
        return self._names[folder]

    def _real_path(self, path: str) -> str:
        """The real path of `path`, itself not a link: its folder's real path and its name."""
        folder, name = os.path.split(path)
        return os.path.join(self._real_folder(folder), name)

    def _real_folder(self, folder: str) -> str:
        """os.path.realpath(folder), from its parent's (worked out once): one lstat a folder."""
        memo, missing = self._real_folders, []
        while folder not in memo:
            parent = os.path.dirname(folder)
            if parent == folder:
                memo[folder] = folder
                break
            missing.append(folder)
            folder = parent
        for each in reversed(missing):  # from the top down, without recursion
            try:
                link = stat.S_ISLNK(os.lstat(each).st_mode)
            except OSError:
                link = False
            memo[each] = os.path.realpath(each) if link else \
                os.path.join(memo[os.path.dirname(each)], os.path.basename(each))
        return memo[missing[0]] if missing else memo[folder]


def _normal_name(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def listing_digest(folder) -> str:
    """The digest of a folder's entries (names, and which are folders) as `list_folder` and
    `walk` see them now."""
    try:
        return _entries_digest(list(os.scandir(folder)))
    except OSError as error:
        return f"absent {error.errno}"
    except ValueError:
        return "absent"


def _entries_digest(entries) -> str:
    listed = []
    for entry in entries:
        try:
            listed.append(f"{entry.name}/" if entry.is_dir(follow_symlinks=False) else entry.name)
        except OSError:
            listed.append(f"{entry.name}?")
    return content_digest("\0".join(sorted(listed)).encode("utf-8", "surrogateescape"))


def read_private(path, max_bytes: int) -> bytes:
    """The content of `path`, a file in a folder of the user's own (the result cache's, written
    by `write_private`), at most `max_bytes`: a regular file, never through a link."""
    return _read_admitted(path, os.fspath(path), max_bytes)


def make_folder(path, mode: int = 0o700) -> None:
    """Creates `path` and its missing parents (only the user may enter the new ones)."""
    os.makedirs(path, mode=mode, exist_ok=True)


def write_private(path, data: bytes) -> None:
    """Replaces `path`, in a folder of the user's own (the result cache's), with `data`: written
    to a new file only the user may read (O_EXCL, never through a link) and renamed over `path`,
    so that a concurrent reader sees the old content or the new, whole."""
    temporary = f"{path}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
        finally:
            os.close(descriptor)
        os.replace(temporary, path)  # a link at `path` is replaced, never followed
    except BaseException:
        _discard(temporary)
        raise


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
    # The confinement's root is real already: resolving it again was a few lstats per file read
    root = os.path.realpath(root) if root is not None else current_root()
    note(path)
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as error:
        raise Refused(path, _os_reason(error), error.errno or errno.EIO) from None
    except ValueError:  # a NUL byte in the name
        raise Refused(path, "the file name is not usable", errno.EINVAL) from None
    if is_system_path(real) and not (root is not None and is_inside(real, root)):
        raise Refused(path, "it leads into a system folder (/proc, /sys or /dev); lintkit does "
                      "not read it")
    if root is not None and not is_inside(real, root):
        lexical = os.path.normpath(os.path.abspath(path))
        if is_inside(lexical, root) or is_inside(os.path.realpath(os.path.dirname(lexical)), root):
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
        data = _read_admitted(path, admit(path, root), max_bytes)
    except Refused as refusal:
        record(refusal)
        raise
    _note_content(path, data)
    return data


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
    note(path)
    return os.path.lexists(path) and not (os.path.isdir(path) and not os.path.islink(path))


def exists(path) -> bool:
    """`Path(path).exists()`: something is at `path` (links followed, wherever they lead). For
    code that decides by what lies outside the project too; noted for the result cache."""
    note(path)
    return os.path.exists(path)


def is_regular_file(path) -> bool:
    """`Path(path).is_file()`, wherever it leads (see `exists`)."""
    note(path)
    return os.path.isfile(path)


def is_folder(path) -> bool:
    """`Path(path).is_dir()`, wherever it leads (see `exists`)."""
    note(path)
    return os.path.isdir(path)


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
    except OSError:
        return []
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        _note_unlisted(folder, error)
        return []
    _note_listing(folder, entries)
    return [Path(folder) / name for name in sorted(entry.name for entry in entries)]


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
        except OSError as error:
            _note_unlisted(folder, error)
            continue
        _note_listing(folder, entries)
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


def permissions(path) -> int | None:
    """The permission bits of the file at `path` (following links), None when there is none: what
    `--fix` writes a fixed file back with."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None


def write_text(path, text: str, root: str | None = None, mode: int | None = None) -> None:
    """Writes `text` to `path` through a securely created temporary file and a rename. Refuses a
    target (or a folder on its way) that a symbolic link leads out of the project. `mode`: the
    file's permissions (`--fix` keeps a file's own), else the umask's."""
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
        os.chmod(temporary, mode if mode is not None else 0o666 & ~_umask())
        os.replace(temporary, real if os.path.islink(path) else path)
    except BaseException:
        _discard(temporary)
        raise


def _discard(temporary: str) -> None:
    """Removes a temporary file a failed write leaves, if it is still there."""
    try:
        os.unlink(temporary)
    except OSError:
        pass


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
