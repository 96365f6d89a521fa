"""Putting report files on disk so that each is complete or absent, never half written.

A report file is written to a temporary file beside it, flushed to disk, and renamed over the
path (``os.replace``): a reader sees the earlier file or the new one whole, never a truncated
mix, whether the disk fills up, the run is killed, or two runs write the same path. The rename
replaces whatever entry is at the path, so a symbolic link there is replaced by the report and
the file it pointed to is left alone. ``$GITHUB_STEP_SUMMARY`` is the one file appended to, as
GitHub documents it; an append that fails is cut back to where it started.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

# What to do about a write that failed, by its OS error; data, so a new cause is one line.
FIX_BY_ERRNO: dict[int, str] = {
    errno.EISDIR: "name a file, not a directory",
    errno.ENOTDIR: "a part of the path is a file, not a directory: name a file in a directory",
    errno.EACCES: "give a path in a directory this run may write",
    errno.EPERM: "give a path in a directory this run may write",
    errno.EROFS: "give a path on a file system that is not read-only",
    errno.ENOSPC: "free space on that file system, or give a path on another",
    errno.EDQUOT: "free space within the quota, or give a path on another file system",
    errno.EFBIG: "the file is larger than this process may write (ulimit -f): raise the limit",
}
DEFAULT_FIX = "give a writable file path"


def fix_for(error: OSError) -> str:
    """The fix a message gives for ``error``."""
    return FIX_BY_ERRNO.get(error.errno or 0, DEFAULT_FIX)


def reason_of(error: OSError) -> str:
    """The OS's words for ``error`` (``Is a directory``), without the temporary file's name."""
    return error.strerror or str(error)


def replace_file(path: Path, data: bytes) -> None:
    """Make ``path`` a regular file holding ``data``, atomically; raise ``OSError`` if it cannot.

    On failure the earlier file at ``path`` (if any) is untouched and no temporary file is left.
    """
    parent = path.parent
    make_directory(parent)
    handle, temporary = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with open(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); a report is as readable as any file the run makes
        os.chmod(temporary, 0o666 & ~current_umask())
        os.replace(temporary, path)
    except BaseException:  # a second SIGTERM may land here too: leave no temporary file behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_directory(parent)


def append_file(path: Path, data: bytes) -> None:
    """Append ``data`` to ``path`` (created if missing); on failure cut it back to its old length."""
    make_directory(path.parent)
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        start = os.lseek(handle, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            os.fsync(handle)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(handle, start)
            raise
    finally:
        os.close(handle)


def remove_stale(path: Path) -> None:
    """Remove an earlier run's report at ``path`` (a link there is removed, never its target).

    Anything that cannot be removed (a directory, a read-only directory) is left: writing the
    report at the end of the run meets the same obstacle and says so.
    """
    with contextlib.suppress(OSError):
        os.unlink(path)


def make_directory(directory: Path) -> None:
    """Create ``directory`` and its parents; a file in the way is ``ENOTDIR``, not ``EEXIST``."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise NotADirectoryError(
            errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(directory)
        ) from None


def sync_directory(directory: Path) -> None:
    """Flush the rename to disk, where the platform allows opening a directory for it."""
    with contextlib.suppress(OSError):
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def current_umask() -> int:
    """The process umask (reading it means setting it: put straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
