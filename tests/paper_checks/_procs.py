"""The processes of a test (Linux ``/proc``): the workers a run leaves behind, or must not."""
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
