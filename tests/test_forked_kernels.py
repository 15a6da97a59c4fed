"""Page kernels forked from a warm template (empathydesk.forked_kernels), started through jupyter_client with the
workshop's kernelspec as the apps start them: each visitor's kernel isolated (fresh random state, no shared
database connection or socket, no inherited request or token), followed, interrupted and stopped by the app
though the template is its parent, a dead template replaced, and ordinary kernels where forking is off."""

from __future__ import annotations

import logging
import os
import re
import secrets
import signal
import time
from pathlib import Path

import psutil
import pytest
from jupyter_client.manager import KernelManager
from traitlets.config import Config

from empathydesk import forked_kernels
from empathydesk.forked_kernels import ForkedProcess, ForkedProvisioner, Template
from empathydesk.server import share_jupyter_path

pytestmark = pytest.mark.skipif(forked_kernels.fork_can_run() is not None, reason="forked kernels need Linux")


@pytest.fixture
def fresh_template(monkeypatch):
    """The workshop's kernelspec, and a template of this test's own (stopped after)."""
    monkeypatch.setenv("JUPYTER_PATH", share_jupyter_path())
    monkeypatch.setattr(Template, "_gave_up", None)
    if Template._current is not None:
        Template._current.stop()
        Template._current = None
    yield
    if Template._current is not None:
        Template._current.stop()
        Template._current = None


