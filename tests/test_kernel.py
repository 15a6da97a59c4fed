"""The workshop's kernel: ipykernel without the slow optional IRI checker or input history, found as "python3"
by the apps."""

from __future__ import annotations

import json

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel

from empathydesk.server import SHARE_DIR, share_jupyter_path


@pytest.fixture
def workshop_kernel_path(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", share_jupyter_path())  # as `empathydesk workshop` sets it for its apps


def test_the_apps_find_it_as_python3(workshop_kernel_path):
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[:3] == ["python", "-m", "empathydesk.kernel"] and "{connection_file}" in spec.argv
    assert json.loads((SHARE_DIR / "kernels" / "python3" / "kernel.json").read_text())["language"] == "python"


def test_its_kernels_are_forked_by_our_registered_provisioner(workshop_kernel_path):
    from importlib.metadata import entry_points

    from jupyter_client.provisioning import KernelProvisionerFactory

    from empathydesk.forked_kernels import ENTRY_POINT, ForkedProvisioner

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.metadata["kernel_provisioner"]["provisioner_name"] == ENTRY_POINT
    assert KernelProvisionerFactory.instance().is_provisioner_available(spec)
    (found,) = [ep for ep in entry_points(group="jupyter_client.kernel_provisioners") if ep.name == ENTRY_POINT]
    assert found.load() is ForkedProvisioner


def test_a_page_kernel_skips_the_slow_import_and_jsonschema_still_works(workshop_kernel_path, tmp_path):
    code = (
        "import sys, voila.utils, jsonschema\n"
        "jsonschema.validate({'a': 'x y'}, {'properties': {'a': {'format': 'iri'}}},"
        " format_checker=jsonschema.FormatChecker())\n"
        "print(sys.modules.get('rfc3987_syntax', 'missing'), 'lark' in sys.modules,"
        " get_ipython().history_manager.enabled, sys.argv[0])"
    )
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        out: list[str] = []
        reply = kc.execute_interactive(code, timeout=120, output_hook=lambda m: out.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok", reply["content"]
        # marked absent, so its grammar was never built; and no input history is written
        assert "".join(out).split()[:3] == ["None", "False", "False"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_other_kernels_are_left_alone(monkeypatch):
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert "empathydesk.kernel" not in spec.argv and "ipykernel_launcher" in spec.argv


def test_a_page_kernel_starts_without_the_debugger(workshop_kernel_path, tmp_path):
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        out: list[str] = []
        code = "import sys; print(sys.modules.get('debugpy', 'missing'), any(m.startswith('pydevd') for m in sys.modules))"
        reply = kc.execute_interactive(code, timeout=120, output_hook=lambda m: out.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok", reply["content"]
        assert "".join(out).split() == ["None", "False"]  # marked absent: neither debugpy nor pydevd was loaded
        info = kc.kernel_info(reply=True)["content"]
        assert info["status"] == "ok" and "debugger" not in info.get("supported_features", [])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
