"""The processes of a test (Linux ``/proc``): the workers a run leaves behind, or must not."""
import signal
from pathlib import Path


def children_of(pid: int) -> list[int]:
    """The pids whose parent is ``pid``."""
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(d.name))
    return kids


def not_ignoring() -> None:
    """A child's ``preexec_fn``: the stop signals at their defaults, whatever ran the tests (``nohup`` ignores
    SIGHUP, and a run started ignoring it rightly keeps ignoring it: paper_checks.run.isolation.STARTED_IGNORING)."""
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)
