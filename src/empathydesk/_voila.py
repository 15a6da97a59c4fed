"""The process `empathydesk workshop` starts for each of its two Voilà apps.

`python -m empathydesk._voila [voila arguments]` runs Voilà with two additions:
- the facilitator key comes from `$EMPATHYDESK_FACILITATOR_KEY` (taken out of the environment, so it never
  shows in `ps` and the app's kernels don't inherit it) and becomes Voilà's own token;
- every page sets Voilà's `_xsrf` cookie, so the page's own "shut my kernel down" call on leaving (a POST that
  Voilà 0.5 otherwise refuses with 403) works and a left page frees its kernel at once;
- `--RoomVoila.hide_key=True` (the facilitator app): a page opened with `?token=KEY` sets the login cookie and
  reloads without the key, so the address bar never shows it (the join screen goes on a projector);
- `RoomKernelManager` (the participant app's kernel manager): a kernel started for the preheated pool does not
  inherit `VOILA_REQUEST_URL`, which Voilà 0.5 fills with the address of the request that emptied the pool:
  another visitor's address, personal token included;
- page templates are compiled once, not for every page view (`cache_compiled_templates`);
- the slow optional import that `empathydesk.kernel` skips in the pages' kernels is skipped here too;
- `--RoomVoila.landing=PAGE` sends `/` (and the file list at `/voila/tree`) to that page, query string kept,
  so the short address on the projector opens the landing page.
"""

from __future__ import annotations

import os
import sys

FACILITATOR_KEY_ENV = "EMPATHYDESK_FACILITATOR_KEY"
KERNEL_MANAGER = "empathydesk._voila.RoomKernelManager"


def _room_kernel_manager() -> type:
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    class RoomKernelManager(AsyncMappingKernelManager):
        async def start_kernel(self, *args, **kwargs):
            env = kwargs.get("env")
            if env and env.get("VOILA_PREHEAT") == "True":
                kwargs["env"] = {k: v for k, v in env.items() if k != "VOILA_REQUEST_URL"}
            return await super().start_kernel(*args, **kwargs)

    return RoomKernelManager


def __getattr__(name: str):  # Voilà imports the class by name; build it only then
    if name == "RoomKernelManager":
        cls = _room_kernel_manager()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


def room_voila_class() -> type:
    from urllib.parse import urlencode

    import tornado.web
    from jupyter_server.utils import url_path_join
    from traitlets import Bool, Unicode
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    class HideKey:
        """After a successful `?token=KEY` login (the cookie is set), reload the page without the key."""

        async def prepare(self, *args, **kwargs):
            await super().prepare(*args, **kwargs)
            if self._finished or not self.settings.get("empathydesk_hide_key"):
                return
            if self.get_query_argument("token", None) and getattr(self, "_token_authenticated", False):
                rest = {k: v for k, v in self.request.query_arguments.items() if k != "token"}
                self.redirect(self.request.path + ("?" + urlencode(rest, doseq=True) if rest else ""))

    class PageHandler(HideKey, TornadoVoilaHandler):
        @tornado.web.authenticated
        async def get(self, path=None):
            self.xsrf_token  # noqa: B018 - reading it sets the _xsrf cookie the page's shutdown POST needs
            await super().get(path=path)

    class TreeHandler(HideKey, TornadoVoilaTreeHandler):
        pass

    replace = {TornadoVoilaHandler: PageHandler, TornadoVoilaTreeHandler: TreeHandler}

    class RoomVoila(Voila):
        """Voilà for a room: a landing page at `/` instead of the list of files."""

        landing = Unicode("", config=True, help="Page (relative to the root folder) that `/` opens.")
        hide_key = Bool(False, config=True, help="Reload pages opened with ?token=KEY without the key.")

        def init_settings(self) -> dict:
            settings = super().init_settings()
            settings["empathydesk_hide_key"] = self.hide_key
            return settings

        def init_handlers(self) -> list:
            handlers = [
                (spec[0], replace.get(spec[1], spec[1]), *spec[2:]) for spec in super().init_handlers()
            ]
            if self.landing:
                target = url_path_join(self.server_url, "voila/render", self.landing)
                options = {"url": target, "permanent": False}
                for pattern in (self.server_url, url_path_join(self.server_url, "voila/tree/?")):
                    handlers.insert(0, (pattern, tornado.web.RedirectHandler, options))
            return handlers

    return RoomVoila


def cache_compiled_templates(directory: str | None = None) -> None:
    """Compile each page template once per machine instead of once per page view.

    nbconvert builds a fresh Jinja environment for every notebook it renders, so Voilà compiled its page
    templates again for every visitor and every preheated kernel: 54% of the participant app's CPU in
    the room bench (py-spy). Jinja's own bytecode cache (`FileSystemBytecodeCache`, keyed by template and
    checked against its source) makes a later environment load the compiled template instead.
    """
    from jinja2 import FileSystemBytecodeCache
    from nbconvert.exporters.templateexporter import TemplateExporter

    cache = FileSystemBytecodeCache(directory)
    create = TemplateExporter._create_environment

    def create_with_cache(self):  # type: ignore[no-untyped-def]
        environment = create(self)
        environment.bytecode_cache = cache
        return environment

    TemplateExporter._create_environment = create_with_cache


def main(argv: list[str] | None = None) -> None:
    from empathydesk.kernel import skip_slow_optional_imports

    skip_slow_optional_imports()  # the app starts faster and smaller too (see empathydesk.kernel)
    cache_compiled_templates()
    args = list(sys.argv[1:] if argv is None else argv)
    key = os.environ.pop(FACILITATOR_KEY_ENV, None)
    if key:
        args.append(f"--Voila.token={key}")
    room_voila_class().launch_instance(argv=args)


if __name__ == "__main__":
    main()
