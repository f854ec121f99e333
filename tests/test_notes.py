"""`cgrad notes`: a note's ```cgrad blocks filled in place, kept byte for byte elsewhere, checked, refused whole.

The numbers asserted are worked by hand: seed 001's J = 3(a + bc) at a=5, b=3, c=2 is 3·(5 + 6) = 33,
∂J/∂a = 3, ∂J/∂b = 3c = 6, ∂J/∂c = 3b = 9; x·y at x=2, y=3 is 6 with ∂/∂x = y = 3, ∂/∂y = x = 2.
"""
from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from conftest import REPO, required_program, run_cgrad_inprocess

SEED = "u = b*c; v = a + u; J = 3v"
NOTE = f"""# Seed 001, worked by cgrad

The tutorial's function J(a, b, c) = 3(a + bc), at a = 5, b = 3, c = 2:

```cgrad
eval "{SEED}" --at a=5,b=3,c=2 --format markdown
```

Its graph, without numbers:

```cgrad
diagram "{SEED}"
```

As data for a script:

```cgrad
eval "{SEED}" --at a=5,b=3,c=2 --format json --no-trace
```

And as the terminal shows it (a comment line, then the command):

```cgrad
# the trace tables
eval "x*y" --at x=2,y=3
```

Prose after the last block, which stays as it is.
"""
REGION = re.compile(r"<!-- cgrad:begin[^\n]*-->\n.*?<!-- cgrad:end -->\n", re.S)


def _notes(*args: str, cwd: str | None = None) -> tuple[int, str, str]:
    return run_cgrad_inprocess("notes", *args, cwd=cwd)


