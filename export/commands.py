"""Command-line commands that touch the database or write files: import, dump, export.

Each command's work lives with its owner (storage/ for JSON import and dump, export/ for workbooks, PDFs
and the package); this module only routes.  User errors print Chinese to stderr and return 2.
"""

from __future__ import annotations

import argparse


def run_command(command: str, args: argparse.Namespace, db: str | None) -> int:
    if command == "dump":
        from storage.commands import run_dump

        return run_dump(args.park, db)
    if command == "import":
        if str(args.file).lower().endswith((".xlsx", ".xlsm")):
            from export.xlsx.reader import run_import_workbook

            return run_import_workbook(args.file, db)
        from storage.commands import run_import_json

        return run_import_json(args.file, db)
    if command == "export" and getattr(args, "annual", None) is not None:
        from export.package import run_export_annual

        return run_export_annual(args.park, args.annual, args.out, db)
    if command == "export":
        from export.package import run_export

        return run_export(args.park, args.out, db, template=args.template)
    raise ValueError(command)
