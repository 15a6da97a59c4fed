"""The `empathydesk` command: one entry point, thin over the package.

Each subcommand is a small function that takes the parsed arguments and returns an exit status.
Heavy modules are imported inside the function that needs them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_validate(args: argparse.Namespace) -> int:
    from empathydesk.content import check
    from empathydesk.paths import content_root

    paths = [Path(p) for p in args.paths] or [content_root()]
    content, problems = check(paths)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    summary = content.summary if content else "content files"
    print(f"All good: {summary}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="empathydesk", description="EmpathyDesk workshop toolkit.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check the content files and their cross-references")
    p.add_argument("paths", nargs="*", help="files or folders (default: the shipped assessments/)")
    p.set_defaults(func=cmd_validate)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
