"""Files handed to the user (exports of a patient's record): written whole, owner-only and
checked, or not written at all.

One path for every kind of file: the contents go into a temporary file beside the target, which
is made owner-only (0600), checked (not empty, complete for its format, the bytes meant), synced
to the disk, and only then renamed over the target; the directory is synced after the rename.
A failure anywhere removes the temporary file and leaves any earlier file at the target exactly
as it was. Writers that do not report their own failures (QPdfWriter says nothing when the disk
fills up) are caught by the check of the finished file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

#: Mode of every file written here: read and write for its owner only (health information).
PRIVATE_FILE_MODE = 0o600
#: Mode of folders created for an export: only their owner may list or enter them.
PRIVATE_DIRECTORY_MODE = 0o700
#: How far from its end a PDF's `%%EOF` marker may stand (bytes): writers may add line breaks
#: or padding after it, nothing more.
PDF_TAIL_BYTES = 1024

#: Why a finished temporary file must not replace the target (one phrase), or None when it may.
FileCheck = Callable[[Path], str | None]


class OutputFailed(OSError):
    """A file was not written (or, when `renamed`, was written but not confirmed on disk).

    The message is one sentence for the user: the target path and the reason in plain words
    (an operating-system error's words, or what the check found), never the file's contents.
    An OSError, so callers that catch OSError around a write keep working."""

    def __init__(self, path: Path, reason: str, *, renamed: bool = False) -> None:
        self.path = Path(path)
        self.reason = reason
        self.renamed = renamed
        if renamed:
            message = (
                f"{path} was written, but the disk did not confirm it ({reason}); "
                "write it again before relying on it"
            )
        else:
            message = f"{path} was not written: {reason}; any earlier file there is unchanged"
        super().__init__(message)


def write_private_file(path: Path, produce: Callable[[Path], None], check: FileCheck) -> Path:
    """Write a file at `path` atomically, owner-only (0600) and checked; returns `path`.

    `produce(temporary)` writes the whole contents into `temporary`, an empty owner-only file
    beside `path` (it may open it by name, as QPdfWriter does, or even make it anew). `check`
    says what is wrong with the finished file, or None. The directory of `path` must exist.

    Raises OutputFailed for an operating-system error or a failed check; any other exception of
    `produce` passes unchanged. Either way the temporary file is removed and an earlier file at
    `path` is left exactly as it was."""
    path = Path(path)
    directory = path.parent
    try:
        descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    except OSError as error:
        raise OutputFailed(path, _in_words(error)) from error
    temporary = Path(name)
    try:
        try:
            # explicit, whatever the umask or tempfile's own default
            _set_private_mode(descriptor)
        finally:
            os.close(descriptor)
        produce(temporary)
        problem = _private_regular_file_problem(temporary) or check(temporary)
        if problem is not None:
            raise OutputFailed(path, problem)
        _sync_file(temporary)
        os.replace(temporary, path)
    except OutputFailed:
        _remove(temporary)
        raise
    except OSError as error:
        _remove(temporary)
        raise OutputFailed(path, _in_words(error)) from error
    except BaseException:
        _remove(temporary)
        raise
    try:
        # the rename is durable only once the directory's entry is on disk
        _sync_directory(directory)
    except OSError as error:
        raise OutputFailed(path, _in_words(error), renamed=True) from error
    return path


def write_private_text(path: Path, text: str) -> Path:
    """Write `text` as UTF-8 to `path` with `write_private_file`; the finished file must hold
    exactly those bytes. Returns `path`."""
    data = text.encode("utf-8")

    def produce(temporary: Path) -> None:
        flags = os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(temporary, flags)
        try:
            remaining = memoryview(data)
            while remaining:
                # os.write may write less than asked (a signal, a nearly full disk)
                remaining = remaining[os.write(descriptor, remaining) :]
        finally:
            os.close(descriptor)

    def check(temporary: Path) -> str | None:
        if temporary.read_bytes() != data:
            return "the file on disk does not hold what was written (the disk may be failing)"
        return None

    return write_private_file(path, produce, check)


def pdf_problem(path: Path) -> str | None:
    """What is wrong with a finished PDF file, or None: it must start with `%PDF-` and end with
    `%%EOF` (line breaks or spaces may follow). A writer cut short by a full disk leaves a file
    that fails the second test."""
    size = path.stat().st_size
    with open(path, "rb") as stream:
        head = stream.read(5)
        stream.seek(max(0, size - PDF_TAIL_BYTES))
        tail = stream.read()
    if head != b"%PDF-":
        return "the finished file is not a PDF (it does not start with %PDF-)"
    if not tail.rstrip(b" \t\r\n\f\0").endswith(b"%%EOF"):
        return "the finished PDF is cut short (the disk may be full)"
    return None


def make_private_directories(directory: Path) -> None:
    """Create `directory` and any missing parents, each owner-only (0700); folders that exist
    already are left as they are."""
    directory = Path(directory)
    missing = []
    while not directory.exists():
        missing.append(directory)
        if directory.parent == directory:
            break
        directory = directory.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another program
            folder.mkdir(mode=PRIVATE_DIRECTORY_MODE)
        with contextlib.suppress(OSError):
            folder.chmod(PRIVATE_DIRECTORY_MODE)  # mkdir's mode is narrowed by the umask only


def _set_private_mode(descriptor: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(descriptor, PRIVATE_FILE_MODE)


def _private_regular_file_problem(temporary: Path) -> str | None:
    """Check that the finished file is a non-empty regular file, and make it owner-only again:
    a writer that made the file anew gave it the umask's mode."""
    status = os.lstat(temporary)
    if not stat.S_ISREG(status.st_mode):
        return "the finished file is not a regular file"
    os.chmod(temporary, PRIVATE_FILE_MODE)
    if os.name == "posix" and stat.S_IMODE(os.lstat(temporary).st_mode) != PRIVATE_FILE_MODE:
        return "the finished file could not be made readable by its owner only"
    if status.st_size == 0:
        return "the finished file is empty (the disk may be full)"
    return None


def _sync_file(path: Path) -> None:
    # opened for writing: Windows syncs only a handle that may write
    descriptor = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_directory(directory: Path) -> None:
    if os.name != "posix":
        return  # a directory cannot be opened for syncing there; the rename is the best we have
    descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _in_words(error: OSError) -> str:
    """An operating-system error in words without its file names (those are temporary names
    the user never chose): "No space left on device"."""
    if error.strerror:
        return error.strerror[:1].lower() + error.strerror[1:]
    return str(error) or type(error).__name__
