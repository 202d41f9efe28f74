"""Kill an export at random points and check what the output folder then holds.

A round: a child process loads a built :class:`export.package.Package` (pickled by the parent: building
takes seconds, writing milliseconds) and writes it with :func:`export.package.write_package` into a folder
that already holds an earlier complete set; it SIGKILLs itself at the k-th file-system operation
(``os.mkdir/open/fsync/replace/rename/unlink/rmdir``, which covers every write, rename and removal of the
export).  :func:`check_output` then asserts that every visible set in the folder is complete and consistent
(one fingerprint in the pointer, the manifest in the zip, the e-mail header, and every file's SHA-256 as the
manifest and pointer list it) and returns the fingerprint of the current set.

Used by tests/export/test_export_faults.py (30 rounds) and tests/export/stress_export_faults.py (more).
"""

from __future__ import annotations

import email
import hashlib
import json
import os
import pickle
import random
import re
import signal
import subprocess
import sys
import zipfile
from email import policy
from pathlib import Path

from export.package import MANIFEST, POINTER_SUFFIX, SET_INFIX, Package

REPO = Path(__file__).resolve().parents[2]

CHILD = r"""
import os, pickle, signal, sys
from pathlib import Path
from export.package import write_package

package = pickle.loads(Path(sys.argv[1]).read_bytes())
out, kill_at = Path(sys.argv[2]), int(sys.argv[3])
count = 0

def counting(fn):
    def wrapped(*args, **kwargs):
        global count
        count += 1
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return fn(*args, **kwargs)
    return wrapped

for name in ("mkdir", "open", "fsync", "replace", "rename", "unlink", "rmdir"):
    setattr(os, name, counting(getattr(os, name)))
write_package(package, out)
sys.stdout.write(f"OPS {count}\n")
"""


def save_package(package: Package, path: Path) -> Path:
    path.write_bytes(pickle.dumps(package))
    return path


def run_child(package_file: Path, out: Path, kill_at: int) -> tuple[int, int | None]:
    """Write the package into ``out``, killed at operation ``kill_at`` (0 = never); (returncode, ops)."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(package_file), str(out), str(kill_at)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    match = re.search(r"OPS (\d+)", proc.stdout)
    if proc.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(f"child failed ({proc.returncode}): {proc.stderr}")
    return proc.returncode, int(match.group(1)) if match else None


def _set_fingerprint(folder: Path, listed: list[dict[str, str]] | None = None) -> str:
    """The one fingerprint of a complete set; AssertionError when it is incomplete or mixed."""
    (zip_path,) = folder.glob("*.zip")
    (eml_path,) = folder.glob("*.eml")
    with zipfile.ZipFile(zip_path) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        inside = {n: hashlib.sha256(zf.read(n)).hexdigest() for n in zf.namelist() if n != MANIFEST}
    fp = manifest["fingerprint"]
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == inside
    for name, sha in inside.items():  # the loose copies (to print) are the zip's members
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha, f"{folder.name}/{name} is mixed"
    msg = email.message_from_bytes(eml_path.read_bytes(), policy=policy.default)
    assert msg["X-Parkcarbon-Fingerprint"] == fp
    attachment = next(iter(msg.iter_attachments()))
    assert attachment.get_payload(decode=True) == zip_path.read_bytes(), "e-mail draft carries another zip"
    if listed is not None:
        names = {p.name for p in folder.iterdir()}
        assert names == {f["name"] for f in listed}, f"{folder.name} incomplete"
        for f in listed:
            assert hashlib.sha256((folder / f["name"]).read_bytes()).hexdigest() == f["sha256"]
    (review,) = [p for p in folder.glob("*.pdf") if "内部审核单" in p.name]
    assert review.stat().st_size > 0
    return str(fp)


def check_output(out: Path, name: str) -> str | None:
    """Fingerprint of the current set of park ``name`` in ``out`` (None when none was ever completed);
    every visible set there is checked complete and consistent."""
    sets = sorted(p for p in out.iterdir() if p.is_dir() and p.name.startswith(f"{name}{SET_INFIX}"))
    loose = [p.name for p in out.iterdir() if p.is_file() and not p.name.endswith(POINTER_SUFFIX)]
    assert not [n for n in loose if not n.startswith(".")], f"loose files beside the sets: {loose}"
    fingerprints = {s.name: _set_fingerprint(s) for s in sets}
    pointer = out / f"{name}{POINTER_SUFFIX}"
    if not pointer.exists():
        assert len(sets) <= 1  # a first export killed after its switch but before the pointer was written
        return next(iter(fingerprints.values()), None)
    doc = json.loads(pointer.read_text(encoding="utf-8"))
    current = out / doc["folder"]
    assert current.is_dir(), "the pointer names a missing set"
    assert _set_fingerprint(current, doc["files"]) == doc["fingerprint"]
    return str(doc["fingerprint"])


def fault_rounds(packages: list[Package], work: Path, rounds: int, seed: int, *,
                 log: bool = False) -> dict[str, int]:  # fmt: skip
    """``rounds`` killed exports alternating between ``packages``; returns counts for the report."""
    rng = random.Random(seed)
    files = [save_package(p, work / f"package-{i}.pickle") for i, p in enumerate(packages)]
    name = packages[0].name
    out = work / "out"
    out.mkdir()
    code, _ = run_child(files[-1], out, 0)
    code, total = run_child(files[0], out, 0)  # the old set, and the operations of an export replacing one
    assert code == 0 and total, "an export without a kill must finish"
    current = check_output(out, name)
    assert current == packages[0].fingerprint
    stats = {"rounds": 0, "killed": 0, "old_kept": 0, "new_set": 0, "cleaned": 0}
    for r in range(rounds):
        i = (r + 1) % len(packages)
        kill_at = rng.randint(1, total + 2)  # beyond the end now and then: the export completes
        code, _ = run_child(files[i], out, kill_at)
        stats["rounds"] += 1
        stats["killed"] += code != 0
        after = check_output(out, name)
        assert after in (current, packages[i].fingerprint), "neither the old set nor the new one"
        stats["new_set" if after == packages[i].fingerprint != current else "old_kept"] += 1
        if log:
            print(f"round {r + 1}: kill at {kill_at}/{total}: {'killed' if code else 'finished'}, current {after}")
        if rng.random() < 0.3:  # the next run removes what the killed one left
            code, _ = run_child(files[i], out, 0)
            assert code == 0
            after = check_output(out, name)
            assert after == packages[i].fingerprint
            pointer = out / f"{name}{POINTER_SUFFIX}"
            visible = sorted(p.name for p in out.iterdir())
            assert visible == sorted([json.loads(pointer.read_text(encoding="utf-8"))["folder"], pointer.name])
            stats["cleaned"] += 1
        current = after
    return stats
