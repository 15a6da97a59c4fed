"""Page kernels forked from one warm template process: a kernel start costs a fork, not a Python start.

Every page kernel imports the same things (ipykernel, IPython, ipywidgets, `voila.utils`, our pieces and the
course's content) before it can show anything: most of a kernel's start, paid again for every page of the
room. Each workshop app instead starts one **template** (`python -m empathydesk.forked_kernels FD`) that
imports all that once, freezes its objects out of the garbage collector's reach (`gc.freeze()`, so that
children keep sharing those pages), and forks a kernel whenever the app asks for one.

Through jupyter_client's supported hook: `ForkedProvisioner` is a `LocalProvisioner` (entry point
`empathydesk-forked` in `jupyter_client.kernel_provisioners`, named by the workshop kernelspec's
`kernel_provisioner`). It launches through the template when it can and otherwise exactly as
`LocalProvisioner` does: where fork can't run (not Linux, no `os.pidfd_open`), when the template can't start,
or with `--ForkedProvisioner.forked=False` (`empathydesk workshop --plain-kernels`); one line in the log says so.

The template (`serve`) creates no zmq context, thread, event loop, database engine or socket of its own before
forking: it holds only the socket pair to its app. It never reads a kernel's request (command, environment,
folder): the child does, after the fork, from a socket of its own that the app passed (`SCM_RIGHTS`), so no
visitor's address, secret or token ever passes through the template's memory to a later kernel. The child
(`_become_kernel`) starts a session of its own, resets the signal handlers, closes every inherited file
descriptor, takes the environment, folder and arguments it was given, reseeds `random` (and numpy's global
generator, if loaded), and runs the kernel's module as `python -m` would. `secrets` and `uuid` read the
operating system's randomness, so they need nothing. What stays shared with the template is read-only: code
and the course's content. (Python's string-hash seed is the template's in every kernel, as with any fork server.)

The template, not the app, is the kernels' parent and reaps them; the app follows each kernel through a
pidfd the template sends with its pid (no mistaking a reused pid) and its exit status through the kernel's
socket. The kernels watch the template as their parent (ipykernel's parent poller), and the template lives
as long as its app (it stops when the app's end of the socket pair closes; it ignores SIGTERM and SIGINT, so
the app can still shut its kernels down cleanly first). A template that died is started again for the next
kernel; its running kernels stop with it, and their pages ask to reload, as after any kernel's end.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool

ENTRY_POINT = "empathydesk-forked"
KERNEL_MODULES = ("empathydesk.kernel", "ipykernel_launcher")  # what the template can run (`python -m ...`)
# What every page kernel imports, loaded once in the template (the rest, e.g. a dashboard's charts, as usual).
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.comm", "IPython", "jupyter_client",
    "ipywidgets", "voila.utils", "empathydesk.kernel", "empathydesk.widgets", "empathydesk.widgets.arrival",
    "empathydesk.widgets.page", "empathydesk.widgets.session", "empathydesk.kinds", "empathydesk.storage",
)
# Loaded by the template before any IPython shell exists, these hook into the shell only when imported inside
# one (ipywidgets registers its comm targets then): each kernel loads them as IPython extensions instead.
SHELL_HOOKS = ("ipywidgets",)
READY_TIMEOUT = 180.0  # s for the template's imports (a loaded 2-core machine: tens of seconds at worst)
REPLY_TIMEOUT = 120.0  # s for one fork's reply (on timeout the template is replaced, and its kernels stop with it)
MAX_REQUEST = 1 << 20  # bytes: a kernel's command, environment and folder


def fork_can_run() -> str | None:
    """None where forked kernels can run here; else why not (in plain words, for the log)."""
    if not sys.platform.startswith("linux"):
        return f"forked kernels need Linux (this is {sys.platform})"
    if not hasattr(os, "pidfd_open") or not hasattr(socket, "send_fds"):
        return "forked kernels need os.pidfd_open and socket.send_fds (Linux 5.3 and Python 3.9 or later)"
    return None


# --- the template process ---------------------------------------------------------------------------------


def preload() -> None:
    """Import what every page kernel imports, and read the course's content once."""
    from empathydesk import kernel

    kernel.skip_slow_optional_imports()  # as the kernel itself does, so that the template skips them too
    kernel.skip_the_debugger()
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    with contextlib.suppress(Exception):  # a content problem shows on the page, as without a template
        from empathydesk.content import load

        load()


