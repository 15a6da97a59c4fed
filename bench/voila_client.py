"""A participant's browser, at the protocol level, for Voilà 0.5.

`open_page(url)` does what the Voilà page does in a browser, without drawing anything:

1. GET the page. Voilà executes the notebook while it streams the HTML (or hands over a preheated
   kernel whose notebook already ran up to `voila.utils.wait_for_request()`), and embeds the kernel id
   in `<script id="jupyter-config-data">` (`kernelId`) and each cell's outputs in
   `<script type="application/vnd.voila.cell-output+json">`.
2. GET /api/kernels/<id> (the widget manager asks for the kernel model), then open the kernel websocket
   /api/kernels/<id>/channels with the "v1.kernel.websocket.jupyter.org" subprotocol that the browser's
   @jupyterlab/services negotiates, and send `kernel_info_request`.
3. Load the widgets the way ipywidgets 8's manager does (`_loadFromKernel`): open a
   `jupyter.widget.control` comm, send `{"method": "request_states"}`, receive `update_states` with every
   widget's state, close the control comm.  Once every widget view named in the page's outputs has a
   state, the page is *usable*: that moment is `time_to_usable`.
4. Answer like a person: `set(model_id, {"value": ...})` sends a comm_msg `update`, `click(model_id)` a
   comm_msg `custom` `{"event": "click"}`. Each returns when the kernel reports idle for that message,
   which is when the widget's callback (and the answer's save) has finished: an acknowledgement.
5. Leave: `close()` closes the websocket and posts /voila/api/shutdown/<id> with the `_xsrf` cookie
   value, as the page's `beforeunload` handler does.

Kernel-side widget changes (comm_open, comm_msg update/echo_update, comm_close) are applied to a local
copy of every widget's state, so `find()`, `text()` and `wait_for()` see what a browser would draw.

Run alone: `python bench/voila_client.py http://127.0.0.1:8866/voila/render/minimal.ipynb` prints the
timings of one page and clicks its first button.
"""

from __future__ import annotations

import asyncio
import html as html_lib
import json
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

import httpx
import websockets

WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
CONFIG_RE = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(.*?)\s*</script>', re.S)
OUTPUT_RE = re.compile(r'<script type="application/vnd.voila.cell-output\+json">\s*(.*?)\s*</script>', re.S)


class PageError(Exception):
    """The page could not be opened or did not become usable; `html` is what came, if anything."""

    def __init__(self, message: str, html: str = "") -> None:
        super().__init__(message)
        self.html = html


# ---------------------------------------------------------------- the v1 websocket wire format

def pack(channel: str, msg: dict, buffers: list[bytes] | None = None) -> bytes:
    """Serialize one kernel message for the v1 websocket protocol (as @jupyterlab/services does)."""
    parts = [json.dumps(msg[k], default=str).encode() for k in ("header", "parent_header", "metadata", "content")]
    parts += list(buffers or [])
    chan = channel.encode()
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(offsets[-1] + len(chan))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + chan + b"".join(parts)


def unpack(data: bytes) -> tuple[str, dict]:
    """Deserialize one v1 websocket frame into (channel, message with "buffers")."""
    n = int.from_bytes(data[:8], "little")
    offsets = [int.from_bytes(data[8 * (i + 1): 8 * (i + 2)], "little") for i in range(n)]
    channel = data[offsets[0]:offsets[1]].decode()
    parts = [data[offsets[i]:offsets[i + 1]] for i in range(1, n - 1)]
    msg = {k: json.loads(parts[i]) for i, k in enumerate(("header", "parent_header", "metadata", "content"))}
    msg["buffers"] = [bytes(b) for b in parts[4:]]
    return channel, msg


def new_message(msg_type: str, content: dict, session: str) -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "username": "bench",
            "session": session,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
    }


# ---------------------------------------------------------------- parsing the page

