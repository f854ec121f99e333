"""Options shared by the commands, and reading the program text they name."""
from __future__ import annotations

import re
import sys

import click

from .errors import InputError, shorten

_LONG_OPTION = re.compile(r"--[A-Za-z][\w-]*(=.*)?")
_MATH = re.compile(r"[-+*/^()\s·×−]")  # "-f^2" is an expression, "-fprogram.txt" is -f program.txt


class ExpressionCommand(click.Command):
    """A command whose EXPR may start with '-': `cgrad eval -x^2 --at x=3` just works.

    An argument that starts with '-' but is no option of the command is taken as the expression
    and moved behind '--', where click reads it as the positional argument.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" not in args:
            takes_value = {name for param in self.params if isinstance(param, click.Option) and not param.is_flag
                           for name in param.opts + param.secondary_opts}
            known = {name for param in self.params for name in getattr(param, "opts", [])} | {"--help"}
            skip = False
            for index, arg in enumerate(args):
                if skip:
                    skip = False
                    continue
                if arg in takes_value:
                    skip = True
                elif (arg.startswith("-") and arg != "-" and arg.split("=")[0] not in known
                      and not _LONG_OPTION.fullmatch(arg)
                      and not (arg[:2] in takes_value and not _MATH.search(arg[2:]))):
                    args = args[:index] + args[index + 1:] + ["--", arg]
                    break
        return super().parse_args(ctx, args)


def expression_input(function):
    """EXPR (or '-' for stdin) and -f FILE."""
    function = click.option("-f", "--file", "program_file", type=click.Path(dir_okay=False, allow_dash=True),
                            help="Read the program from FILE ('-' for stdin).")(function)
    return click.argument("expression", required=False, metavar="EXPR")(function)


def at_option(function):
    return click.option("--at", "at", multiple=True, metavar="NAME=VALUE[,...]",
                        help="Values of the variables: a=1,b=-2.5,c=1/3 (repeatable).")(function)


def read_program(expression: str | None, program_file: str | None) -> str:
    """The program text from EXPR, '-' (stdin) or -f FILE."""
    if expression is not None and program_file is not None:
        raise InputError("give either EXPR or -f FILE, not both")
    if expression == "-" or program_file == "-":
        return _decode(sys.stdin.buffer.read(), "stdin")
    if program_file is not None:
        try:
            with open(program_file, "rb") as handle:
                return _decode(handle.read(), program_file)
        except OSError as failure:
            raise InputError(f"cannot read {shorten(program_file)}: {failure.strerror or failure}") from None
    if expression is None:
        raise InputError("no expression: give EXPR, '-' to read stdin, or -f FILE")
    return expression


def _decode(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        raise InputError(f"{shorten(origin)} is not UTF-8 text (byte {failure.start + 1} cannot be decoded)") from None
