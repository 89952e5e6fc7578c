"""The wheel ships the checklists and runs from a fresh virtual environment."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs_sessions(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(dist), str(ROOT)], check=True, capture_output=True,
                   timeout=300)
    (wheel,) = dist.glob("onboard-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for f in ("week.yaml", "interview.yaml", "checks.yaml"):
        assert f"onboard/_checklists/{f}" in names
    assert any(n.endswith(".tcss") for n in names) or not (ROOT / "onboard/screens").exists()

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    # Dependencies come from the test environment; PYTHONPATH does not read .pth files,
    # so the editable install of onboard stays invisible and the wheel's copy is used.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(site.getsitepackages()),
           "ONBOARD_DB": str(tmp_path / "w.db")}
    env.pop("ONBOARD_CHECKLISTS", None)
    where = subprocess.run([str(py), "-c", "import onboard, onboard.catalog as c; "
                            "print(onboard.__file__); print(c.default_dir())"],
                           capture_output=True, text=True, env=env, check=True, timeout=60,
                           cwd=tmp_path)
    assert str(env_dir) in where.stdout.splitlines()[0]
    assert where.stdout.splitlines()[1].endswith("onboard/_checklists")
    out = subprocess.run([str(env_dir / "bin" / "onboard"), "sessions"], capture_output=True,
                         text=True, env=env, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "No sessions yet" in out.stdout
