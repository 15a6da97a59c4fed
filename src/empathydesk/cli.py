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


def _store(args: argparse.Namespace):  # -> Store, imported lazily
    from empathydesk.storage import Store

    return Store.open(args.db)


def _confirm(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        print("Not confirmed: add --yes to go ahead without a question.", file=sys.stderr)
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _write_out(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"Written to {output}.", file=sys.stderr)
    else:
        sys.stdout.write(text)


def cmd_cohort(args: argparse.Namespace) -> int:
    from empathydesk.storage import StorageError

    try:
        store = _store(args)
        if args.action == "create":
            cohort = store.create_cohort(args.name, args.modules)
            print(f"Cohort {cohort.name!r} created. Join code: {cohort.join_code}")
        elif args.action == "list":
            for cohort in store.cohorts():
                people = len(store.participants(cohort.name))
                print(f"{cohort.name}\t{cohort.join_code}\t{people} participant(s)\t{', '.join(cohort.modules)}")
        elif store.cohort(args.name) is None:
            print(f"There is no cohort called {args.name!r}.", file=sys.stderr)
            return 1
        else:
            people = len(store.participants(args.name))
            if not _confirm(f"Delete cohort {args.name!r} and all answers of its {people} participant(s)?", args.yes):
                return 1
            store.delete_cohort(args.name)
            print(f"Cohort {args.name!r} deleted.")
    except (ValueError, StorageError) as error:
        print(getattr(error, "message", None) or error, file=sys.stderr)
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from empathydesk.cohort_export import cohort_rows, render

    store = _store(args)
    if store.cohort(args.cohort) is None:
        print(f"There is no cohort called {args.cohort!r}.", file=sys.stderr)
        return 1
    _write_out(render(cohort_rows(store, args.cohort), args.format), args.output)
    return 0


def cmd_participant(args: argparse.Namespace) -> int:
    import json

    from empathydesk import progress_file
    from empathydesk.storage import StorageError

    store = _store(args)
    if args.action == "import":
        try:  # size and depth are checked before parsing; a refused file stores nothing
            person = store.import_participant(progress_file.read_path(args.file), args.cohort)
        except OSError as error:
            print(f"The file could not be read: {error.strerror or error}.", file=sys.stderr)
            return 1
        except (ValueError, StorageError) as error:
            print(getattr(error, "message", None) or error, file=sys.stderr)
            return 1
        print(f"Imported {person.pseudonym!r} into cohort {person.cohort!r}. Their link token: {person.token}")
        return 0
    person = store.participant_by_token(args.token) if args.token else store.local_participant()
    if person is None:
        print("No participant has that token (it may have been replaced by a newer link).", file=sys.stderr)
        return 1
    if args.action == "export":
        try:
            data = store.export_participant(person.id)
        except ValueError as error:  # a stored answer that no longer fits the course
            print(getattr(error, "message", None) or error, file=sys.stderr)
            return 1
        _write_out(json.dumps(data, indent=2, ensure_ascii=False) + "\n", args.output)
    elif _confirm(f"Delete {person.pseudonym!r} and everything they saved?", args.yes):
        store.delete_participant(person.id)
        print(f"Deleted {person.pseudonym!r} and all their answers.")
    else:
        return 1
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    from empathydesk.server import RoomSettings, Workshop, WorkshopError, parse_modules, run_workshop

    try:
        modules = parse_modules(args.modules)
    except WorkshopError as error:
        print(error, file=sys.stderr)
        return 2
    settings = RoomSettings(
        pool_size=args.pool_size,
        cull_idle_timeout=int(args.cull_idle_minutes * 60),
        max_kernels=args.max_pages,
        kernels_per_person=args.pages_per_person,
        page_opens_per_minute=args.opens_per_minute,
        join_pages_per_minute=args.joins_per_minute,
        forked_kernels=not args.plain_kernels,
    )
    workshop = Workshop(
        cohort=args.cohort,
        modules=modules,
        host=args.host,
        port=args.port,
        facilitator_host=args.facilitator_host,
        facilitator_port=args.facilitator_port,
        db_url=args.db,
        settings=settings,
    )
    return run_workshop(workshop)


def cmd_demo_data(args: argparse.Namespace) -> int:
    from empathydesk.content import load
    from empathydesk.demo import fill_cohort
    from empathydesk.storage import StorageError

    if not 1 <= args.participants <= 10_000:
        print("Choose between 1 and 10000 participants.", file=sys.stderr)
        return 2
    try:
        store = _store(args)
        existing = len(store.participants(args.cohort)) if store.cohort(args.cohort) else 0
        fill_cohort(store, load(), args.cohort, args.participants, seed=args.seed)
        cohort = store.cohort(args.cohort)
    except StorageError as error:
        print(f"Could not write the demo data: {error.message}", file=sys.stderr)
        return 1
    print(f"Added {args.participants} made-up participants to cohort {args.cohort!r} "
          f"(now {existing + args.participants}). Join code: {cohort.join_code if cohort else '?'}")
    return 0


def cmd_coach(args: argparse.Namespace) -> int:
    import json

    from empathydesk.coach import review

    if sys.stdin.isatty():
        print("Type or paste your reply, then press Ctrl-D (Ctrl-Z then Enter on Windows).", file=sys.stderr)
    exercise = None
    if getattr(args, "exercise", None):
        from empathydesk.content import load

        exercises = {ex.id: ex for module in load().modules for ex in module.exercises}
        if args.exercise not in exercises:
            print(f"No rewrite exercise called {args.exercise!r}. Known: {', '.join(sorted(exercises))}", file=sys.stderr)
            return 2
        exercise = exercises[args.exercise]
    data = sys.stdin.buffer.read(8_000_000)  # more than the coach reads; the rest is left unread
    result = review(data.decode("utf-8", errors="replace"), exercise)
    utf8 = (sys.stdout.encoding or "").lower().replace("-", "") == "utf8"
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=not utf8))
    else:
        print(result.to_text())
    return 0


