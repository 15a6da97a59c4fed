"""Kernel start: the standard ipykernel against the workshop's kernel, started as a new process and forked from
the warm template (`empathydesk.forked_kernels`).

Each kernel is started, then imports what every preheated page imports before its visitor arrives
(`voila.utils`, to wait for the request, and ipywidgets); we read the kernel's CPU time and memory (RSS, and
PSS: shared pages divided among the processes that share them). A forked kernel's CPU is its own since the
fork plus what the template spent forking it; the template's own start, paid once per app, is shown apart.
The ratio to the standard ipykernel's start is the figure that carries over to another machine.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import psutil
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpec

CODE = "import voila.utils, ipywidgets"
STANDARD = "standard ipykernel (python -m ipykernel_launcher)"
ORDINARY = "workshop kernel, a new process (python -m empathydesk.kernel)"
FORKED = "workshop kernel, forked from the template"
KERNELS = {
    STANDARD: ([sys.executable, "-m", "ipykernel_launcher"], False),
    ORDINARY: ([sys.executable, "-m", "empathydesk.kernel"], False),
    FORKED: ([sys.executable, "-m", "empathydesk.kernel"], True),
}
REPEATS = 3


def memory(pid: int) -> dict[str, float]:
    """MiB: rss, pss, uss of one process (from /proc/<pid>/smaps_rollup)."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"rss": fields["Rss"] / 1024, "pss": fields["Pss"] / 1024, "uss": uss / 1024}


def template_cpu() -> float:
    """CPU seconds the running template has used itself (0 if none runs)."""
    from empathydesk.forked_kernels import Template

    if Template._current is None or not Template._current.alive:
        return 0.0
    cpu = psutil.Process(Template._current.process.pid).cpu_times()
    return cpu.user + cpu.system


def start_and_weigh(argv: list[str], forked: bool = False) -> tuple[float, float, float]:
    """CPU seconds, RSS and PSS (MiB) of a fresh kernel after running CODE."""
    from empathydesk.forked_kernels import ENTRY_POINT

    km = KernelManager(transport="ipc")  # a local socket file: no "running over TCP" warning
    metadata = {"kernel_provisioner": {"provisioner_name": ENTRY_POINT, "config": {}}} if forked else {}
    km._kernel_spec = KernelSpec(argv=[*argv, "-f", "{connection_file}"], display_name="bench", language="python",
                                 metadata=metadata)
    before = template_cpu()
    km.start_kernel()
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        reply = kc.execute_interactive(CODE, timeout=120)
        assert reply["content"]["status"] == "ok", reply["content"]
        proc = psutil.Process(km.provisioner.pid)
        cpu = proc.cpu_times()
        used = memory(proc.pid)
        return cpu.user + cpu.system + (template_cpu() - before if forked else 0.0), used["rss"], used["pss"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def start_cpu(label: str, repeats: int = REPEATS) -> tuple[float, float, float]:
    """Median CPU seconds, RSS and PSS (MiB) of `repeats` starts of the kernel `label` (one of KERNELS)."""
    argv, forked = KERNELS[label]
    if forked and template_cpu() == 0.0:
        start_and_weigh(argv, forked)  # the template's own start, once per app, not a kernel's
    runs = [start_and_weigh(argv, forked) for _ in range(repeats)]
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))  # type: ignore[return-value]


def run() -> list[tuple[str, str, str]]:
    rows = []
    cpu_of = {}
    for label in KERNELS:
        cpu_of[label], rss, pss = start_cpu(label)
        rows.append((f"kernel start + {CODE}: {label}",
                     f"CPU {cpu_of[label]:.2f} s, RSS {rss:.0f} MiB, PSS {pss:.0f} MiB (median of {REPEATS})", "-"))
    rows.append(("kernel template: its own CPU, once per app (imports, content)", f"{template_cpu():.2f} s", "-"))
    for label, aim in ((ORDINARY, "-"), (FORKED, "<= 0.03")):
        rows.append((f"kernel start: CPU of the {label} / standard", f"{cpu_of[label] / cpu_of[STANDARD]:.3f}", aim))
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
