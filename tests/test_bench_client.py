"""The room bench's protocol client (bench/voila_client.py) speaks the kernel websocket's v1 format exactly as
jupyter_server reads and writes it, and finds what a Voilà page embeds (kernel id, outputs, widget views)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1

BENCH = Path(__file__).resolve().parents[1] / "bench"


def client():
    spec = importlib.util.spec_from_file_location("voila_client", BENCH / "voila_client.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("voila_client", module)
    spec.loader.exec_module(module)
    return module


def test_v1_frames_round_trip_with_jupyter_server():
    vc = client()
    msg = vc.new_message("comm_msg", {"comm_id": "abc", "data": {"method": "update", "state": {"index": 2}}}, "s1")
    channel, parts = deserialize_msg_from_ws_v1(vc.pack("shell", msg, [b"\x00\x01"]))
    assert channel == "shell"
    assert json.loads(parts[0])["msg_type"] == "comm_msg"
    assert json.loads(parts[3])["data"]["state"] == {"index": 2}
    assert parts[4] == b"\x00\x01"

    wire = serialize_msg_to_ws_v1([json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
                                  + [b"buf"], "iopub")
    channel, back = vc.unpack(wire)
    assert channel == "iopub" and back["content"] == msg["content"] and back["buffers"] == [b"buf"]


def test_a_page_s_kernel_outputs_and_errors_are_found():
    vc = client()
    view = {"output_type": "display_data", "data": {vc.WIDGET_VIEW_MIME: {"model_id": "m1", "version_major": 2}}}
    page = (
        '<script id="jupyter-config-data" type="application/json">{"kernelId": "k-1", "baseUrl": "/"}</script>'
        f'<script type="application/vnd.voila.cell-output+json">{json.dumps(view)}</script>'
        '<script type="application/vnd.voila.cell-output+json">{"output_type": "error", "ename": "E", "evalue": "x"}</script>'
        '<div class="ed-problem" role="alert">This part of the page did not load.</div>'
    )
    kernel, outputs = vc.parse_page(page)
    assert kernel == "k-1"
    assert vc.views_in(outputs) == ["m1"]
    assert vc.errors_in(outputs) == ["E: x"]
    assert vc.html_errors(page) and "did not load" in vc.html_errors(page)[0]
