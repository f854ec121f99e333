"""The manual pages are made from the commands (cgcli/cli/manpages.py), and the docs' option tables
list what each command's --help lists: neither is kept by hand."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import click
import pytest

from cgcli.cli.main import cli
from cgcli.cli.manpages import write_pages
from conftest import REPO

CONTEXT = click.Context(cli, info_name="cgrad", **cli.context_settings)
COMMANDS = {name: cli.get_command(CONTEXT, name) for name in cli.list_commands(CONTEXT)}


def _long_options(command: click.Command) -> set[str]:
    return {name for parameter in command.params if isinstance(parameter, click.Option)
            for name in parameter.opts + parameter.secondary_opts if name.startswith("--")}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("man")
    return {Path(path).stem: Path(path).read_text(encoding="utf-8") for path in write_pages(str(folder))}


def test_a_page_per_command_with_every_option(pages):
    assert set(pages) == {"cgrad", *(f"cgrad-{name}" for name in COMMANDS)}
    for name, command in COMMANDS.items():
        text = pages[f"cgrad-{name}"].replace("\\-", "-")
        missing = [option for option in _long_options(command) if option not in text]
        assert not missing, (name, missing)
        assert (command.help or "").split("\n")[0].strip() in text


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_the_pages_render_without_warnings(pages, tmp_path):
    for name, text in pages.items():
        path = tmp_path / f"{name}.1"
        path.write_text(text, encoding="utf-8")
        shown = subprocess.run(["man", "--warnings", "-l", str(path)], capture_output=True, text=True,
                               env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin", "MANPAGER": "cat", "LC_ALL": "C.UTF-8"}, timeout=30)
        assert shown.returncode == 0 and not shown.stderr.strip(), (name, shown.stderr)
        assert "OPTIONS" in shown.stdout or name == "cgrad"


def test_the_eval_option_table_lists_what_help_lists():
    page = Path(REPO, "docs", "eval.md").read_text(encoding="utf-8")
    table = page.split("## Options of `cgrad eval`", 1)[1].split("\n\n", 2)[1]
    first_cells = [re.split(r"(?<!\\)\|", line)[1] for line in table.splitlines() if line.startswith("| `")]
    documented = set(re.findall(r"--[a-z][a-z0-9-]*", " ".join(first_cells)))
    documented |= {"--out"} if any("`-o FILE`" in cell for cell in first_cells) else set()
    documented |= {"--file"} if any("-f FILE" in cell for cell in first_cells) else set()
    offered = _long_options(COMMANDS["eval"]) - {"--help"}
    assert offered - documented == set(), f"options of eval missing from docs/eval.md: {offered - documented}"
    assert documented - offered == set(), "docs/eval.md documents options eval does not have"
