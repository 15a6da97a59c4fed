"""The kernel `empathydesk workshop` starts for every page: ipykernel, minus one slow optional import and
the debugger's backend (`UNUSED_IN_PAGES`: about 8 MiB and 0.1 CPU-s of every page kernel's start).

A preheated page waits for its visitor through `voila.utils`, whose imports reach jsonschema, which loads
the optional IRI checker `rfc3987_syntax` when it is installed (jupyter-events asks for it). That package
builds a large grammar as it is imported: about 3.5 s of CPU in a kernel, more than everything else a
page costs (`make bench`, "kernel start"). No page checks IRIs, so the kernel marks that one package as
absent; jsonschema then leaves out its "iri" format check, as it does whenever the package is not installed.
The slowness is known upstream (python-jsonschema/jsonschema issues 1392 and 1521).

It also keeps tracebacks away from the browser: an error in a widget's callback (a button press, or a
message a visitor made up) would otherwise be sent to the page with the server's file paths. Outside the
running of a cell (which Voilà renders as our plain message), the traceback goes to the kernel's standard
error, which is the app's log; the pieces themselves show plain messages (`widgets.ui.guard`).

The workshop's apps find this kernel as "python3" through `share/kernels/python3/kernel.json`, which also
turns IPython's input history off: nobody types into a page's kernel, and otherwise every kernel of the room
writes each cell it runs to the same history database. The kernelspec also names the kernel provisioner
`empathydesk-forked` (empathydesk.forked_kernels): the apps fork this kernel from a warm template process that
has already imported what a page needs, rather than start a new Python for every page.
"""

from __future__ import annotations

import sys

SLOW_OPTIONAL_IMPORTS = ("rfc3987_syntax",)
# ipykernel imports its debugger's backend (debugpy and pydevd) as it starts, when installed: a sixth of a page
# kernel's start (CPU and memory) for a debugger nobody opens on a page (the kernelspec says "debugger": false).
# Marked absent, ipykernel starts without it, as it does where debugpy is not installed.
UNUSED_IN_PAGES = ("debugpy",)


def skip_slow_optional_imports() -> None:
    """Make `import rfc3987_syntax` fail fast, so that jsonschema goes on without it."""
    for name in SLOW_OPTIONAL_IMPORTS:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None in sys.modules = "not installed"


def skip_the_debugger() -> None:
    """Make `import debugpy` fail fast in a page's kernel, so that ipykernel starts without its debugger."""
    for name in UNUSED_IN_PAGES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def keep_tracebacks_in_the_log() -> None:
    """Outside a cell's run, write tracebacks to the kernel's standard error (the app's log), not to the page."""
    import traceback

    from IPython.core.interactiveshell import InteractiveShell

    shown = InteractiveShell.showtraceback

    def to_log(self: InteractiveShell, *args: object, **kwargs: object) -> None:
        parent = getattr(self, "parent_header", None) or {}
        if parent.get("header", {}).get("msg_type") == "execute_request":
            shown(self, *args, **kwargs)  # Voilà running the page's cells: it renders our plain message
            return
        kind, value, tb = sys.exc_info()
        if value is not None:
            traceback.print_exception(kind, value, tb, file=sys.__stderr__)

    InteractiveShell.showtraceback = to_log  # type: ignore[method-assign]


def main() -> None:
    """Start ipykernel as `python -m ipykernel_launcher` does, minus a slow import and tracebacks to the page."""
    skip_slow_optional_imports()
    skip_the_debugger()
    keep_tracebacks_in_the_log()
    if sys.path and sys.path[0] == "":
        del sys.path[0]  # as ipykernel_launcher: the kernel adds the notebook's folder itself
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
