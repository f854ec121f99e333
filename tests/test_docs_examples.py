"""Every console example in README.md, CONTRIBUTING.md and docs/ runs and prints what the page shows,
and every Python example (`>>>`) passes as a doctest.

A ```console block holds `$ command` lines, each followed by the output it shows; a line `…` stands for
any number of omitted lines. A plain `cgrad …` command runs in this process; one with a pipe or a
redirection runs through bash with `cgrad` on the PATH. Examples run in a scratch folder that holds the
repository's examples/ folder, so the files they read are the repository's own."""
from __future__ import annotations

import doctest
import os
import re
import shlex
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import REPO, run_cgrad_inprocess

PAGES = sorted([Path(REPO, "README.md"), *Path(REPO).glob("CONTRIBUTING.md"), *Path(REPO, "docs").glob("*.md")])
SHELL = re.compile(r"[|<>;&`]|\$\(")


def console_examples(page: Path) -> list[tuple[int, str, list[str]]]:
    """(line number, command, shown output lines) of every `$ ` line in the page's console blocks
    (```console, or a bare ``` block whose lines start with `$ `)."""
    examples, block, fence, kind = [], [], None, ""
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        ticks = re.match(r"`{3,}", line)
        if fence is None:
            if ticks:
                fence, kind, block = ticks.group(0), line[ticks.end():].strip(), []
            continue
        if ticks and len(ticks.group(0)) >= len(fence) and not line[ticks.end():].strip():
            if kind in ("", "console"):
                examples.extend(block)
            fence = None
        elif line.startswith("$ "):
            block.append((number, line[2:], []))
        elif block and block[-1][1].endswith("\\") and not block[-1][2]:
            number0, command, shown = block[-1]
            block[-1] = (number0, command[:-1].rstrip() + " " + line.strip(), shown)
        elif block:
            block[-1][2].append(line)
    return examples


def matches(shown: list[str], printed: list[str]) -> bool:
    """Whether `printed` is `shown`, where a line `…` in `shown` stands for any run of lines."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if line.strip() == "…" else re.escape(line.rstrip()) + r"\n"
                      for line in shown)
    return re.fullmatch(pattern, "".join(line.rstrip() + "\n" for line in printed)) is not None


def _cases():
    for page in PAGES:
        for number, command, shown in console_examples(page):
            yield pytest.param(command, shown, id=f"{page.relative_to(REPO)}:{number}")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A folder with the repository's examples/ in it, and a `cgrad` that runs this checkout."""
    folder = tmp_path_factory.mktemp("examples")
    os.symlink(os.path.join(REPO, "examples"), folder / "examples")
    bin_folder = folder / ".bin"
    bin_folder.mkdir()
    launcher = bin_folder / "cgrad"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cgcli "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    return folder


@pytest.mark.parametrize("command, shown", list(_cases()))
def test_console_example_prints_what_the_page_shows(command: str, shown: list[str], scratch: Path):
    if command.startswith("cgrad ") and not SHELL.search(command):
        _, out, err = run_cgrad_inprocess(*shlex.split(command)[1:], cwd=str(scratch))
    else:
        environment = {**os.environ, "PATH": f"{scratch / '.bin'}{os.pathsep}{os.environ['PATH']}",
                       "PYTHONPATH": REPO, "COLUMNS": "200"}
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=scratch, env=environment,
                              capture_output=True, text=True, timeout=60)
        out, err = done.stdout, done.stderr
    printed = (out + err).splitlines()
    assert matches(shown, printed), "the page shows:\n" + "\n".join(shown) + "\n\nit prints:\n" + "\n".join(printed)


def test_the_matcher_reads_the_ellipsis():
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"]) and matches(["a", "…", "b"], ["a", "b"])
    assert not matches(["a", "d"], ["a", "b", "d"]) and not matches(["a", "…"], ["b"])


def test_the_docs_are_pages_with_examples():
    with_examples = [page for page in PAGES if page.parent.name == "docs" and console_examples(page)]
    assert len(with_examples) >= 6, with_examples


@pytest.mark.parametrize("page", [page for page in PAGES if ">>>" in page.read_text(encoding="utf-8")],
                         ids=lambda page: str(page.relative_to(REPO)))
def test_python_examples_pass(page: Path, scratch: Path):
    blocks = re.findall(r"```(?:python|pycon)\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    saved = os.getcwd()
    os.chdir(scratch)
    try:
        for number, block in enumerate(blocks):
            test = parser.get_doctest(block, {"Fraction": Fraction}, f"{page.name} block {number}", str(page), 0)
            runner.run(test)
    finally:
        os.chdir(saved)
    assert runner.summarize(verbose=False).failed == 0