def cmd_handout(args: argparse.Namespace) -> int:
    from empathydesk.content import ContentError
    from empathydesk.handout import write

    try:
        count = write(Path(args.out))
    except ContentError as error:
        print(f"The content has problems; run empathydesk validate to see them.\n{error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Could not write {args.out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"Role-play kit with {count} role-play(s) written to {args.out}.", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="empathydesk", description="EmpathyDesk workshop toolkit.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check the content files and their cross-references")
    p.add_argument("paths", nargs="*", help="files or folders (default: the shipped assessments/)")
    p.set_defaults(func=cmd_validate)

    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", metavar="URL", help="database URL (default: $EMPATHYDESK_DB_URL, else empathydesk.sqlite in the data folder)")

    p = sub.add_parser("cohort", help="create, list or delete workshop cohorts")
    cohort = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = cohort.add_parser("create", parents=[db], help="create a cohort and print its join code")
    c.add_argument("name")
    c.add_argument("--modules", nargs="+", metavar="MODULE", help="module ids (default: all)")
    cohort.add_parser("list", parents=[db], help="list cohorts with their join codes")
    c = cohort.add_parser("delete", parents=[db], help="delete a cohort and all its answers")
    c.add_argument("name")
    c.add_argument("--yes", action="store_true", help="don't ask to confirm")
    p.set_defaults(func=cmd_cohort)

    p = sub.add_parser("export", parents=[db], help="a cohort's results for the facilitator, privacy rules applied")
    p.add_argument("--cohort", required=True, metavar="NAME")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("participant", help="a participant's own data: export, import or delete it")
    part = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = part.add_parser("export", parents=[db], help="everything stored about one participant, as JSON")
    c.add_argument("--token", help="the participant's link token (default: the local participant)")
    c.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    c = part.add_parser("import", parents=[db], help="bring an exported JSON file into this database")
    c.add_argument("file")
    c.add_argument("--cohort", metavar="NAME", help="add as a new participant of this cohort (default: the local participant)")
    c = part.add_parser("delete", parents=[db], help="delete a participant and all their answers")
    c.add_argument("--token", help="the participant's link token (default: the local participant)")
    c.add_argument("--yes", action="store_true", help="don't ask to confirm")
    p.set_defaults(func=cmd_participant)

    p = sub.add_parser(
        "workshop",
        parents=[db],
        help="run a workshop: the participant app and the facilitator app (Ctrl-C stops both)",
    )
    p.add_argument("--cohort", default="workshop", metavar="NAME", help="cohort to create or reopen (default: workshop)")
    p.add_argument("--modules", metavar="LIST", help='modules for a new cohort, in order, e.g. "1,3,5" (default: all)')
    p.add_argument("--host", default="127.0.0.1", help="participant app address; 0.0.0.0 for a room (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8866, help="participant app port (default: 8866)")
    p.add_argument("--facilitator-host", default="127.0.0.1", metavar="H", help="facilitator app address (default: 127.0.0.1)")
    p.add_argument("--facilitator-port", type=int, metavar="M", help="facilitator app port (default: --port + 1)")
    p.add_argument("--pool-size", type=int, default=2, metavar="N", help="preheated kernels per participant page (default: 2)")
    p.add_argument(
        "--cull-idle-minutes", type=float, default=45, metavar="MIN",
        help="stop a page's kernel after this long without activity; the page asks to reload (default: 45)",
    )
    from empathydesk.server import RoomSettings

    room = RoomSettings()
    p.add_argument("--max-pages", type=int, default=room.max_kernels, metavar="N",
                   help="pages open at once in the whole room, beyond which people are asked to try again in a "
                        "minute (default: 0, sized from the memory free at start)")
    p.add_argument("--pages-per-person", type=int, default=room.kernels_per_person, metavar="N",
                   help=f"pages one person may have open at once (default: {room.kernels_per_person})")
    p.add_argument("--opens-per-minute", type=int, default=room.page_opens_per_minute, metavar="N",
                   help=f"pages one address may open per minute; raise it behind a proxy (default: {room.page_opens_per_minute})")
    p.add_argument("--joins-per-minute", type=int, default=room.join_pages_per_minute, metavar="N",
                   help=f"join pages one address may open per minute; raise it behind a proxy (default: {room.join_pages_per_minute})")
    p.add_argument("--plain-kernels", action="store_true",
                   help="start every page's kernel as a new Python process, not forked from a warm template "
                        "(slower and larger; for comparing, or if forked kernels misbehave)")
    p.set_defaults(func=cmd_workshop)

    p = sub.add_parser("demo-data", parents=[db], help="fill a cohort with made-up answers to preview the dashboard")
    p.add_argument("--cohort", default="demo", metavar="NAME", help="cohort to fill, created if new (default: demo)")
    p.add_argument("--participants", type=int, default=30, metavar="N", help="how many made-up people (default: 30)")
    p.add_argument("--seed", type=int, default=7, help="random seed, for repeatable data (default: 7)")
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("coach", help="feedback on a support reply read from standard input")
    p.add_argument("--json", action="store_true", help='print JSON: {"verdict", "score", "decided_by", "findings"}')
    p.add_argument("--exercise", metavar="ID", help="also run this rewrite exercise's own checks (e.g. module-2-rewrite-1)")
    p.set_defaults(func=cmd_coach)

    p = sub.add_parser("handout", help="the role-play kit: printable A4 cards for groups of three, as a PDF")
    p.add_argument("--out", required=True, metavar="FILE", help="the PDF file to write, e.g. role-play-kit.pdf")
    p.set_defaults(func=cmd_handout)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