class Kernel:
    """A kernel started as an app starts one (ipc transport, an environment and folder of its own)."""

    def __init__(self, cwd: Path, env: dict[str, str] | None = None, config: Config | None = None,
                 log: logging.Logger | None = None) -> None:
        # the sockets' files by absolute path, as the apps have them (in Jupyter's runtime folder)
        self.km = KernelManager(kernel_name="python3", transport="ipc", ip=str(cwd / f"ipc-{secrets.token_hex(4)}"),
                                config=config or Config(), **({"log": log} if log else {}))
        self.km.start_kernel(cwd=str(cwd), env=env if env is not None else dict(os.environ))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    @property
    def pid(self) -> int:
        return self.km.provisioner.pid

    def run(self, code: str) -> str:
        out: list[str] = []
        reply = self.kc.execute_interactive(code, timeout=120, output_hook=lambda m: out.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(out).strip()

    def stop(self) -> None:
        self.kc.stop_channels()
        if self.km.has_kernel:
            self.km.shutdown_kernel(now=True)


@pytest.fixture
def kernels(fresh_template, tmp_path):
    started: list[Kernel] = []

    def start(**kwargs) -> Kernel:
        kernel = Kernel(tmp_path, **kwargs)
        started.append(kernel)
        return kernel

    yield start
    for kernel in started:
        kernel.stop()


def fds(pid: int) -> set[str]:
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            found.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            pass
    return found


def in_memory(pid: int, needle: bytes) -> bool:
    """True if `needle` is anywhere in the process's readable memory."""
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if "r" not in perms or line.rstrip().endswith(("[vvar]", "[vsyscall]")):
                continue
            start, end = (int(x, 16) for x in span.split("-"))
            try:
                mem.seek(start)
                if needle in mem.read(end - start):
                    return True
            except (OSError, OverflowError, ValueError):
                continue
    return False


def test_a_page_kernel_is_forked_from_the_template_which_holds_no_thread_or_loop(kernels):
    kernel = kernels()
    assert isinstance(kernel.km.provisioner, ForkedProvisioner)
    assert isinstance(kernel.km.provisioner.process, ForkedProcess)
    template = psutil.Process(kernel.pid).parent()
    assert template.pid == Template._current.process.pid != os.getpid()
    assert "empathydesk.forked_kernels" in template.cmdline()
    assert template.num_threads() == 1  # no zmq context, event loop or other thread in the template
    assert [f for f in fds(template.pid) if f.endswith((".sqlite", ".json"))] == []
    # the kernel leads a session of its own and runs the workshop kernel's module, in the folder it was given
    assert os.getsid(kernel.pid) == kernel.pid
    shown = kernel.run("import os, sys; print(sys.argv[0].endswith('empathydesk/kernel.py'), os.getcwd(), "
                       "'ipywidgets' in sys.modules, sys.modules.get('debugpy', 'missing'))")
    assert shown.split() == ["True", str(kernel.km.provisioner.cwd), "True", "None"]


def test_a_forked_kernel_behaves_as_a_new_process_for_widgets_and_warnings(kernels):
    """ipywidgets, imported by the template before any IPython shell existed, still answers the widget comms
    (a page's widgets load: the facilitator's dashboard did not before), and a library's DeprecationWarning
    is not written to the page, as in an ordinary kernel."""
    code = ("import ipywidgets; from comm import get_comm_manager; ipywidgets.Layout(gap='1px'); "
            "print(sorted(t for t in get_comm_manager().targets if t.startswith('jupyter.widget')))")
    kernel = kernels()
    streams: list[tuple[str, str]] = []
    reply = kernel.kc.execute_interactive(code, timeout=120, output_hook=lambda m: streams.append(
        (m["content"]["name"], m["content"]["text"])) if m["msg_type"] == "stream" else None)
    assert reply["content"]["status"] == "ok"
    assert streams == [("stdout", "['jupyter.widget', 'jupyter.widget.control']\n")]


def test_every_kernel_has_fresh_random_state(kernels):
    code = ("import random, secrets, uuid, numpy.random as npr; "
            "print(random.random(), npr.random(), secrets.token_hex(8), uuid.uuid4())")
    first, second = kernels().run(code).split(), kernels().run(code).split()
    assert len(first) == len(second) == 4
    assert all(a != b for a, b in zip(first, second))


def test_reseed_gives_a_forked_child_other_numbers_than_its_parent():
    """numpy's global generator is not reseeded by fork: a template that loaded numpy would hand every kernel
    the same numbers without `reseed`."""
    import numpy.random as npr

    npr.seed(1234)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        forked_kernels.reseed()
        os.write(write, repr(npr.random()).encode())
        os._exit(0)
    os.close(write)
    child = float(os.read(read, 100))
    os.waitpid(pid, 0)
    assert child != npr.random()


def test_no_database_connection_or_socket_is_shared(kernels, tmp_path):
    db = tmp_path / "room.sqlite"
    a = kernels()
    a.run(f"from empathydesk.storage import Store; print(Store.open('sqlite:///{db}').cohort('none'))")
    b = kernels()
    template = Template._current.process.pid
    a_fds, b_fds, t_fds = fds(a.pid), fds(b.pid), fds(template)
    sockets = lambda found: {f for f in found if f.startswith("socket:")}  # noqa: E731
    assert sockets(a_fds) and sockets(b_fds)  # each has its own zmq sockets ...
    assert not sockets(a_fds) & sockets(b_fds)  # ... and none in common,
    assert not sockets(a_fds) & sockets(t_fds) and not sockets(b_fds) & sockets(t_fds)  # nor with the template
    assert str(db) in a_fds  # kernel A opened the database; neither the template nor kernel B holds it
    assert str(db) not in b_fds and str(db) not in t_fds
    # and kernel B was given no database engine by the template
    assert "True" == b.run("import gc, sqlalchemy; "
                           "print(not [o for o in gc.get_objects() if isinstance(o, sqlalchemy.engine.Engine)])")


def test_no_request_or_token_reaches_another_kernel_or_the_template(kernels, monkeypatch):
    canary = f"app-only-{secrets.token_hex(8)}"
    monkeypatch.setenv("EMPATHYDESK_TEST_CANARY", canary)  # in the app (and so the template) only
    token = secrets.token_urlsafe(24)
    env_a = {k: v for k, v in os.environ.items() if k != "EMPATHYDESK_TEST_CANARY"}
    env_a |= {"QUERY_STRING": f"seat={token}", "VOILA_REQUEST_URL": f"http://x/voila/render/a.ipynb?seat={token}",
              "EMPATHYDESK_KERNEL_SECRET": token}
    a = kernels(env=env_a)
    assert a.run("import os; print(os.environ['QUERY_STRING'], 'EMPATHYDESK_TEST_CANARY' in os.environ)").split() == \
        [f"seat={token}", "False"]
    env_b = {k: v for k, v in os.environ.items() if k != "EMPATHYDESK_TEST_CANARY"}
    b = kernels(env=env_b)
    shown = b.run("import os; print([k for k in ('QUERY_STRING', 'VOILA_REQUEST_URL', 'EMPATHYDESK_KERNEL_SECRET',"
                  " 'EMPATHYDESK_TEST_CANARY') if k in os.environ])")
    assert shown == "[]"
    # the template never read kernel A's request: A's token is nowhere in its memory nor in kernel B's
    assert in_memory(a.pid, token.encode())  # (the search does find it where it is)
    assert not in_memory(Template._current.process.pid, token.encode())
    assert not in_memory(b.pid, token.encode())


def test_the_app_interrupts_and_stops_a_kernel_that_is_not_its_child(kernels):
    kernel = kernels()
    assert psutil.Process(kernel.pid).ppid() != os.getpid()
    kernel.kc.execute("import time; time.sleep(60)")
    time.sleep(1)
    kernel.km.interrupt_kernel()  # SIGINT to the kernel's own process group
    reply = kernel.kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
    assert kernel.km.is_alive()
    pid = kernel.pid
    process = kernel.km.provisioner.process
    kernel.km.shutdown_kernel(now=True)  # killed by pidfd
    assert not kernel.km.is_alive() and process.returncode == -signal.SIGKILL
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_a_kernel_that_ends_by_itself_is_seen_to_end_with_its_exit_code(kernels):
    kernel = kernels()
    process = kernel.km.provisioner.process
    kernel.kc.execute("import os; os._exit(3)")
    assert process.wait(timeout=60) == 3
    assert not kernel.km.is_alive()


def test_a_kernel_is_followed_when_the_app_holds_more_than_1024_descriptors(kernels):
    """A room's app holds over 1,024 descriptors (each kernel's sockets): `select` can't watch those."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if max(soft, hard if hard != resource.RLIM_INFINITY else 4096) < 2048:
        pytest.skip("this system allows fewer than 2,048 open files")
    if soft < 2048:
        resource.setrlimit(resource.RLIMIT_NOFILE, (2048, hard))
    kernel = kernels()
    process = kernel.km.provisioner.process
    high = 2000
    os.dup2(process.pidfd, high)
    os.close(process.pidfd)
    process.pidfd = high  # as if the app had opened 2,000 descriptors before this kernel
    try:
        assert process.poll() is None and kernel.km.is_alive()
        kernel.km.interrupt_kernel()
        kernel.km.shutdown_kernel(now=True)
        assert process.returncode == -signal.SIGKILL and not kernel.km.is_alive()
    finally:
        if soft < 2048:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

def test_a_dead_template_is_replaced_and_its_kernels_stop(kernels):
    first = kernels()
    template = Template._current.process
    os.kill(template.pid, signal.SIGKILL)
    template.wait(timeout=30)
    deadline = time.monotonic() + 30
    while first.km.is_alive() and time.monotonic() < deadline:  # ipykernel's parent poller: within a few seconds
        time.sleep(0.2)
    assert not first.km.is_alive()
    second = kernels()
    assert Template._current.process.pid != template.pid
    assert psutil.Process(second.pid).ppid() == Template._current.process.pid
    assert second.run("print(6 * 7)") == "42"


def test_switched_off_the_kernels_are_ordinary_ones_and_the_log_says_so(kernels, caplog, monkeypatch):
    monkeypatch.setattr(ForkedProvisioner, "_fallback_said", False)
    log = logging.getLogger("test-forked-kernels")
    with caplog.at_level(logging.INFO, logger=log.name):
        kernel = kernels(config=Config({"ForkedProvisioner": {"forked": False}}), log=log)
        kernels(config=Config({"ForkedProvisioner": {"forked": False}}), log=log)
    assert not isinstance(kernel.km.provisioner.process, ForkedProcess)
    assert psutil.Process(kernel.pid).ppid() == os.getpid()  # started by the app itself
    assert Template._current is None  # no template was started
    said = [r.getMessage() for r in caplog.records if "ordinary kernels" in r.getMessage()]
    assert len(said) == 1 and "switched off" in said[0]  # one line, not one per kernel
    assert kernel.run("print(1 + 1)") == "2"


def test_where_fork_cannot_run_the_kernels_are_ordinary_ones(kernels, caplog, monkeypatch):
    monkeypatch.setattr(ForkedProvisioner, "_fallback_said", False)
    monkeypatch.setattr(forked_kernels, "fork_can_run", lambda: "forked kernels need Linux (this is darwin)")
    log = logging.getLogger("test-forked-kernels-os")
    with caplog.at_level(logging.INFO, logger=log.name):
        kernel = kernels(log=log)
    assert not isinstance(kernel.km.provisioner.process, ForkedProcess)
    assert any(re.search(r"ordinary kernels: forked kernels need Linux", r.getMessage()) for r in caplog.records)
    assert kernel.run("print(1 + 1)") == "2"


def test_a_template_that_cannot_start_falls_back_to_ordinary_kernels(kernels, caplog, monkeypatch, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()  # a sitecustomize that stops the template's Python at once (the kernels' environment has none)
    (broken / "sitecustomize.py").write_text("import os, sys\nif os.environ.get('BREAK_TEMPLATE'): sys.exit(1)\n")
    kernel_env = dict(os.environ)
    monkeypatch.setenv("PYTHONPATH", str(broken))
    monkeypatch.setenv("BREAK_TEMPLATE", "1")
    monkeypatch.setattr(ForkedProvisioner, "_fallback_said", False)
    log = logging.getLogger("test-forked-kernels-broken")
    with caplog.at_level(logging.INFO, logger=log.name):
        kernel = kernels(env=kernel_env, log=log)
    assert not isinstance(kernel.km.provisioner.process, ForkedProcess)
    assert Template._current is None
    said = [r.getMessage() for r in caplog.records if "ordinary kernels" in r.getMessage()]
    assert len(said) == 1 and "the kernel template stopped while starting (exit code 1)" in said[0]
    assert kernel.run("print(1 + 1)") == "2"
    monkeypatch.delenv("BREAK_TEMPLATE")  # a template could start now, but this app does not try again
    assert not isinstance(kernels(env=kernel_env, log=log).km.provisioner.process, ForkedProcess)
    assert Template._current is None


@pytest.mark.parametrize("forked", [True, False])
def test_the_workshop_forks_its_page_kernels_unless_told_plain_kernels(tmp_path, forked):
    """`empathydesk workshop` (and `--plain-kernels`) through to the participant app's preheated pool."""
    from empathydesk.cli import build_parser
    from empathydesk.server import RoomSettings, facilitator_args, participant_args
    from workshop_helpers import fetch, join_token, tiny_workshop

    assert build_parser().parse_args(["workshop", *([] if forked else ["--plain-kernels"])]).plain_kernels is not forked
    settings = RoomSettings(pool_size=1, forked_kernels=forked)
    for args in (participant_args("127.0.0.1", 1, settings), facilitator_args("127.0.0.1", 2, settings)):
        assert f"--ForkedProvisioner.forked={forked}" in args
    running = tiny_workshop(tmp_path, "forks", {"index.ipynb": ["1"], "a.ipynb": ["import os; print('parent', os.getppid())"]},
                            settings)
    try:
        token = join_token(running, "Ann")
        page = fetch("127.0.0.1", running.participant.port, f"/voila/render/a.ipynb?seat={token}")
        assert page.status == 200
        parent = int(re.search(r"parent (\d+)", page.body).group(1))
        app = psutil.Process(running.participant.process.pid)
        log = running.participant.log_path.read_text()
        if forked:
            assert parent != app.pid and "empathydesk.forked_kernels" in " ".join(psutil.Process(parent).cmdline())
            assert psutil.Process(parent).ppid() == app.pid and "page kernels are forked from it" in log
        else:
            assert parent == app.pid and "Page kernels start as ordinary kernels: forked kernels are switched off" in log
    finally:
        running.stop()
