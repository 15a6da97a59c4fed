"""Run every benchmark in bench/ (`bench_*.py`, each exposing `run()`), print one table, write results.md.

Each `run()` returns rows of (figure, value, aim). Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import platform
import signal
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return f"{os.cpu_count()} cores, {pages / 2**30:.0f} GiB memory, {platform.machine()}, Python {platform.python_version()}"


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses look their module up while it loads
    sys.path.insert(0, str(HERE))
    spec.loader.exec_module(module)
    return module


def table(rows: list[tuple[str, str, str, str]]) -> str:
    header = ("bench", "figure", "value", "aim")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def main(names: list[str]) -> int:
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped: benches clean up as on Ctrl-C
    paths = sorted(HERE.glob("bench_*.py"))
    if names:
        paths = [p for p in paths if p.stem.removeprefix("bench_") in names]
    rows: list[tuple[str, str, str, str]] = []
    for path in paths:
        name = path.stem.removeprefix("bench_")
        print(f"== {name} ...", flush=True)
        start = time.perf_counter()
        try:
            for figure, value, aim in load(path).run():
                rows.append((name, figure, value, aim))
        except Exception as exc:  # a broken bench is reported, the others still run
            traceback.print_exc()
            rows.append((name, "bench failed", f"{type(exc).__name__}: {exc}"[:120], "-"))
        print(f"   done in {time.perf_counter() - start:.0f} s", flush=True)
    text = table(rows)
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    (HERE / "results.md").write_text(f"# EmpathyDesk benchmarks\n\n{stamp} on {machine()}\n\n{text}\n", encoding="utf-8")
    print(f"\n{stamp} on {machine()}\n{text}\n\n(written to bench/results.md)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
