"""Atomic file writes: a temporary file beside the target, fsync, then rename into place.

A crash or a kill at any moment leaves either the old file or the new one at the target name, never half
a file; the temporary name (``.<target>.<random>.part``) is recognisable so a later run can remove it.
"""

from __future__ import annotations

import os
from pathlib import Path


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, with the permissions of an ordinary new file."""
    import tempfile  # here, not at the top: start-up of the window never writes a file

    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        os.chmod(tmp, _file_mode())  # mkstemp makes the file private; the result is an ordinary file
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