def parse_page(text: str) -> tuple[str | None, list[dict]]:
    """The kernel id and the list of cell outputs embedded in a Voilà page."""
    kernel_id = None
    m = CONFIG_RE.search(text)
    if m:
        try:
            kernel_id = json.loads(html_lib.unescape(m.group(1))).get("kernelId")
        except ValueError:
            kernel_id = None
    outputs = []
    for m in OUTPUT_RE.finditer(text):
        try:
            outputs.append(json.loads(m.group(1)))
        except ValueError:
            continue
    return kernel_id, outputs


ERROR_MARKERS = (
    ('class="ed-problem"', "the page says a part did not load"),        # EmpathyDesk's template
    ("application/vnd.jupyter.stderr", "an error box (stderr output)"),  # Voila's lab template
    ("There was an error when executing cell", "Voila's cell error message"),
)


def html_errors(text: str) -> list[str]:
    """Error boxes the page's template drew into the HTML itself (not as JSON outputs)."""
    return [f"{what} (x{text.count(marker)})" for marker, what in ERROR_MARKERS if marker in text]


def views_in(outputs: list[dict]) -> list[str]:
    """Model ids of the widget views displayed in these outputs, in page order."""
    ids = []
    for out in outputs:
        data = out.get("data") or {}
        view = data.get(WIDGET_VIEW_MIME)
        if view and view.get("model_id"):
            ids.append(view["model_id"])
    return ids


def errors_in(outputs: list[dict]) -> list[str]:
    """Tracebacks and stderr text a person would see among these outputs."""
    found = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "error":
            found.append(f"{out.get('ename')}: {out.get('evalue')}")
        elif kind == "stream" and out.get("name") == "stderr":
            text = "".join(out.get("text") or "")
            if text.strip():
                found.append(text.strip()[:300])
        else:
            text = json.dumps(out.get("data") or {})
            if "Traceback (most recent call last)" in text:
                found.append(text[:300])
    return found


# ---------------------------------------------------------------- one open page

@dataclass
class Timings:
    start: float = 0.0
    first_byte: float = 0.0      # first chunk of HTML
    html: float = 0.0            # whole HTML received (the notebook has run server-side)
    websocket: float = 0.0       # kernel websocket open and kernel_info_reply received
    usable: float = 0.0          # every displayed widget has its state: the page can be used

    def since_start(self) -> dict[str, float]:
        return {k: round(getattr(self, k) - self.start, 3) for k in ("first_byte", "html", "websocket", "usable")}

    @property
    def time_to_usable(self) -> float:
        return self.usable - self.start


