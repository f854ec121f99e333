"""Manual pages made from the commands themselves: `python -m cgcli.cli.manpages DIR` writes cgrad.1 and
one cgrad-COMMAND.1 per command, from each click command's help text and parameters."""
from __future__ import annotations

import os
import sys

import click

from .. import __version__


def _roff(text: str) -> str:
    """Text safe in a roff body: backslashes and leading dots or quotes escaped."""
    lines = []
    for line in text.replace("\\", "\\e").replace("-", "\\-").splitlines():
        lines.append("\\&" + line if line.startswith((".", "'")) else line)
    return "\n".join(lines)


def _paragraphs(help_text: str) -> str:
    """click's help text as roff: \\b blocks kept as they are (.nf), other paragraphs filled."""
    import inspect

    out = []
    for block in inspect.cleandoc(help_text).split("\n\n"):
        if block.startswith("\b"):
            out.append(".PP\n.nf\n" + _roff(block.lstrip("\b").strip("\n")) + "\n.fi")
        else:
            out.append(".PP\n" + _roff(" ".join(line.strip() for line in block.splitlines())))
    return "\n".join(out)


def _option(parameter: click.Parameter, context: click.Context) -> str:
    record = parameter.get_help_record(context)
    if record is None or not record[1]:
        return ""
    names, help_text = record
    return f".TP\n.B {_roff(names)}\n{_roff(help_text)}"


def page(name: str, command: click.Command, summary: str, parent: click.Context | None = None) -> str:
    """The roff text of one manual page. (Contexts carry the group's settings: click caches a command's
    help option from the first context that asks, so a bare one would take `-h` away for the process.)"""
    context = click.Context(command, info_name=name, parent=parent, **({} if parent else command.context_settings))
    usage = " ".join(command.collect_usage_pieces(context))
    options = [text for text in (_option(parameter, context) for parameter in command.get_params(context)) if text]
    sections = [f'.TH "{name.upper()}" 1 "" "cgrad {__version__}" "cgrad manual"',
                ".SH NAME", f"{_roff(name)} \\- {_roff(summary)}",
                ".SH SYNOPSIS", f".B {_roff(name)}\n{_roff(usage)}",
                ".SH DESCRIPTION", _paragraphs(command.help or "")]
    if options:
        sections += [".SH OPTIONS", *options]
    if isinstance(command, click.Group):
        sections += [".SH COMMANDS"] + [f".TP\n.B {_roff(sub)}\n{_roff(command.get_command(context, sub).get_short_help_str(200))}"
                                       for sub in command.list_commands(context)]
    sections += [".SH SEE ALSO", ", ".join(f"cgrad\\-{sub}(1)" for sub in _commands()) if name == "cgrad" else "cgrad(1)"]
    return "\n".join(sections) + "\n"


def _commands() -> list[str]:
    from .main import cli

    return cli.list_commands(click.Context(cli, **cli.context_settings))


def write_pages(folder: str) -> list[str]:
    """Write cgrad.1 and cgrad-COMMAND.1 into `folder`; the paths written."""
    from .main import cli

    os.makedirs(folder, exist_ok=True)
    context = click.Context(cli, info_name="cgrad", **cli.context_settings)
    pages = {"cgrad": (cli, "values, gradients and textbook derivations of formulas")}
    for sub in cli.list_commands(context):
        command = cli.get_command(context, sub)
        pages[f"cgrad-{sub}"] = (command, command.get_short_help_str(200))
    written = []
    for name, (command, summary) in pages.items():
        path = os.path.join(folder, f"{name}.1")
        with open(path, "w", encoding="utf-8") as file:
            file.write(page(name, command, summary, None if command is cli else context))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_pages(sys.argv[1] if len(sys.argv) > 1 else "man"):
        print(written_path)