def _write(path, text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(data)
    return str(path)


def filled_note(tmp_path) -> str:
    """The sample note, filled; its text."""
    note = _write(tmp_path / "note.md", NOTE)
    code, out, err = _notes(note)
    assert (code, out, err) == (0, "", ""), err
    with open(note, encoding="utf-8") as handle:
        return handle.read()


def _regions(text: str) -> list[str]:
    return REGION.findall(text)


def test_a_note_is_filled_in_place_and_nothing_else_changes(tmp_path):
    text = filled_note(tmp_path)
    regions = _regions(text)
    assert len(regions) == 4
    assert REGION.sub("", text) == NOTE  # everything outside the generated regions, byte for byte
    worked, graph, data, table = regions
    # Markdown as it is: the worked solution, its Mermaid graph and tables
    assert "**J = 33**" in worked and "```mermaid\n" in worked and "| variable | value | ∂J/∂variable |" in worked
    assert re.search(r"^\| b \| 3 \| 6 \|$", worked, re.M) and re.search(r"^\| c \| 2 \| 9 \|$", worked, re.M)
    # Mermaid in a mermaid fence: 4 inputs and constants (a, b, c, 3) and 3 ops, 6 edges
    source = graph.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert len(re.findall(r"^    n\d+[\[(]", source, re.M)) == 7 and source.count(" --> ") == 6
    # JSON in a json fence
    document = json.loads(data.split("```json\n", 1)[1].split("\n```", 1)[0])
    assert (document["value"], document["gradient"]) == (33, {"a": 3, "b": 6, "c": 9})
    # the terminal's tables in a text fence, as a pipe gets them (no colour, no wrapping)
    assert table.split("\n")[2] == "```text" and "\x1b" not in table
    assert re.search(r"^  x\s+2\s+3$", table, re.M) and re.search(r"^  y\s+3\s+2$", table, re.M)


def test_a_second_run_changes_nothing(tmp_path):
    text = filled_note(tmp_path)
    note = tmp_path / "note.md"
    before = os.stat(note).st_mtime_ns
    assert _notes(str(note)) == (0, "", "")
    assert note.read_text(encoding="utf-8") == text
    assert os.stat(note).st_mtime_ns == before  # not even rewritten
    assert _notes("--check", str(note)) == (0, "", "")


def test_an_edit_makes_the_note_stale_and_a_run_refreshes_it(tmp_path):
    filled_note(tmp_path)
    note = tmp_path / "note.md"
    edited = note.read_text(encoding="utf-8").replace('eval "x*y" --at x=2,y=3', 'eval "x*y" --at x=4,y=3')
    note.write_text(edited, encoding="utf-8")
    code, out, err = _notes("--check", str(note))
    assert code == 1
    assert err == f"error: a note is out of date: `cgrad notes {note}` refreshes it\n"
    assert out.startswith(f"--- {note}\n+++ {note}\n@@ ")
    # x*y at x=4, y=3 is 12, ∂/∂y = x = 4
    assert re.search(r"^-  f\s+x · y\s+x\*y\s+6$", out, re.M) and re.search(r"^\+  f\s+x · y\s+x\*y\s+12$", out, re.M)
    assert note.read_text(encoding="utf-8") == edited  # --check wrote nothing
    assert _notes(str(note)) == (0, "", "")
    refreshed = note.read_text(encoding="utf-8")
    assert re.search(r"^  y\s+3\s+4$", refreshed, re.M)
    assert _notes("--check", str(note)) == (0, "", "")


def test_dry_run_prints_the_new_note_and_writes_nothing(tmp_path):
    note = _write(tmp_path / "note.md", NOTE)
    code, out, err = _notes("--dry-run", note)
    assert (code, err) == (0, "")
    assert REGION.sub("", out) == NOTE and len(_regions(out)) == 4
    assert open(note, encoding="utf-8").read() == NOTE
    assert _notes("--dry-run", "--check", note)[0] == 2


@pytest.mark.parametrize("block, status, message", [
    # 1/x at x = 0: the math fails, exit 1, with the command's own message
    ('eval "1/x" --at x=0', 1, 'cgrad eval "1/x" --at x=0: in f = 1/x: division by zero, where x = 0 (column 1)'),
    ('eval "x +" --at x=1', 2, 'cgrad eval "x +" --at x=1: syntax error: unexpected end of input'),
    ('eval x --at x=1 --no-such-option', 2, "No such option '--no-such-option'"),
    ('frobnicate x', 2, "no command 'frobnicate'"),
    ('eval "x --at x=1', 2, "cannot split this command line: No closing quotation"),
    ('notes other.md', 2, "a note's block cannot run `cgrad notes` itself"),
])
def test_a_failing_block_leaves_the_note_unchanged_and_names_its_line(tmp_path, block, status, message):
    text = filled_note(tmp_path).replace('eval "x*y" --at x=2,y=3', 'eval "x*y" --at x=7,y=3')
    broken = text.replace("Prose after the last block", f"```cgrad\neval x --at x=1\n{block}\n```\n\nProse after")
    note = _write(tmp_path / "note.md", broken)
    line = broken.split("\n").index(block) + 1
    code, out, err = _notes(note)
    assert (code, out) == (status, "")
    assert err.startswith(f"error: {note}, line {line}: ")
    assert message in err.split("\n")[0]
    assert open(note, encoding="utf-8").read() == broken  # not even the blocks before it were written


def test_bad_files_are_refused_with_exit_2(tmp_path):
    missing = str(tmp_path / "missing.md")
    assert _notes("missing.md", cwd=str(tmp_path)) == (2, "", "error: cannot read missing.md: No such file or directory\n")
    _write(tmp_path / "latin.md", "caf\xe9\n".encode("latin-1"))
    assert _notes("latin.md", cwd=str(tmp_path)) == (2, "", "error: latin.md is not UTF-8 text (byte 4 cannot be decoded)\n")
    unclosed = _write(tmp_path / "open.md", "text\n\n```cgrad\neval x --at x=1\n")
    assert _notes(unclosed) == (2, "", f"error: {unclosed}, line 3: the ``` fence opened here is never closed\n")
    half = _write(tmp_path / "half.md", filled_note(tmp_path).replace("<!-- cgrad:end -->\n", "", 1))
    code, _, err = _notes(half)
    assert code == 2 and f"{half}, line 8: the output of the block above starts here but its end marker" in err
    # of several notes, none is written when one is refused
    good = _write(tmp_path / "good.md", NOTE)
    assert _notes(good, missing)[0] == 2
    assert open(good, encoding="utf-8").read() == NOTE


def test_fences_that_are_not_cgrad_blocks_are_left_alone(tmp_path):
    text = ("A note that shows how a block is written:\n\n````markdown\n```cgrad\neval x --at x=1\n```\n````\n\n"
            "~~~cgrad\neval \"x*y\" --at x=2,y=3 --format json --no-trace\n~~~\n")
    note = _write(tmp_path / "note.md", text)
    assert _notes(note) == (0, "", "")
    filled = open(note, encoding="utf-8").read()
    assert len(_regions(filled)) == 1 and REGION.sub("", filled) == text
    assert '"gradient": {"x": 3, "y": 2}' in filled


def test_line_ends_and_a_byte_order_mark_are_kept(tmp_path):
    text = "\ufeff```cgrad\r\neval \"x*y\" --at x=2,y=3 --format json --no-trace\r\n```\r\nafter\r\n"
    note = _write(tmp_path / "note.md", text)
    assert _notes(note) == (0, "", "")
    data = open(note, "rb").read()
    assert data.startswith("\ufeff```cgrad\r\n".encode()) and data.endswith(b"<!-- cgrad:end -->\r\nafter\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line end is still CRLF
    assert _notes(note) == (0, "", "") and open(note, "rb").read() == data


def test_blocks_run_in_the_notes_folder_and_link_the_files_they_write(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "data.csv").write_text("x,y\n1,2\n3,4\n", encoding="utf-8")
    text = ("```cgrad\neval \"x*y\" --points data.csv\neval \"x*y\" --at x=2,y=3 --format json -o out/result.json\n"
            "eval \"x*y\" --at x=2,y=3 --format json --out=same.json\n"
            "diagram \"x*y\" --at x=1,y=2 --steps -o frames/\n```\n")
    note = _write(folder / "note.md", text)
    assert _notes("--check", note, cwd=str(tmp_path))[0] == 1
    assert sorted(os.listdir(folder)) == ["data.csv", "note.md"]  # --check wrote nothing, not even the files
    assert _notes(note, cwd=str(tmp_path)) == (0, "", "")
    filled = open(note, encoding="utf-8").read()
    # x*y at (1, 2) and (3, 4): 2 and 12, gradients (y, x)
    assert "```text\nf,df/dx,df/dy\n2,2,1\n12,4,3\n```" in filled
    assert "- [out/result.json](out/result.json)\n\n- [same.json](same.json)" in filled
    assert json.loads((folder / "out" / "result.json").read_text())["gradient"] == {"x": 3, "y": 2}
    frames = sorted(os.listdir(folder / "frames"))
    assert len(frames) == 6  # x*y: 3 forward steps, 3 backward
    assert "\n".join(f"- [frames/{name}](frames/{name})" for name in frames) in filled
    assert _notes("--check", note, cwd=str(tmp_path)) == (0, "", "")
    (folder / "same.json").write_text("{}", encoding="utf-8")
    code, out, _ = _notes("--check", note, cwd=str(tmp_path))
    assert code == 1 and out == f"File {folder / 'same.json'} differs from what its block writes\n"


def test_timeout_applies_to_each_block(tmp_path):
    note = _write(tmp_path / "note.md",
                  '```cgrad\neval "exp(x)*sin(x)" --at x=1 --digits 200000 --max-digits 1000000 --no-trace\n```\n')
    code, out, err = _notes("--timeout", "0.05", note)
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {note}, line 2: cgrad eval") and "gave up after 0.05 s" in err
    assert open(note, encoding="utf-8").read().count("cgrad:begin") == 0


def test_the_note_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    note = _write(tmp_path / "note.md", NOTE)

    def refuse(source, target):
        raise PermissionError(13, "Permission denied")

    from cgcli.text import shorten

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = _notes(note)
    assert (code, err) == (74, f"error: cannot write {shorten(note)}: Permission denied\n")
    assert os.listdir(tmp_path) == ["note.md"]  # the temporary file is gone
    assert open(note, encoding="utf-8").read() == NOTE


def test_latex_goes_in_display_math_when_it_is_plain_math(tmp_path):
    note = _write(tmp_path / "note.md", '```cgrad\nderive "x^2" --wrt x --format latex\n'
                                        'eval "x^2" --at x=3 --format latex\n```\n')
    assert _notes(note)[0] == 0
    filled = open(note, encoding="utf-8").read()
    # d(x²)/dx = 2x: a bare align* is math; eval's fragment has % comments and \intertext: LaTeX source
    assert re.search(r"\n\$\$\n\\begin\{align\*\}\n.*2 \\cdot x\n\\end\{align\*\}\n\$\$\n", filled)
    assert "```latex\n% cgrad: x^2\n" in filled


def test_the_filled_note_renders_through_pandoc(tmp_path):
    pandoc = required_program("pandoc", "pandoc", "pandoc")
    filled_note(tmp_path)
    done = subprocess.run([pandoc, "--from", "gfm+tex_math_dollars", "--to", "html", "--mathjax", "--no-highlight", str(tmp_path / "note.md")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    html = done.stdout
    assert html.count('<pre class="mermaid">') == 2  # eval's worked solution and the diagram
    assert html.count("<table>") == 3  # the worked solution's forward, backward and gradient tables
    assert '<pre class="json">' in html and '<pre class="text">' in html
    assert html.count('class="math display"') == 6  # the chain rule at each of J, v, a, u, c, b
    assert "<!-- cgrad:begin" in html and "Prose after the last block" in html


def test_the_pre_commit_hooks_run_cgrad_notes():
    import yaml

    with open(os.path.join(REPO, ".pre-commit-hooks.yaml"), encoding="utf-8") as handle:
        hooks = {hook["id"]: hook for hook in yaml.safe_load(handle)}
    assert hooks["cgrad-notes"]["entry"] == "cgrad notes"
    assert hooks["cgrad-notes-check"]["entry"] == "cgrad notes --check"
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types"] == ["markdown"]


def test_the_docs_are_current():
    """Every docs page's cgrad blocks, as `cgrad notes --check` sees them (run `cgrad notes docs/*.md`)."""
    docs = os.path.join(REPO, "docs")
    pages = sorted(os.path.join("docs", name) for name in os.listdir(docs) if name.endswith(".md"))
    assert "docs/notes.md" in pages
    code, out, err = _notes("--check", *pages)
    assert (code, err) == (0, ""), out + err


def test_pictures_and_the_stepper_page_are_written_beside_the_note(tmp_path, dot):
    note = _write(tmp_path / "note.md", '```cgrad\ndiagram "x*y" --at x=2,y=3 --format svg -o pictures/graph.svg\n'
                                        'diagram "x*y" --at x=2,y=3 --format html -o stepper.html\n```\n')
    assert _notes(note) == (0, "", "")
    filled = open(note, encoding="utf-8").read()
    assert "\n![pictures/graph.svg](pictures/graph.svg)\n\n- [stepper.html](stepper.html)\n" in filled
    svg = (tmp_path / "pictures" / "graph.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "f = x · y = 6" in svg.replace("&#183;", "·")
    assert (tmp_path / "stepper.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert _notes("--check", note) == (0, "", "")  # Graphviz draws the same picture again


def test_code_goes_in_a_fence_of_its_language_and_lines_continue(tmp_path):
    note = _write(tmp_path / "note.md", '```cgrad\ncodegen "x*y"\ncodegen "x*y" \\\n    --lang c\n'
                                        'eval "x*y" --at x=2,y=3 --format json --no-trace --each\n```\n')
    assert _notes(note)[0] == 0
    filled = open(note, encoding="utf-8").read()
    python = filled.split("```python\n", 1)[1].split("\n```", 1)[0]
    namespace: dict = {}
    exec(python, namespace)
    assert namespace["value_and_grad"](2.0, 3.0) == (6.0, (3.0, 2.0))  # x·y, (y, x)
    assert "```c\n" in filled and "double value_and_grad(const double *in, double *grad)" in filled
    record = json.loads(filled.split("```json\n", 1)[1].split("\n```", 1)[0])  # --each: JSON lines, in a json fence
    assert (record["value"], record["gradient"]) == (6, {"x": 3, "y": 2})
