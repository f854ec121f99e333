"""eval --points past START_BYTES of input: the forked writer process writes the same bytes as this
process alone (the order of rows, failed rows written empty or left out, the rows before a
stopping error), and the run still ends as the contract says when the reader leaves (141), the
output cannot be written or the writer is killed (74), or Ctrl-C comes (130), leaving no process
behind. These run cgrad as a process: in-process runs write to a buffer, which never forks."""
from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO, _environment, run_cgrad_inprocess

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the writer process forks on Linux alone")
FORMULA = "log(x + 4)*y + x"
ROWS = 90_000  # about 3.4 MB of CSV: blocks 3 and 4 go through the writer process


# Runs cgrad and records, in the file FORKS names, each writer process it starts.
_COUNTING = """
import os, sys
from cgcli.cli import row_process
start = row_process._WriterProcess.__init__
def counted(self, *args):
    with open(os.environ["FORKS"], "a") as note:
        note.write("fork\\n")
    start(self, *args)
row_process._WriterProcess.__init__ = counted
from cgcli.cli.main import main
sys.argv[0] = "cgrad"
main()
"""


@pytest.fixture(scope="module")
def points(tmp_path_factory):
    """A CSV of ROWS points whose rows 70 001..70 003 fail (log of a negative number): all in the third block."""
    path = tmp_path_factory.mktemp("rows") / "points.csv"
    rows = [f"{i / 7919 - 3.5!r},{(i * 7) % 1000 / 37 - 13.5!r}\n" for i in range(ROWS)]
    for row in range(70_000, 70_003):
        rows[row] = "-9,1.5\n"
    path.write_text("x,y\n" + "".join(rows))
    assert 3 << 20 < path.stat().st_size < 4 << 20
    return str(path)


def _cgrad(*args: str, tmp_path, **popen) -> subprocess.Popen:
    forks = tmp_path / "forks"
    return subprocess.Popen([sys.executable, "-c", _COUNTING, *args], cwd=REPO,
                            env=_environment({"FORKS": str(forks)}), **popen)


def _forks(tmp_path) -> int:
    forks = tmp_path / "forks"
    return len(forks.read_text().splitlines()) if forks.exists() else 0


@pytest.mark.parametrize("policy, status", [("null", 0), ("skip", 0), ("stop", 1)])
def test_the_writer_process_writes_what_one_process_writes(points, tmp_path, policy, status):
    child = _cgrad("eval", FORMULA, "--points", points, "--on-error", policy, tmp_path=tmp_path,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = child.communicate(timeout=120)
    assert _forks(tmp_path) == 1
    alone = run_cgrad_inprocess("eval", FORMULA, "--points", points, "--on-error", policy)
    assert (child.returncode, out.decode(), err.decode()) == alone
    lines = out.decode().splitlines()
    assert lines[0] == "f,df/dx,df/dy"
    assert err.decode().splitlines()[0] == ("error: " if policy == "stop" else "warning: ") + \
        "row 70001 (line 70002): in t2 = log(x + 4): log of a non-positive number, where x + 4 = -5"
    written = {"null": ROWS, "skip": ROWS - 3, "stop": 70_000}[policy]
    assert child.returncode == status and len(lines) == 1 + written
    for row in (0, 1, 69_999, ROWS - 1):  # the rows keep their order: each is its own point's value
        if row < written:
            x = row / 7919 - 3.5
            y = (row * 7) % 1000 / 37 - 13.5
            line = lines[1 + row - (3 if policy == "skip" and row > 70_002 else 0)]
            assert float(line.split(",")[0]) == pytest.approx(math.log(x + 4) * y + x, rel=1e-14, abs=1e-14)
    if policy == "null":
        assert lines[70_001:70_004] == [",,"] * 3


def test_the_writer_process_writes_json_lines_and_files_alike(points, tmp_path):
    target = tmp_path / "out.jsonl"
    child = _cgrad("eval", FORMULA, "--points", points, "--format", "jsonl", "--on-error", "skip",
                   "-o", str(target), tmp_path=tmp_path, stderr=subprocess.PIPE)
    assert child.wait(timeout=120) == 0 and _forks(tmp_path) == 1
    alone = tmp_path / "alone.jsonl"
    code, _, _ = run_cgrad_inprocess("eval", FORMULA, "--points", points, "--format", "jsonl", "--on-error", "skip",
                                     "-o", str(alone))
    assert code == 0 and target.read_bytes() == alone.read_bytes()


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="no file size limit")
def test_a_failed_write_in_the_writer_process_is_reported_here(points, tmp_path):
    import resource

    def limited():  # files of at most 3 MiB; past that a write fails with EFBIG instead of a signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (3 << 20, 3 << 20))

    target = tmp_path / "out.csv"
    child = _cgrad("eval", FORMULA, "--points", points, "--on-error", "skip", "-o", str(target), tmp_path=tmp_path,
                   stderr=subprocess.PIPE, preexec_fn=limited)
    err = child.communicate(timeout=120)[1].decode()
    assert _forks(tmp_path) == 1  # the first 1.5 MB were written before the fork, the rest fails in the child
    said = [line for line in err.splitlines() if not line.startswith("warning: row 7000")]  # computed ahead
    assert child.returncode == 74 and len(said) == 1
    assert said[0].startswith("error: cannot write /") and said[0].endswith("/out.csv: File too large")
    assert not target.exists() and os.listdir(tmp_path) == ["forks"]  # nothing half-written is left


def _children(pid: int) -> list[int]:
    listed = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(word) for word in listed.split()]


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.parametrize("ending", ["reader leaves", "ctrl-c", "writer killed"])
def test_a_reader_leaving_or_ctrl_c_while_the_writer_process_writes(points, tmp_path, ending):
    # the child gets the default SIGINT back: a suite started in the background has SIGINT ignored
    child = _cgrad("eval", FORMULA, "--points", points, "--on-error", "skip", tmp_path=tmp_path,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    child.stdout.read(3 << 20)  # past the first blocks: the writer process has started, and then waits
    deadline = time.monotonic() + 30
    while not _children(child.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    writers = _children(child.pid)
    assert len(writers) == 1
    if ending == "reader leaves":
        child.stdout.close()
        expected = (141, b"")
    elif ending == "ctrl-c":
        os.killpg(child.pid, signal.SIGINT)  # as the terminal sends it: to the whole process group
        expected = (130, b"error: interrupted\n")
    else:  # the out-of-memory killer's way
        os.kill(writers[0], signal.SIGKILL)
        child.stdout.read()
        expected = (74, b"error: the process writing the rows ended (SIGKILL) before it wrote them all\n")
    status = child.wait(timeout=60)
    # this process computes a block or two ahead of the rows written: their warnings may have come
    said = b"".join(line for line in child.stderr.readlines() if not line.startswith(b"warning: row 7000"))
    assert (status, said) == expected
    assert _gone(writers[0])
