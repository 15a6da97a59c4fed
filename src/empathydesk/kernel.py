"""The kernel `empathydesk workshop` starts for every page: ipykernel, minus one slow optional import.

A preheated page waits for its visitor through `voila.utils`, whose imports reach jsonschema, which loads
the optional IRI checker `rfc3987_syntax` when it is installed (jupyter-events asks for it). That package
builds a large grammar as it is imported: about 3.5 s of CPU in a kernel, more than everything else a
page costs (`make bench`, "kernel start"). No page checks IRIs, so the kernel marks that one package as
absent; jsonschema then leaves out its "iri" format check, as it does whenever the package is not installed.
The slowness is known upstream (python-jsonschema/jsonschema issues 1392 and 1521).

The workshop's apps find this kernel as "python3" through `share/kernels/python3/kernel.json`, which also
turns IPython's input history off: nobody types into a page's kernel, and otherwise every kernel of the room
writes each cell it runs to the same history database.
"""

from __future__ import annotations

import sys

SLOW_OPTIONAL_IMPORTS = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Make `import rfc3987_syntax` fail fast, so that jsonschema goes on without it."""
    for name in SLOW_OPTIONAL_IMPORTS:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None in sys.modules = "not installed"


def main() -> None:
    """Start ipykernel exactly as `python -m ipykernel_launcher` does."""
    skip_slow_optional_imports()
    if sys.path and sys.path[0] == "":
        del sys.path[0]  # as ipykernel_launcher: the kernel adds the notebook's folder itself
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
