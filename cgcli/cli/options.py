"""Options shared by the commands, and reading the program text they name."""
from __future__ import annotations

import errno
import os
import re
import sys

import click

from ..errors import InputError
from ..text import shorten
from .output import HelpThroughOutput
from ..numbers import DEFAULT_MAX_DIGITS, RELU0_CHOICES, number_system
from ..passes.timeout import within

# patterns as text, compiled by re on first use: only an argument that starts with "-" needs them, and
# compiling them costs milliseconds of every start
_LONG_OPTION = r"--[A-Za-z][\w-]*(=.*)?"
_MATH = r"[-+*/^()\s·×−]"  # "-f^2" is an expression, "-fprogram.txt" is -f program.txt


class ExpressionCommand(HelpThroughOutput, click.Command):
    """A command whose EXPR may start with '-': `cgrad eval -x^2 --at x=3` just works.

    An argument that starts with '-' but is no option of the command (nor -h/--help) is taken as
    the expression and moved behind '--', where click reads it as the positional argument.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" not in args:
            args = self._expression_behind_dashes(ctx, args)
        return super().parse_args(ctx, args)

    def _expression_behind_dashes(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {name for param in self.params if isinstance(param, click.Option) and not param.is_flag
                       for name in param.opts + param.secondary_opts}
        known = {name for param in self.params for name in getattr(param, "opts", [])}
        known.update(self.get_help_option_names(ctx))
        skip = False
        for index, arg in enumerate(args):
            if skip:
                skip = False
                continue
            if arg in takes_value:
                skip = True
            elif (arg.startswith("-") and arg != "-" and arg.split("=")[0] not in known
                  and not re.fullmatch(_LONG_OPTION, arg)
                  and not (arg[:2] in takes_value and not re.search(_MATH, arg[2:]))):
                return args[:index] + args[index + 1:] + ["--", arg]
        return args


def expression_input(function):
    """EXPR (or '-' for stdin), -f FILE, and --syntax, which holds while the command runs."""
    import functools

    from ..language.syntax import SYNTAXES, chosen_syntax

    @functools.wraps(function)
    def with_syntax(*args, syntax, **kwargs):
        token = chosen_syntax.set(syntax)
        try:
            return function(*args, **kwargs)
        finally:
            chosen_syntax.reset(token)

    wrapped = click.option("--syntax", type=click.Choice(SYNTAXES), default="auto", show_default=True,
                           help="The program's language: auto reads a program wrapped in $…$ or $$…$$ as LaTeX "
                                "math, and any other in cgrad's own; latex or cgrad forces one.")(with_syntax)
    wrapped = click.option("-f", "--file", "program_file", type=click.Path(dir_okay=False, allow_dash=True),
                           help="Read the program from FILE ('-' for stdin).")(wrapped)
    return click.argument("expression", required=False, metavar="EXPR")(wrapped)


def at_option(function):
    return click.option("--at", "at", multiple=True, metavar="NAME=VALUE[,...]",
                        help="Values of the variables: a=1,b=-2.5,c=1/3 (repeatable).")(function)


def read_program(expression: str | None, program_file: str | None) -> str:
    """The program text from EXPR, '-' (stdin) or -f FILE."""
    if expression is not None and program_file is not None:
        raise InputError("give either EXPR or -f FILE, not both")
    if expression == "-" or program_file == "-":
        return _decode(_read_stdin(), "stdin")
    if program_file is not None:
        try:
            with open(program_file, "rb") as handle:
                return _decode(handle.read(), program_file)
        except OSError as failure:
            raise InputError(f"cannot read {shorten(program_file)}: {failure.strerror or failure}") from None
    if expression is None:
        raise InputError("no expression: give EXPR, '-' to read stdin, or -f FILE")
    return expression


def _read_stdin() -> bytes:
    if sys.stdin is None:  # Python started with stdin closed (`cgrad eval - <&-`)
        raise InputError(f"cannot read standard input: {os.strerror(errno.EBADF)}")
    try:
        return sys.stdin.buffer.read()
    except OSError as failure:  # e.g. a directory as stdin: `cgrad eval - < /tmp`
        raise InputError(f"cannot read standard input: {failure.strerror or failure}") from None


def _decode(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        raise InputError(f"{shorten(origin)} is not UTF-8 text (byte {failure.start + 1} cannot be decoded)") from None


def number_options(function):
    """--exact, --digits N, --interval, --max-digits, --timeout, --relu0; the command receives `numbers`
    and runs within --timeout."""
    options = [
        click.option("--exact", is_flag=True, help="Exact rational arithmetic: 0.1 is 1/10, results print as fractions."),
        click.option("--digits", type=click.IntRange(min=1), metavar="N",
                     help="N correct significant digits (mpmath), certified with interval arithmetic."),
        click.option("--interval", is_flag=True, help="Interval arithmetic: every value is a rigorous enclosure "
                                                      "[lo, hi]; --at x=0.99..1.01 takes ranges."),
        click.option("--max-digits", type=click.IntRange(min=1), default=DEFAULT_MAX_DIGITS, show_default=True,
                     help="Refuse, before computing it, any number that would take more digits than this written "
                          "out in full (2^(10^6), 10^-200000), in every mode; and --digits above this."),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
                     help="Give up (exit 1) after this many seconds, naming the node being computed "
                          "[default: no limit]."),
        click.option("--relu0", type=click.Choice(RELU0_CHOICES), default="0", show_default=True,
                     help="The value taken for relu'(0)."),
    ]

    def with_numbers(*args, exact, digits, interval, max_digits, timeout, relu0, **kwargs):
        if exact and (digits or interval):
            raise InputError("--exact cannot be combined with --digits or --interval")
        mode = "exact" if exact else "interval" if interval else "digits" if digits else "float"
        numbers = number_system(mode, digits, max_digits, relu0)
        return within(timeout, lambda: function(*args, numbers=numbers, **kwargs))

    import functools

    wrapped = functools.update_wrapper(with_numbers, function)
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped
