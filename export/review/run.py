"""``python main.py review IN... --out DIR [--find 校验码]``: review packages, write the summary, look up a
fingerprint.  Exit code 0 when every package passed, 1 when any has hard findings, 2 on a usage error."""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from export.review.intake import Received, receive
from export.review.summary import RESULTS_FILE, attach_row, lookup, write_outputs
from export.review.verify import LEVEL_ZH, PackageReview, mark_superseded, review_received
from forms.park.text_rules import write_error_text

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
Progress = Callable[[int, PackageReview], None]


def review_one(received: Received) -> PackageReview:
    """Check one package and keep only what the summary and the desk show (no park data, no file bytes)."""
    review = review_received(received)
    attach_row(review)
    review.release()
    return review


def _reviewed(inputs: Sequence[str | Path], workers: int) -> Iterator[PackageReview]:
    """Reviews in input order.  With several workers, packages are checked in parallel processes, with at most
    two per worker in flight, so memory stays bounded however many packages there are."""
    if workers <= 1:
        for received in receive(inputs):
            yield review_one(received)
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    pending: deque[Future[PackageReview]] = deque()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for received in receive(inputs):
            pending.append(pool.submit(review_one, received))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def review_all(inputs: Sequence[str | Path], progress: Progress | None = None, *, workers: int = 1
               ) -> list[PackageReview]:  # fmt: skip
    """Review every package found in ``inputs``."""
    reviews: list[PackageReview] = []
    for n, review in enumerate(_reviewed(inputs, workers), start=1):
        reviews.append(review)
        if progress is not None:
            progress(n, review)
    mark_superseded(reviews)
    return reviews


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _outside(path: Path, out_dir: Path) -> bool:
    try:
        path.resolve().relative_to(out_dir.resolve())
    except ValueError:
        return True
    return False


def print_lookup(entries: list[dict[str, object]], typed: str, out: TextIO) -> bool:
    hits = lookup(entries, typed)
    if not hits:
        print(f"校验码“{typed}”不属于已审核的任何材料包。", file=out)
        return False
    for e in hits:
        print(
            f"校验码“{typed}”属于：{e.get('park')}　材料包：{e.get('label')}　导出时间：{e.get('created_at')}", file=out
        )
    return True


def run_review(inputs: Sequence[str], out_dir: str, find: str | None = None, *, out: TextIO | None = None,
               err: TextIO | None = None, today: _dt.date | None = None, workers: int | None = None) -> int:  # fmt: skip
    out = out or sys.stdout
    err = err or sys.stderr
    target = Path(out_dir)
    if not inputs:
        results = target / RESULTS_FILE
        if find is None:
            print("用法错误：请给出要审核的材料包（.zip）、邮件（.eml）或文件夹", file=err)
            return EXIT_USAGE
        try:
            doc = json.loads(results.read_text(encoding="utf-8"))
            entries = list(doc.get("packages", []))
        except (OSError, ValueError, AttributeError):
            print(f"错误：{results} 不存在或无法读取：请先审核材料包", file=err)
            return EXIT_USAGE
        return EXIT_OK if print_lookup(entries, find, out) else EXIT_FINDINGS

    def progress(n: int, review: PackageReview) -> None:
        state = "拒收：" + review.refused if review.refused else ("有错误" if review.hard else "通过")
        print(f"[{n}] {review.label}：{state}", file=out)

    reviews = review_all(inputs, progress, workers=default_workers() if workers is None else workers)
    try:
        written = write_outputs(reviews, target, today or _dt.date.today())
    except OSError as exc:
        print(f"错误：无法写入“{exc.filename or target}”：{write_error_text(exc)}", file=err)
        return EXIT_USAGE
    for r in reviews:
        package = f"{r.park_name}（{r.label}）" if r.park_name else r.label  # one park may send several packages
        for f in r.findings:
            if f.level == "error":
                print(f"  {package}：[{LEVEL_ZH[f.level]}] {f.message}", file=out)
    for path in written:
        print(f"已写出：{path}", file=out)
    hard = [r for r in reviews if r.hard and not r.superseded_by]
    print(f"共审核 {len(reviews)} 个材料包，其中 {len(hard)} 个有错误或被拒收。", file=out)
    if find is not None:
        entries = json.loads((target / RESULTS_FILE).read_text(encoding="utf-8"))["packages"]
        print_lookup(entries, find, out)
    return EXIT_FINDINGS if hard else EXIT_OK
