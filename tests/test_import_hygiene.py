"""The house rule: the core never imports textual (only onboard/app.py and screens/ do)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import onboard

ROOT = Path(onboard.__file__).parent
CORE = sorted(
    ".".join(p.relative_to(ROOT.parent).with_suffix("").parts)
    for p in ROOT.rglob("*.py")
    if "screens" not in p.parts and p.name not in {"app.py", "__main__.py"}
)


def test_core_modules_do_not_load_textual() -> None:
    """Import every core module in one fresh interpreter; textual must not be loaded."""
    code = ("import importlib, sys\n"
            f"for m in {CORE!r}:\n"
            "    importlib.import_module(m)\n"
            "    bad = [k for k in sys.modules if k == 'textual' or k.startswith('textual.')]\n"
            "    if bad:\n"
            "        print(m); sys.exit(1)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, f"{proc.stdout.strip()} loads textual {proc.stderr[-800:]}"
    assert len(CORE) > 10


def test_no_core_source_mentions_textual_imports() -> None:
    for p in ROOT.rglob("*.py"):
        if "screens" in p.parts or p.name == "app.py":
            continue
        for line in p.read_text().splitlines():
            stripped = line.strip()
            assert not stripped.startswith(("import textual", "from textual")), p