@dataclass
class Page:
    url: str
    client: httpx.AsyncClient
    own_client: bool
    timings: Timings = field(default_factory=Timings)
    status: int = 0
    html: str = ""
    kernel_id: str | None = None
    outputs: list[dict] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    models: dict[str, dict] = field(default_factory=dict)   # model_id -> {"model_name", "state"}
    errors: list[str] = field(default_factory=list)          # what a person would see as a failure
    kernel_log: list[dict] = field(default_factory=list)     # outputs no widget captured (not on screen)
    session: str = field(default_factory=lambda: uuid.uuid4().hex)
    ws: Any = None
    _reader: asyncio.Task | None = None
    _waiters: dict[str, asyncio.Future] = field(default_factory=dict)   # msg_id -> future(idle / reply)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _closed: bool = False
    shutdown_status: int | None = None                       # HTTP status of the leave-page shutdown
    log: list[tuple[float, str]] = field(default_factory=list)

    # ---- lifecycle

    async def _open(self, timeout: float) -> "Page":
        t = self.timings
        t.start = time.perf_counter()
        chunks = []
        async with self.client.stream("GET", self.url, timeout=timeout) as resp:
            self.status = resp.status_code
            async for chunk in resp.aiter_text():
                if not t.first_byte:
                    t.first_byte = time.perf_counter()
                chunks.append(chunk)
        t.html = time.perf_counter()
        self.html = "".join(chunks)
        if self.status != 200:
            raise PageError(f"GET {self.url} -> HTTP {self.status}")
        self.kernel_id, self.outputs = parse_page(self.html)
        self.views = views_in(self.outputs)
        self.errors.extend(errors_in(self.outputs))
        self.errors.extend(html_errors(self.html))
        if not self.kernel_id:
            raise PageError(f"no kernel id in the page {self.url}", self.html)
        base = self._base()
        # the widget manager's KernelAPI.getKernelModel
        r = await self.client.get(f"{base}api/kernels/{self.kernel_id}", timeout=timeout)
        if r.status_code != 200:
            raise PageError(f"kernel model {self.kernel_id}: HTTP {r.status_code}")
        parts = urlsplit(base)
        ws_url = urlunsplit(("ws" if parts.scheme == "http" else "wss", parts.netloc,
                             f"{parts.path}api/kernels/{self.kernel_id}/channels", f"session_id={self.session}", ""))
        cookies = "; ".join(f"{c.name}={c.value}" for c in self._cookies_for(parts.path))
        self.ws = await websockets.connect(
            ws_url, subprotocols=[WS_PROTOCOL], max_size=None, open_timeout=timeout,
            additional_headers={"Cookie": cookies} if cookies else None, ping_interval=None)
        self._reader = asyncio.create_task(self._read())
        await self.request("shell", "kernel_info_request", {}, reply=True, timeout=timeout)
        t.websocket = time.perf_counter()
        # ipywidgets 8's _loadFromKernel
        comm_id = uuid.uuid4().hex
        msg = new_message("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                        "data": {}}, self.session)
        msg["metadata"] = {"version": "1.0.0"}
        states_future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._waiters["control:" + comm_id] = states_future
        await self._send("shell", msg)
        await self._send("shell", self._comm_msg(comm_id, {"method": "request_states"}))
        data = await asyncio.wait_for(states_future, timeout)
        for model_id, st in data.get("states", {}).items():
            self.models[model_id] = {"model_name": st.get("model_name"), "model_module": st.get("model_module"),
                                     "state": dict(st.get("state") or {})}
        await self._send("shell", new_message("comm_close", {"comm_id": comm_id, "data": {}}, self.session))
        missing = [v for v in self.views if v not in self.models]
        if missing:
            raise PageError(f"{len(missing)} widget view(s) without a state: {missing[:3]}")
        t.usable = time.perf_counter()
        return self

    def _base(self) -> str:
        """The server's base URL (everything before voila/render/ or the notebook path)."""
        parts = urlsplit(self.url)
        path = parts.path
        cut = path.find("/voila/")
        base_path = path[:cut + 1] if cut >= 0 else "/"
        return urlunsplit((parts.scheme, parts.netloc, base_path, "", ""))

    async def close(self, shutdown: bool = True) -> None:
        """Leave the page: close the websocket, and shut the kernel down like `beforeunload` does."""
        if self._closed:
            return
        self._closed = True
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:
                pass
        if self._reader is not None:
            self._reader.cancel()
        if shutdown and self.kernel_id:
            xsrf = next((c.value for c in self._cookies_for(urlsplit(self._base()).path) if c.name == "_xsrf"), "")
            try:
                r = await self.client.post(f"{self._base()}voila/api/shutdown/{self.kernel_id}",
                                           data={"_xsrf": xsrf}, timeout=30)
                self.shutdown_status = r.status_code
            except httpx.HTTPError:
                self.shutdown_status = -1
        if self.own_client:
            await self.client.aclose()

    def _cookies_for(self, path: str) -> list[Any]:
        """The cookies a browser sends to `path`, the most specific path first (behind JupyterHub the hub's
        and the user server's `_xsrf` cookies have the same name and different paths)."""
        found = [c for c in self.client.cookies.jar if path.startswith(c.path or "/")]
        return sorted(found, key=lambda c: len(c.path or ""), reverse=True)

    async def __aenter__(self) -> "Page":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # ---- messages

    def _comm_msg(self, comm_id: str, data: dict) -> dict:
        return new_message("comm_msg", {"comm_id": comm_id, "data": data}, self.session)

    async def _send(self, channel: str, msg: dict) -> None:
        await self.ws.send(pack(channel, msg))

    async def request(self, channel: str, msg_type: str, content: dict, reply: bool = False,
                      timeout: float = 60) -> dict:
        """Send a message; wait for its reply (`reply=True`) or for the kernel to be idle after it."""
        msg = new_message(msg_type, content, self.session)
        return await self._send_and_wait(channel, msg, reply, timeout)

    async def _send_and_wait(self, channel: str, msg: dict, reply: bool, timeout: float) -> dict:
        key = ("reply:" if reply else "idle:") + msg["header"]["msg_id"]
        fut = asyncio.get_running_loop().create_future()
        self._waiters[key] = fut
        await self._send(channel, msg)
        try:
            return await asyncio.wait_for(fut, timeout)
        finally:
            self._waiters.pop(key, None)

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                if isinstance(frame, str):
                    continue
                channel, msg = unpack(frame)
                self._handle(channel, msg)
        except (websockets.ConnectionClosed, asyncio.CancelledError):
            pass
        except Exception as exc:  # keep the reader's failure visible to the caller
            self.errors.append(f"client reader: {exc!r}")
        finally:
            for fut in self._waiters.values():
                if not fut.done():
                    fut.set_exception(PageError("websocket closed"))

    def _resolve(self, key: str, value: Any) -> None:
        fut = self._waiters.get(key)
        if fut is not None and not fut.done():
            fut.set_result(value)

    def _handle(self, channel: str, msg: dict) -> None:
        kind = msg["header"].get("msg_type")
        parent = (msg.get("parent_header") or {}).get("msg_id", "")
        content = msg.get("content") or {}
        if channel in ("shell", "control") and kind.endswith("_reply"):
            self._resolve("reply:" + parent, msg)
        if kind == "status" and content.get("execution_state") == "idle":
            self._resolve("idle:" + parent, msg)
        elif kind == "comm_open":
            data = content.get("data") or {}
            self.models[content["comm_id"]] = {"model_name": (data.get("state") or {}).get("_model_name"),
                                               "model_module": (data.get("state") or {}).get("_model_module"),
                                               "state": dict(data.get("state") or {})}
            self._changed.set()
        elif kind == "comm_msg":
            comm_id = content.get("comm_id")
            data = content.get("data") or {}
            method = data.get("method")
            if "control:" + comm_id in self._waiters and method == "update_states":
                self._resolve("control:" + comm_id, data)
                self._waiters.pop("control:" + comm_id, None)
            elif method in ("update", "echo_update") and comm_id in self.models:
                self.models[comm_id]["state"].update(data.get("state") or {})
                self._changed.set()
        elif kind == "comm_close":
            self.models.pop(content.get("comm_id"), None)
            self._changed.set()
        elif kind in ("stream", "display_data", "execute_result", "error", "clear_output"):
            self._output(parent, kind, content)

    def _output(self, parent: str, kind: str, content: dict) -> None:
        """An output message: shown only if an Output widget is capturing its parent (as the browser's
        OutputModel does); otherwise it goes nowhere on a Voilà page and is kept in `kernel_log`."""
        targets = [m for m in self.models.values()
                   if m["model_name"] == "OutputModel" and parent and m["state"].get("msg_id") == parent]
        if kind == "clear_output":
            for m in targets:
                m["state"]["outputs"] = []
            self._changed.set()
            return
        out = dict(content, output_type=kind)
        out.pop("transient", None)
        if kind == "stream":
            out = {"output_type": "stream", "name": content.get("name"), "text": content.get("text", "")}
        if not targets:
            self.kernel_log.append(out)
            return
        for m in targets:
            m["state"]["outputs"] = list(m["state"].get("outputs") or []) + [out]
        self.errors.extend(errors_in([out]))
        self._changed.set()

    # ---- what a person does

    async def set(self, model_id: str, state: dict, timeout: float = 60) -> dict:
        """Change a widget's value(s) as the browser does when a person types or picks."""
        self.models[model_id]["state"].update(state)
        msg = self._comm_msg(model_id, {"method": "update", "state": state, "buffer_paths": []})
        return await self._send_and_wait("shell", msg, False, timeout)

    async def click(self, model_id: str, timeout: float = 60) -> dict:
        """Click a button."""
        msg = self._comm_msg(model_id, {"method": "custom", "content": {"event": "click"}})
        return await self._send_and_wait("shell", msg, False, timeout)

    # ---- what a person sees

    def state(self, model_id: str) -> dict:
        return self.models[model_id]["state"]

    def find(self, model_name: str | None = None, **match: Any) -> list[str]:
        """Model ids of widgets of this model (e.g. "ButtonModel") whose state matches every `key=value`
        (`dom_class="x"` matches a class in `_dom_classes`; `text="x"` a substring of the visible text)."""
        found = []
        for mid, m in self.models.items():
            if model_name and m["model_name"] != model_name:
                continue
            st = m["state"]
            ok = True
            for key, want in match.items():
                if key == "dom_class":
                    ok = want in (st.get("_dom_classes") or ())
                elif key == "text":
                    ok = want in widget_text(st)
                else:
                    ok = st.get(key) == want
                if not ok:
                    break
            if ok:
                found.append(mid)
        return found

    def hidden_errors(self) -> list[str]:
        """Errors the kernel sent that no Output widget showed (a silent failure); log warnings skipped."""
        return [e for e in errors_in(self.kernel_log) if "Error" in e or "Traceback" in e]

    def text(self) -> str:
        """All the text the page shows: outputs and every widget's visible strings."""
        bits = []
        for out in self.outputs:
            data = out.get("data") or {}
            bits.append(str(data.get("text/html") or data.get("text/markdown") or ""))
        for m in self.models.values():
            bits.append(widget_text(m["state"]))
        return "\n".join(b for b in bits if b)

    async def wait_for(self, predicate: Callable[["Page"], Any], timeout: float = 30) -> Any:
        """Wait until `predicate(page)` is truthy (re-checked after every widget change)."""
        deadline = time.perf_counter() + timeout
        while True:
            value = predicate(self)
            if value:
                return value
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("condition not met in time")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except asyncio.TimeoutError:
                pass


def widget_text(state: dict) -> str:
    """The strings of one widget state that end up on screen."""
    bits = []
    for key in ("value", "description", "placeholder", "tooltip", "_options_labels", "outputs"):
        v = state.get(key)
        if isinstance(v, str):
            bits.append(v)
        elif isinstance(v, (list, tuple)):
            bits.append(json.dumps(v))
    return "\n".join(bits)


async def open_page(url: str, client: httpx.AsyncClient | None = None, timeout: float = 300) -> Page:
    """Open a Voilà page as a browser does; returns once the page is usable (see module doc)."""
    own = client is None
    if own:
        client = new_client()
    page = Page(url=url, client=client, own_client=own)
    try:
        return await page._open(timeout)
    except BaseException:
        await page.close(shutdown=bool(page.kernel_id))
        raise


def new_client() -> httpx.AsyncClient:
    """One participant's browser: its own cookie jar, a few connections, no proxies."""
    return httpx.AsyncClient(follow_redirects=True, trust_env=False,
                             limits=httpx.Limits(max_connections=6, max_keepalive_connections=6))


async def _main(url: str) -> None:
    async with await open_page(url) as page:
        print(json.dumps({"kernel_id": page.kernel_id, "views": len(page.views), "models": len(page.models),
                          "timings": page.timings.since_start(), "errors": page.errors}, indent=1))
        buttons = page.find("ButtonModel")
        if buttons:
            t0 = time.perf_counter()
            await page.click(buttons[0])
            print(f"click acknowledged in {time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1]))