def serve(control_fd: int) -> None:
    """The template: preload, then fork a kernel for each socket the app sends, until the app is gone."""
    import warnings

    fresh_warnings = list(warnings.filters)  # as a new interpreter has them, before any import adds its own
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the app stops first and shuts its kernels down itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # from here on no collection rewrites the shared objects' pages; each kernel enables it
    preload()
    gc.collect()
    gc.freeze()
    control = socket.socket(fileno=control_fd)
    watched: dict[int, int] = {}  # kernel pid -> its socket, where its exit status goes

    def reap(*_: object) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            fd = watched.pop(pid, None)
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.write(fd, json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode())
                os.close(fd)

    signal.signal(signal.SIGCHLD, reap)
    control.sendall(b"ready\n")
    while True:
        message, fds, _, _ = socket.recv_fds(control, 16, 1)
        if not message:
            break  # the app is gone
        if not fds:
            continue
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})  # reap only once the new kernel is watched
        try:
            gc.freeze()
            pid = os.fork()
            if pid == 0:
                warnings.filters[:] = fresh_warnings  # so that a kernel shows the same warnings as a new process
                warnings._filters_mutated()  # type: ignore[attr-defined]  # (the documented resetwarnings does this)
                _become_kernel(fds[0], control.fileno())
            pidfd = os.pidfd_open(pid)
            watched[pid] = fds[0]
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        try:
            socket.send_fds(control, [json.dumps({"pid": pid}).encode()], [pidfd])
        finally:
            os.close(pidfd)
    os._exit(0)


def _read_request(fd: int) -> dict[str, Any]:
    chunks, size = [], 0
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_REQUEST:
            raise ValueError("kernel request too large")
    return json.loads(b"".join(chunks))


