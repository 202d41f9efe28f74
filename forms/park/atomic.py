"""Atomic file writes: a temporary file beside the target, fsync, then rename into place.

A crash or a kill at any moment leaves either the old file or the new one at the target name, never half
a file; the temporary name (``.<target>.<random>.part``) is recognisable so a later run can remove it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, with the permissions of an ordinary new file."""
    atomic_write_files([(path, data)])


def atomic_write_files(files: Sequence[tuple[str | os.PathLike[str], bytes]]) -> None:
    """Write files that belong together (a PDF and its Word copy, a summary's workbook, PDF and results) as one:
    each to a temporary file beside its target, then all renamed into place.  A failure while writing (a full
    disk) leaves every target as it was, never a part of the new set beside the rest of an old one."""
    import tempfile  # here, not at the top: start-up of the window never writes a file

    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            target = Path(path)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
            staged.append((tmp, target))
            os.chmod(tmp, _file_mode())  # mkstemp makes the file private; the result is an ordinary file
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _target in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
