"""What the door accepts (shared/spec/parkfile.md, issue 19): finite numbers of a sane magnitude, text
without lone surrogates and of a bounded length, keys without control characters, and a park name every
output can carry (file names, sheet cells, e-mail headers).  One place for these rules: the park file
reader, the workbook reader and storage use them.

A text *value* may hold control characters: the window keeps what a clerk pasted, so the park file it dumps
must import again.  Every output prints such a character as U+FFFD (:func:`printable`), so what is accepted
can always be exported.
"""

from __future__ import annotations

import errno
import math
import re
import unicodedata
from typing import Any

MAX_MAGNITUDE = 1e15  # |x| below this: far above any park's tonnes, yuan or kWh, far below overflow
MAX_DIGITS = 20  # a number literal longer than this is refused before Python converts it
MAX_NAME_CHARS = 50  # fits in every file name of the package (255 bytes in UTF-8 with the longest suffix)
MAX_TEXT_CHARS = 200_000  # one report section or explanation
MAX_DEPTH = 12  # the park file nests 6 levels; scenarios a few more
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # \t \n \r are allowed in text
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


# what XML 1.0 (xlsx, docx), reportlab's paragraph markup and e-mail cannot carry: C0 controls but tab and line
# breaks, DEL and C1 controls, lone surrogates, the non-characters U+FFFE/U+FFFF
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def printable(text: str) -> str:
    """``text`` as every output can carry it: each character no output format allows (see above) becomes
    U+FFFD (�), so the clerk sees where it was.  Outputs only; the stored text is never changed."""
    return _UNPRINTABLE.sub(REPLACEMENT, text) if _UNPRINTABLE.search(text) else text


def has_unprintable(text: str) -> bool:
    return _UNPRINTABLE.search(text) is not None


def normalize_name(name: Any) -> str:
    """A park name as stored and compared everywhere: NFC, no spaces around it."""
    return unicodedata.normalize("NFC", str(name or "")).strip()


def text_problem(text: str) -> str | None:
    """Why a text value cannot be accepted (Chinese), or None."""
    if _SURROGATE.search(text):
        return "含有无效的 Unicode 字符（孤立的代理项）"
    m = _CONTROL.search(text)
    if m:
        return f"含有控制字符（U+{ord(m.group()):04X}）"
    if len(text) > MAX_TEXT_CHARS:
        return f"文字过长（超过 {MAX_TEXT_CHARS} 个字符）"
    return None


def value_problem(text: str) -> str | None:
    """Why a text value (a field as typed, a section, an explanation) cannot be accepted (Chinese), or None.
    Unlike :func:`text_problem` (keys), control characters are accepted: outputs print them as U+FFFD."""
    if _SURROGATE.search(text):
        return "含有无效的 Unicode 字符（孤立的代理项）"
    if len(text) > MAX_TEXT_CHARS:
        return f"文字过长（超过 {MAX_TEXT_CHARS} 个字符）"
    return None


def name_problem(name: str) -> str | None:
    """Why a (normalised) park name cannot be accepted (Chinese), or None.  An empty name is the caller's
    business (a missing name has its own message)."""
    problem = text_problem(name)
    if problem:
        return problem
    m = _NAME_CONTROL.search(name)
    if m:
        return f"含有换行、制表符或其他不可见的控制字符（U+{ord(m.group()):04X}）"
    if len(name) > MAX_NAME_CHARS:
        return f"过长（{len(name)} 个字符，最多 {MAX_NAME_CHARS} 个）"
    return None


def number_problem(value: float | int) -> str | None:
    """Why a JSON number cannot be accepted (Chinese), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return "不是有限的数值（NaN 或 Infinity）"
    if abs(value) >= MAX_MAGNITUDE:
        return "数值过大（绝对值应小于 1e15）"
    return None


# why a file could not be read, in Chinese (the park file and the workbook readers say the same)
_READ_ERRNO_ZH = {
    errno.ENOENT: "找不到文件",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EACCES: "没有读取权限，或文件正被其他程序独占打开",
    errno.EPERM: "没有读取权限",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EIO: "读取磁盘时出错（可能是移动硬盘被拔出或磁盘损坏）",
}


def read_error_text(exc: OSError) -> str:
    """Why ``exc`` stopped a file from being read, in Chinese."""
    return _os_error_text(exc, _READ_ERRNO_ZH)


# why a file or folder could not be written, in Chinese (the export, the window and the review say the same)
_WRITE_ERRNO_ZH = {
    errno.ENOENT: "文件夹不存在",
    errno.EACCES: "没有写入权限，或同名文件正被其他程序打开",
    errno.EPERM: "没有写入权限",
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "已有同名的文件",
}


def write_error_text(exc: OSError) -> str:
    """Why ``exc`` stopped a file or folder from being written, in Chinese."""
    return _os_error_text(exc, _WRITE_ERRNO_ZH)


def _os_error_text(exc: OSError, words: dict[int, str]) -> str:
    return words.get(exc.errno or 0, f"系统错误（{exc.strerror or exc}）")  # an errno without words: the system's
