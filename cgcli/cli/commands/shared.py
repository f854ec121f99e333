"""What the diagram, paths and eval commands share beyond options.py: worksheets (--blank, --answers) and writing to -o FILE."""
from __future__ import annotations

import click

from .. import output
from ...errors import InputError
from ...render import BLANK_CHOICES  # the choice alone: the derivation model loads when a format needs it


def worksheet_options(function):
    """--blank grads|all and --answers."""
    function = click.option("--answers", is_flag=True,
                            help="The answer key of the --blank worksheet: the same layout, every blank filled.")(function)
    return click.option("--blank", type=click.Choice(BLANK_CHOICES), metavar="grads|all",
                        help="A worksheet: grads leaves every number of the backward pass (local derivatives, "
                             "products, ∂out/∂node, the gradient) empty; all leaves the forward values empty too.")(function)


def worksheet_title(blank: str | None, answers: bool) -> str | None:
    if answers:
        return "Answer key"
    return "Worksheet" if blank else None


def titled(text: str, title: str | None) -> str:
    """A terminal table's text under the worksheet's title (and what to do), if it is one."""
    if not title:
        return text
    hint = ": fill in every ____ (the key: the same command with --answers)" if title == "Worksheet" else ""
    return f"{title}{hint}\n\n{text}"


def out_option(function):
    # a plain string, not click.Path(dir_okay=False): every FILE the system refuses (a directory, a
    # missing folder, a full disk) is the same output failure, exit 74, reported by output.write_file
    return click.option("-o", "--out", "out_file", metavar="FILE",
                        help="Write the result to FILE instead of standard output ('-').")(function)


def emit(text: str | bytes, out_file: str | None) -> None:
    """The result to stdout (through output.write) or to FILE, byte-exact, UTF-8 with \\n line ends."""
    if out_file is None or out_file == "-":
        if isinstance(text, bytes):
            raise InputError("this format is binary: give -o FILE")
        output.write(text)
        return
    output.write_file(text if isinstance(text, bytes) else text.encode("utf-8"), out_file)


def eval_output(trace, output_format: str, out_file: str | None, blank: str | None, answers: bool, max_rows: int,
                with_trace: bool) -> None:
    """`cgrad eval`'s result in its format, as a worksheet or its key if asked, to stdout or -o FILE."""
    if (blank or answers) and output_format == "json":
        raise InputError("--blank and --answers make worksheets: use them with --format table, markdown or latex")
    from ...render.formats import RenderOptions, render

    title = worksheet_title(blank, answers)
    options = RenderOptions(terminal=out_file in (None, "-") and output.is_terminal(), with_trace=with_trace,
                            title=title)
    if output_format == "json":
        from ...render import json

        emit(json.render(trace, options), out_file)
        return
    from ...render.derivation import derive

    text = render(output_format, derive(trace, None if answers else blank, max_rows), options)
    emit(titled(text, title) if output_format == "table" else text, out_file)
