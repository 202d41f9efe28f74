"""Receiving packages for review: zips, e-mails carrying them, and folders of either — all untrusted.

Nothing is extracted to disk.  A package is read into memory member by member under hard limits (member
count, member size, total size, compression ratio, plain member names), so a zip bomb or a path-traversal
entry is refused for that package with the reason, and the run goes on with the next one.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path

from forms.park.text_rules import read_error_text

MAX_INPUT_BYTES = 200 * 1024 * 1024  # one .zip or .eml file as received
MAX_MEMBERS = 64
MAX_MEMBER_BYTES = 60 * 1024 * 1024  # uncompressed, one member
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # uncompressed, the whole package
MAX_RATIO = 200  # uncompressed / compressed for a member larger than 1 MiB
SUFFIXES = (".zip", ".eml")


class PackageRefused(Exception):
    """The package cannot be read safely; the message says why, in Chinese."""


@dataclass(frozen=True)
class Received:
    """One package as received: where it came from, its bytes, or why it could not even be read."""

    label: str  # shown to the reviewer: the file, and for an e-mail the attachment's name
    path: Path
    data: bytes | None = None
    error: str | None = None
    received_from: str = ""  # the e-mail's From: when it came by e-mail


@dataclass
class Members:
    """The members of a package, read safely."""

    files: dict[str, bytes] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


def _read_limited(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise PackageRefused(f"文件过大（{size / 1048576:.0f} MB，上限 {MAX_INPUT_BYTES // 1048576} MB）")
    return path.read_bytes()


def _from_eml(path: Path, data: bytes) -> Iterator[Received]:
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except Exception:  # the e-mail parser raises many types on hostile input
        yield Received(str(path), path, error="无法解析邮件（已损坏或格式不正确）")
        return
    sender = str(msg.get("From", "") or "")
    found = False
    for part in msg.iter_attachments() if hasattr(msg, "iter_attachments") else ():
        name = part.get_filename() or ""
        if not name.lower().endswith(".zip"):
            continue
        found = True
        try:
            payload = part.get_payload(decode=True)
        except Exception:
            payload = None
        if not isinstance(payload, bytes) or not payload:
            yield Received(f"{path} → {name}", path, error="邮件附件无法解码")
            continue
        yield Received(f"{path} → {name}", path, data=payload, received_from=sender)
    if not found:
        yield Received(str(path), path, error="邮件中没有 .zip 附件")


def _from_file(path: Path) -> Iterator[Received]:
    try:
        data = _read_limited(path)
    except PackageRefused as exc:
        yield Received(str(path), path, error=str(exc))
        return
    except OSError as exc:
        yield Received(str(path), path, error=f"无法读取文件：{read_error_text(exc)}")
        return
    if path.suffix.lower() == ".eml":
        yield from _from_eml(path, data)
    else:
        yield Received(str(path), path, data=data)


def _walk(folder: Path) -> Iterator[Path]:
    """Package files below ``folder``, sorted, never following symbolic links."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            p = Path(root) / name
            if p.suffix.lower() in SUFFIXES and not p.is_symlink():
                yield p


def receive(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Received]:
    """Every package found in ``inputs`` (files or folders), one at a time, so memory stays bounded."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for p in _walk(path):
                yield from _from_file(p)
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                yield Received(str(path), path, error="不是材料包（.zip）或邮件（.eml）")
            else:
                yield from _from_file(path)
        else:
            yield Received(str(path), path, error="文件或文件夹不存在")


def _plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and ".." not in name and ":" not in name \
        and not name.startswith(".") and all(ord(c) >= 32 for c in name)  # fmt: skip


def read_members(data: bytes) -> Members:
    """The package's members, or PackageRefused with the reason (never a partial extraction on disk)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):  # the reason is said in Chinese, not zipfile's English
        raise PackageRefused("不是有效的 zip 文件（已损坏，或不是 zip 格式）") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise PackageRefused(f"包内文件过多（{len(infos)} 个，上限 {MAX_MEMBERS}）")
        out = Members()
        total = 0
        for info in infos:
            name = info.filename
            if info.is_dir():
                raise PackageRefused(f"包内含有文件夹“{name}”（本程序的材料包只有一层文件）")
            if not _plain_name(name):
                raise PackageRefused(f"包内文件名“{name[:80]}”不安全（含路径、“..”或控制字符），拒绝读取")
            if name in out.files:
                raise PackageRefused(f"包内有两个同名文件“{name}”")
            if info.file_size > MAX_MEMBER_BYTES:
                raise PackageRefused(f"包内文件“{name}”过大（{info.file_size} 字节）")
            if info.file_size > 1048576 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise PackageRefused(f"包内文件“{name}”的压缩比异常（疑似压缩炸弹）")
            if total + info.file_size > MAX_TOTAL_BYTES:
                raise PackageRefused("包内文件解压后总大小超过上限（疑似压缩炸弹）")
            try:
                with zf.open(info) as fh:
                    body = fh.read(MAX_MEMBER_BYTES + 1)  # the declared size may lie: read at most the limit
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError):
                raise PackageRefused(f"包内文件“{name}”无法解压（已损坏、已加密或使用了不支持的压缩方式）") from None
            if len(body) > MAX_MEMBER_BYTES or len(body) != info.file_size:
                raise PackageRefused(f"包内文件“{name}”的实际大小与声明不符（疑似压缩炸弹或损坏）")
            total += len(body)
            out.files[name] = body
            out.order.append(name)
        return out
