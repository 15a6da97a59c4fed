"""The dependency lists for pip, conda and Binder stay the same, and the package's entry points work."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _normalised(specs: list[str]) -> set[str]:
    out = set()
    for spec in specs:
        req = Requirement(spec)
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        out.add(f"{req.name.lower().replace('_', '-')}{extras}{req.specifier}")
    return out


def _pip_section(path: Path) -> list[str]:
    env = yaml.safe_load(path.read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return [spec for spec in pip if not spec.startswith("-e")]


def runtime_deps() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return _normalised(project["dependencies"])


def test_required_stack_is_declared() -> None:
    names = {Requirement(s).name.lower() for s in runtime_deps()}
    assert {"jupyterlab", "ipywidgets", "voila", "matplotlib"} <= names
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test_names = {Requirement(s).name.lower() for s in project["optional-dependencies"]["test"]}
    assert {"pytest", "nbval", "playwright", "pytest-timeout"} <= test_names


def test_every_dependency_has_a_version_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert Requirement(spec).specifier, f"{spec} has no version range"


def test_conda_environment_matches_pyproject() -> None:
    assert _normalised(_pip_section(ROOT / "environment.yml")) == runtime_deps()


def test_binder_environment_matches_pyproject() -> None:
    assert _normalised(_pip_section(ROOT / "binder" / "environment.yml")) == runtime_deps()


def test_binder_post_build_installs_the_package() -> None:
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install" in post_build and " -e ." in post_build


def test_console_script_and_module_agree() -> None:
    for command in ([sys.executable, "-m", "empathydesk", "--help"], [str(Path(sys.executable).with_name("empathydesk")), "--help"]):
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        assert "validate" in result.stdout


def test_notebooks_are_committed_without_outputs() -> None:
    import json

    for path in list((ROOT / "notebooks").glob("*.ipynb")) + list((ROOT / "workshop").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        dirty = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
        assert not dirty, f"{path.name}: cells {dirty} have outputs"


def test_a_non_editable_install_finds_its_lessons(tmp_path: Path) -> None:
    """`pip install .` (not -e) into a fresh environment: the lessons come along, found from any folder."""
    import shutil
    import sysconfig

    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    for name in ("src", "assessments", "notebooks", "workshop"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")  # this venv's, not its -e empathydesk
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(source)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    shutil.rmtree(source)  # nothing may come from the copy it was built from
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    code = "from empathydesk import paths; print(paths.__file__, paths.content_root(), paths.notebooks_dir(), paths.data_dir())"
    found = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert found.returncode == 0, found.stderr
    module, content, notebooks, data = map(Path, found.stdout.split())
    assert module.is_relative_to(venv) and (notebooks / "index.ipynb").is_file()
    assert content == venv / "share" / "empathydesk" / "assessments"
    assert data.is_relative_to(tmp_path) and not data.is_relative_to(venv)  # this user's folder, not the install's
    checked = subprocess.run([python, "-m", "empathydesk", "validate"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