def _become_kernel(fd: int, control_fd: int) -> None:
    """In the forked child: read this kernel's request from `fd`, shed the template, run the kernel. Never returns."""
    code = 1
    try:
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        os.close(control_fd)
        request = _read_request(fd)
        os.close(fd)
        with open(os.devnull, "rb") as null:
            os.dup2(null.fileno(), 0)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # nothing of the template's or another kernel's stays open
        cwd = request.get("cwd") or os.getcwd()
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # ipykernel stops if the template (its parent) goes
        reseed()
        module = request["module"]
        # ipykernel read JPY_PARENT_PID as the template imported it: its parent poller is told here instead
        sys.argv = [module, *request["args"], f"--IPKernelApp.parent_handle={os.getppid()}",
                    *(f"--IPKernelApp.extensions={name}" for name in SHELL_HOOKS)]
        sys.path[0] = cwd  # as `python -m` in that folder
        sys.modules.pop(module, None)  # run afresh as __main__, as `python -m` does
        gc.enable()
        import runpy

        runpy.run_module(module, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported in the app's log, then this child ends
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def reseed() -> None:
    """Fresh random state in a forked kernel: `random`, and numpy's global generator if the template loaded it."""
    import random

    random.seed()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


# --- the app's side ---------------------------------------------------------------------------------------


class TemplateFailed(Exception):
    """The template could not start or answer; the app starts an ordinary kernel instead."""


class Template:
    """The app's one template process: started on first use, started again if it died."""

    _lock = threading.Lock()
    _current: Template | None = None
    _gave_up: str | None = None  # why a template could not start: this app then starts ordinary kernels only

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.control = ours
        self.process = subprocess.Popen(
            [sys.executable, "-m", "empathydesk.forked_kernels", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.control.settimeout(READY_TIMEOUT)
        try:
            ready = self.control.recv(16)
        except OSError as error:
            self.stop()
            raise TemplateFailed(f"the kernel template did not get ready: {error}") from error
        if ready != b"ready\n":
            code = self.process.wait(timeout=10) if self.process.poll() is None else self.process.returncode
            self.stop()
            raise TemplateFailed(f"the kernel template stopped while starting (exit code {code})")
        self.control.settimeout(REPLY_TIMEOUT)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.control.close()
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    @classmethod
    def get(cls, log: Any) -> Template:
        """This app's template, started (again) if need be. Call with `_lock` held."""
        if cls._gave_up:
            raise TemplateFailed(cls._gave_up)
        current = cls._current
        if current is not None and not current.alive:
            log.warning("The kernel template stopped (exit code %s); starting a new one", current.process.returncode)
            current.stop()
            current = None
        if current is None:
            started = time.monotonic()
            try:
                current = cls._current = Template()
            except TemplateFailed as failed:
                cls._gave_up = str(failed)  # not tried again for every kernel (each try can take minutes)
                raise
            log.info("Kernel template ready in %.1f s (pid %d): page kernels are forked from it",
                     time.monotonic() - started, current.process.pid)
        return current

    @classmethod
    def fork(cls, request: dict[str, Any], log: Any) -> ForkedProcess:
        """A new kernel process for `request` (its module, arguments, environment and folder)."""
        with cls._lock:
            for attempt in (1, 2):  # a template that died since the last kernel is started again once
                template = cls.get(log)
                kernel_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    socket.send_fds(template.control, [b"k"], [child_end.fileno()])
                    message, fds, _, _ = socket.recv_fds(template.control, 256, 1)
                    if not message or not fds:
                        raise OSError("the kernel template closed its socket")
                except OSError as error:
                    kernel_end.close()
                    template.stop()
                    cls._current = None
                    if attempt == 2:
                        raise TemplateFailed(f"the kernel template did not answer: {error}") from error
                    continue
                finally:
                    child_end.close()
                pid = json.loads(message)["pid"]
                kernel_end.sendall(json.dumps(request).encode())
                kernel_end.shutdown(socket.SHUT_WR)
                return ForkedProcess(pid, fds[0], kernel_end)
        raise AssertionError("unreachable")


def ended(pidfd: int) -> bool:
    """True once the process behind `pidfd` has ended (its pidfd turns readable). `poll`, not `select`: an app
    with a room's kernels holds more than 1,024 descriptors, which `select` can't watch (a ValueError that broke
    every later poll, interrupt and shutdown of that kernel in the room bench of 40)."""
    watch = select.poll()
    watch.register(pidfd, select.POLLIN)
    return bool(watch.poll(0))


class ForkedProcess:
    """A forked kernel as `subprocess.Popen` looks to `LocalProvisioner`: followed by pidfd (it is the
    template's child, not ours), its exit status read from its socket."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int, status: socket.socket) -> None:
        self.pid = pid
        self.pidfd = pidfd
        self.status = status
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if not ended(self.pidfd):
            return None  # still running
        self.status.setblocking(False)
        try:
            data = self.status.recv(256)
        except BlockingIOError:
            return None  # ended, not yet reaped by the template: its status comes in a moment
        except OSError:
            data = b""
        self.returncode = json.loads(data)["exit"] if data else -1  # -1: the template went before telling
        self.close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.02)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self.pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def close(self) -> None:
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
        self.status.close()


class ForkedProvisioner(LocalProvisioner):
    """`LocalProvisioner`, launching kernels by forking the app's warm template when it can (see the module)."""

    forked = Bool(True, config=True, help="Fork page kernels from a warm template process (False: ordinary kernels).")
    _fallback_said = False  # the log says once per app why kernels are ordinary ones

    def _why_not(self, cmd: list[str]) -> str | None:
        if not self.forked:
            return "forked kernels are switched off (--plain-kernels)"
        problem = fork_can_run()
        if problem:
            return problem
        if len(cmd) < 3 or cmd[0] != sys.executable or cmd[1] != "-m" or cmd[2] not in KERNEL_MODULES:
            return f"the kernel command is not one the template runs: {' '.join(cmd[:3])}"
        return None

    def _ordinary(self, why: str) -> None:
        if not ForkedProvisioner._fallback_said:
            ForkedProvisioner._fallback_said = True
            self.log.warning("Page kernels start as ordinary kernels: %s", why)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        why = self._why_not(cmd)
        if why is None:
            import asyncio

            request = {"module": cmd[2], "args": cmd[3:], "env": dict(kwargs.get("env") or os.environ),
                       "cwd": str(kwargs.get("cwd") or os.getcwd())}
            try:
                process = await asyncio.get_running_loop().run_in_executor(None, Template.fork, request, self.log)
            except TemplateFailed as error:
                why = str(error)
            else:
                self.process = process
                self.pid = self.pgid = process.pid  # the kernel leads a session (and process group) of its own
                self.cwd = request["cwd"]
                return self.connection_info
        self._ordinary(why)
        return await super().launch_kernel(cmd, **kwargs)

    async def send_signal(self, signum: int) -> None:
        if isinstance(self.process, ForkedProcess) and self.process.poll() is not None:
            return  # ended: its pid (and group) may belong to someone else by now
        await super().send_signal(signum)

    async def wait(self) -> int | None:
        process = self.process
        try:
            return await super().wait()
        finally:
            if isinstance(process, ForkedProcess):
                process.close()

    async def cleanup(self, restart: bool = False) -> None:
        if isinstance(self.process, ForkedProcess) and self.process.poll() is not None:
            self.process.close()
        await super().cleanup(restart)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
