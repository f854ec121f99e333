"""`cgrad notes` on a note of N blocks against what mdsh-style tools do: one `cgrad` process per block.

    .venv/bin/python bench/notes.py [BLOCKS]   # default 20 blocks

Both run the same command lines as whole processes (start-up included), timed with
time.perf_counter: one untimed warm-up, then 5 timed runs; the medians and their ratio are printed.
The per-block side runs the lines from one shell (`bash -c 'cgrad …; cgrad …'`), so it pays no
Python between the blocks, only each block's own start-up.
"""
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

blocks = int(sys.argv[1]) if len(sys.argv) > 1 else 20
lines = [f'eval "u = b*c; v = a + u; J = 3v" --at a={i},b=3,c=2 --format markdown' if i % 2 else
         f'diagram "p = x + y; g = p*z" --at x={i},y=3,z=-3' for i in range(blocks)]
folder = tempfile.mkdtemp(prefix="cgrad-bench-notes-")
note = os.path.join(folder, "note.md")
with open(note, "w", encoding="utf-8") as handle:
    handle.write("".join(f"Block {i}:\n\n```cgrad\n{line}\n```\n\n" for i, line in enumerate(lines)))
cgrad = [sys.executable, "-m", "cgcli"]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
env = dict(os.environ, PYTHONPATH=root)
subprocess.run(cgrad + ["notes", note], check=True, env=env)  # filled once: later runs only check
per_block = "; ".join(shlex.join(cgrad + shlex.split(line)) + " >/dev/null" for line in lines)


def median(argv: list[str]) -> float:
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


notes = median(cgrad + ["notes", "--check", note])
forked = median(["bash", "-c", per_block])
print(f"{blocks} blocks: cgrad notes --check {notes:.3f} s; one cgrad process per block {forked:.3f} s; "
      f"ratio {notes / forked:.2f}x")
