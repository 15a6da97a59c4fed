"""Kernel start: the standard ipykernel against the workshop's kernel (`empathydesk.kernel`).

Each kernel is started, then imports what every preheated page imports before its visitor arrives
(`voila.utils`, to wait for the request, and ipywidgets); we read the kernel's CPU time and memory.
The only difference between the two is the slow optional import the workshop's kernel skips.
"""

from __future__ import annotations

import statistics
import sys

import psutil
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpec

CODE = "import voila.utils, ipywidgets"
KERNELS = {
    "standard ipykernel (python -m ipykernel_launcher)": [sys.executable, "-m", "ipykernel_launcher"],
    "workshop kernel (python -m empathydesk.kernel)": [sys.executable, "-m", "empathydesk.kernel"],
}
REPEATS = 3


def start_and_weigh(argv: list[str]) -> tuple[float, float]:
    """CPU seconds and RSS (MiB) of a fresh kernel after running CODE."""
    km = KernelManager(transport="ipc")  # a local socket file: no "running over TCP" warning
    km._kernel_spec = KernelSpec(argv=[*argv, "-f", "{connection_file}"], display_name="bench", language="python")
    km.start_kernel()
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        reply = kc.execute_interactive(CODE, timeout=120)
        assert reply["content"]["status"] == "ok", reply["content"]
        proc = psutil.Process(km.provisioner.process.pid)
        cpu = proc.cpu_times()
        return cpu.user + cpu.system, proc.memory_info().rss / 2**20
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run() -> list[tuple[str, str, str]]:
    rows = []
    cpu_of = {}
    for label, argv in KERNELS.items():
        runs = [start_and_weigh(argv) for _ in range(REPEATS)]
        cpu_of[label] = statistics.median(c for c, _ in runs)
        rss = statistics.median(r for _, r in runs)
        rows.append((f"kernel start + {CODE}: {label}", f"CPU {cpu_of[label]:.2f} s, RSS {rss:.0f} MiB (median of {REPEATS})", "-"))
    standard, ours = cpu_of.values()
    rows.append(("kernel start: CPU of the workshop kernel / standard", f"{ours / standard:.2f}", "as low as it goes"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
