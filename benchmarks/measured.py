"""Run a command and report its own peak RSS and CPU, not its parent's.

A child's ru_maxrss counts the memory image it had before exec: after fork (or vfork) that is
the parent's, so a 200 MB benchmark process made every child it timed look 200 MB or more.
Here a small Python process (~10 MB) starts the command and reads its rusage.

    run_measured(cmd, env=..., cwd=..., stdout=fh) -> Usage
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from typing import IO, Any

_LAUNCHER = (
    "import json,os,sys,time\n"
    "t=time.monotonic(); pid=os.spawnv(os.P_NOWAIT, sys.argv[1], sys.argv[1:])\n"
    "_, status, u = os.wait4(pid, 0)\n"
    "print(json.dumps({'code': os.waitstatus_to_exitcode(status), 'wall': time.monotonic()-t,"
    " 'rss_kb': u.ru_maxrss, 'user': u.ru_utime, 'system': u.ru_stime,"
    " 'switches': u.ru_nvcsw + u.ru_nivcsw}), file=sys.stderr)\n"
)


@dataclass
class Usage:
    code: int
    wall: float
    rss_mb: int
    user: float
    system: float
    switches: int  # context switches, voluntary and not (threads waiting for the GIL)
    stderr: str

    @property
    def cpu(self) -> float:
        return self.user + self.system


def run_measured(cmd: list[str], stdout: IO[Any] | int | None = subprocess.DEVNULL,
                 **popen: Any) -> Usage:
    """`cmd` (cmd[0] a path, as os.spawnv wants) through the small launcher; its stderr
    is returned without the launcher's last line."""
    proc = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *cmd], stdout=stdout,
                          stderr=subprocess.PIPE, check=False, **popen)
    lines = proc.stderr.decode(errors="replace").rstrip("\n").split("\n")
    try:
        usage = json.loads(lines[-1])
    except (json.JSONDecodeError, IndexError):
        raise RuntimeError(f"launcher failed: {proc.stderr.decode(errors='replace')}"
                           ) from None
    return Usage(usage["code"], usage["wall"], usage["rss_kb"] // 1024, usage["user"],
                 usage["system"], usage["switches"], "\n".join(lines[:-1]))


def launcher_rss_mb() -> int:
    """The launcher's own peak (the floor any measured child inherits)."""
    return run_measured([sys.executable, "-S", "-c", "pass"]).rss_mb


if __name__ == "__main__":
    print(json.dumps(run_measured(sys.argv[1:]).__dict__), file=sys.stdout)

