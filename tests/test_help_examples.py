"""Every example in every command's --help runs (from a checkout's root: the files they name are examples/'s)."""
from __future__ import annotations

import shlex
import shutil

import pytest

from conftest import REPO, run_cgrad_inprocess
from cgcli.cli.main import COMMANDS

# run elsewhere: test_notes.py::test_the_docs_are_current checks every docs page; pipes need a shell
ELSEWHERE = {"cgrad notes --check docs/*.md"}


def help_examples(name: str) -> list[str]:
    """The command lines under `Examples:` in `cgrad NAME -h`, a line ending in `\\` joined to the next."""
    _, out, _ = run_cgrad_inprocess(name, "-h")
    examples: list[str] = []
    going_on = False
    for line in out.split("Examples:", 1)[1].split("\n\n", 1)[0].splitlines():
        text = line.strip()
        if going_on:
            examples[-1] += " " + text.rstrip("\\").strip()
        elif text.startswith("cgrad "):
            examples.append(text.rstrip("\\").strip())
        going_on = text.endswith("\\")
    return examples


def _cases():
    for name in COMMANDS:
        for example in help_examples(name):
            if example not in ELSEWHERE and "|" not in example:
                yield pytest.param(example, id=f"{name}:{example[:60]}")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """A copy of the files the examples read, where the files they write can land."""
    folder = tmp_path_factory.mktemp("checkout")
    shutil.copytree(f"{REPO}/examples", folder / "examples")
    return folder


@pytest.mark.parametrize("example", list(_cases()))
def test_every_help_example_runs(example: str, checkout):
    code, _, err = run_cgrad_inprocess(*shlex.split(example)[1:], cwd=str(checkout))
    # a --check of a stale note exits 1 with its diff: what the example is there to show
    expected = 1 if "--check" in example and "stale" in example else 0
    assert code == expected, f"exit {code}\n{err}"
