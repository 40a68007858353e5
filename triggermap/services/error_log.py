"""The error log: where an unexpected failure's details go instead of the user's screen.

`<data dir>/logs/triggermap.log`, owner-only, capped in size (the full file is moved to
`triggermap.log.1`, replacing the one before). An entry holds only what cannot carry patient
data: the time, the program's version, the command's name, the exception's type (with an
errno or SQLite error name) and the code locations of its traceback (file, line, function).
Never an exception's message, a local value or the command line: a ValueError's message may
quote a stored name or note, and the command line holds what was searched for.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from triggermap import __version__
from triggermap.services.safe_output import make_private_directories

LOG_DIR_NAME = "logs"
LOG_FILE_NAME = "triggermap.log"
#: Size past which the log is moved aside before an entry is added (bytes); the log and the one
#: moved aside together stay under twice this.
MAX_LOG_BYTES = 256 * 1024
#: Traceback entries kept per exception (the innermost ones: where it went wrong).
MAX_FRAMES = 40
#: Causes and contexts followed from the exception itself (`raise … from …`, `during handling`).
MAX_CHAINED = 5
LOG_FILE_MODE = 0o600
LOG_DIRECTORY_MODE = 0o700  # as safe_output.PRIVATE_DIRECTORY_MODE


def log_file(data_dir: Path) -> Path:
    """Where the error log of a data directory is."""
    return Path(data_dir) / LOG_DIR_NAME / LOG_FILE_NAME


def record_unexpected_error(data_dir: Path, error: BaseException, command: str) -> Path:
    """Append an entry about `error` (raised while running `command`, a command name of ours
    such as "export") to the data directory's error log; returns the log's path.

    Raises OSError when the log cannot be written (the caller then says so instead)."""
    path = log_file(data_dir)
    entry = (
        "\n".join(
            [
                f"{datetime.now(UTC).isoformat(timespec='seconds')}  triggermap {__version__}  "
                f"Python {sys.version_info.major}.{sys.version_info.minor}  {sys.platform}  "
                f"command: {command}",
                *describe(error),
            ]
        )
        + "\n\n"
    ).encode("utf-8", errors="replace")
    make_private_directories(path.parent)
    if os.name == "posix" and path.parent.stat().st_mode & 0o077:
        path.parent.chmod(LOG_DIRECTORY_MODE)  # a logs folder made looser by hand
    _rotate_if_full(path, len(entry))
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)  # never through a link
    descriptor = os.open(path, flags, LOG_FILE_MODE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, LOG_FILE_MODE)  # also a log that arrived with a looser mode
        os.write(descriptor, entry)
    finally:
        os.close(descriptor)
    return path


def describe(error: BaseException) -> list[str]:
    """The lines of a log entry about `error`: its type and code locations, then those of its
    causes, innermost frame last. No messages, no values."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    heading = "error"
    for _ in range(MAX_CHAINED + 1):
        if current is None or id(current) in seen:
            break
        seen.add(id(current))
        lines.append(f"{heading}: {_type_words(current)}")
        frames = traceback.extract_tb(current.__traceback__)
        if len(frames) > MAX_FRAMES:
            lines.append(f"  … {len(frames) - MAX_FRAMES} outer frame(s) left out")
            frames = frames[-MAX_FRAMES:]
        lines.extend(
            f"  {_code_file(frame.filename)}:{frame.lineno} in {frame.name}" for frame in frames
        )
        if current.__cause__ is not None:
            heading, current = "caused by", current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            heading, current = "while handling", current.__context__
        else:
            current = None
    return lines


def _type_words(error: BaseException) -> str:
    """ "sqlite3.OperationalError (SQLITE_CORRUPT)", "OSError (ENOSPC)", "ValueError": the
    class and, where there is one, a code that names the kind of failure and nothing else."""
    kind = type(error)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    codes = []
    number = getattr(error, "errno", None)
    if isinstance(number, int):
        codes.append(errno.errorcode.get(number, str(number)))
    sqlite_name = getattr(error, "sqlite_errorname", None)
    if isinstance(sqlite_name, str) and sqlite_name.isidentifier():
        codes.append(sqlite_name)
    if isinstance(error, UnicodeError):
        # the encoding and the kind of problem; never the text (`object`) it was about
        for attribute in ("encoding", "reason"):
            value = getattr(error, attribute, None)
            if isinstance(value, str) and value.replace(" ", "").replace("-", "").isalnum():
                codes.append(value)
    return f"{name} ({', '.join(codes)})" if codes else name


def _code_file(filename: str) -> str:
    """A source file's path from its package on ("triggermap/storage/patient_db.py",
    "click/core.py"), so the log names no folder of the user's own."""
    parts = Path(filename).parts
    if "triggermap" in parts:
        start = len(parts) - 1 - parts[::-1].index("triggermap")
        return "/".join(parts[start:])
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1 :])
    return Path(filename).name


def _rotate_if_full(path: Path, adding: int) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size + adding > MAX_LOG_BYTES:
        os.replace(path, path.with_name(path.name + ".1"))
