"""Options shared by the commands, and reading the program text they name."""
from __future__ import annotations

import math
import re

import click

from ..language.bindings import names_of, split_bindings
from ..errors import InputError
from ..text import language_form, read_text, shorten
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
        given = list(args)  # click's parser consumes the list it reads
        try:
            return super().parse_args(ctx, args)
        except click.UsageError:
            hint = _spaced_bindings(self, given)
            if hint:
                raise InputError(hint) from None
            raise


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


def _spaced_bindings(command: click.Command, args: list[str]) -> str | None:
    """`--at a=1 b=2`: the newcomer's spaces between values, which click reads as stray arguments."""
    options = {name for param in command.params if isinstance(param.type, Bindings) for name in param.opts}
    for index, arg in enumerate(args[:-2]):
        stray = args[index + 2]
        if arg in options and re.fullmatch(r"[^\W\d]\w*=\S+", stray):
            return (f"{arg} {shorten(args[index + 1])} {shorten(stray)}: separate the values with commas, "
                    f"not spaces: {arg} {shorten(args[index + 1] + ',' + stray, 80)}")
    return None


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
    # a plain string, not click.Path: text.read_text says what is wrong with any FILE (a directory, a NUL)
    wrapped = click.option("-f", "--file", "program_file", metavar="FILE",
                           help="Read the program from FILE ('-' for stdin).")(wrapped)
    return click.argument("expression", required=False, metavar="EXPR")(wrapped)


def read_program(expression: str | None, program_file: str | None) -> str:
    """The program text from EXPR, '-' (stdin) or -f FILE (at most text.READ_LIMIT bytes)."""
    if expression is not None and program_file is not None:
        raise InputError("give either EXPR or -f FILE, not both")
    if expression == "-" or program_file == "-":
        return read_text("-", "standard input")
    if program_file is not None:
        return read_text(program_file, f"-f {shorten(program_file)}")
    if expression is None:
        raise InputError("no expression: give EXPR, '-' to read stdin, or -f FILE")
    return expression


class Names(click.ParamType):
    """NAME[,NAME...] (--wrt): names NFC-normalised as the parser normalises them, none empty, none
    twice. Whether the program has them is the program's to say (api.wanted_names)."""

    name = "names"

    def __init__(self, one: bool = False) -> None:
        self.one = one  # one name (--highlight): given as a str

    def convert(self, value, param, ctx) -> tuple[str, ...] | str:
        if isinstance(value, tuple):  # converted already (a default)
            return value
        option = _option(param, "--wrt")
        names = names_of(value, option) if not self.one else (language_form(value.strip()),)
        if self.one and not names[0]:
            raise InputError(f"{option}: give the name of a variable or node")
        return names[0] if self.one else names


class Outputs(click.ParamType):
    """NAME[,NAME...]|all (--output): the names NFC-normalised, none empty, none twice, given on as
    their comma list. Whether they are several (`all` may be an assigned name) and whether the
    command answers several is the program's to say (Program.several, Program.graph refuses them)."""

    name = "output"

    def convert(self, value, param, ctx) -> str:
        names = names_of(value, _option(param, "--output"), what="an output (an assigned name)", once=False)
        return ",".join(names)


class Bindings(click.ParamType):
    """NAME=VALUE[,...] or @FILE.json (--at, --params, --tangent, --hvp): the (name, text) pairs,
    every message naming the option it came from. Converting the texts is the number system's."""

    name = "bindings"

    def __init__(self, objects: bool = False) -> None:
        self.objects = objects  # @FILE.json may give objects ({"value": …, "u": …}: cgrad uncertainty)

    def convert(self, value, param, ctx) -> list[tuple[str, str | list | dict]]:
        if isinstance(value, list):
            return value
        return split_bindings((value,), _option(param, "--at"), self.objects)


class Seconds(click.ParamType):
    """--timeout SECONDS: a positive, finite number (nan and inf are not a time limit)."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, float):
            return value
        option = _option(param, "--timeout")
        try:
            seconds = float(value)
        except ValueError:
            seconds = math.nan
        if not math.isfinite(seconds) or seconds <= 0 or seconds > MAX_SECONDS:
            raise InputError(f"{option} {shorten(str(value))}: give a number of seconds above 0 and at most "
                             f"{MAX_SECONDS:g} (leave it out for no limit)")
        return seconds


MAX_SECONDS = 1e9  # about 31 years: beyond it the timer's clock arithmetic overflows
NAMES, NAME, OUTPUTS, SECONDS = Names(), Names(one=True), Outputs(), Seconds()


def _option(param: click.Parameter | None, default: str) -> str:
    """The option's long name, for messages."""
    opts = getattr(param, "opts", None)
    return max(opts, key=len) if opts else default


def _joined(ctx, param, value) -> list[tuple[str, str | list]]:
    """A repeated bindings option (--at a=1 --at b=2): one list of pairs, in order."""
    return [pair for pairs in value for pair in pairs]


def bindings_option(name: str, help: str, *dest: str, objects: bool = False, metavar: str = "NAME=VALUE[,...]",
                    **settings):
    """--at, --params, --tangent or --hvp: NAME=VALUE[,...] or @FILE.json, repeatable; the command
    receives one list of (name, text) pairs."""
    return click.option(name, *dest, type=Bindings(objects), multiple=True, callback=_joined, metavar=metavar,
                        help=help, **settings)


def at_option(function):
    """--at and --ignore-unused: the command receives `at` (pairs) and `ignore_unused`, and applies
    bindings.unused_left_out once it has the program."""
    function = ignore_unused_option(function)
    return bindings_option("--at", "Values of the variables: a=1,b=-2.5,c=1/3 (repeatable).")(function)


def wrt_option(help: str, **settings):
    """--wrt NAME[,NAME...]: which derivatives; every command that picks derivatives takes it."""
    return click.option("--wrt", type=NAMES, metavar="NAME[,NAME...]", help=help, **settings)


def output_option(help: str = "Answer this assigned name instead of the last statement.", several: bool = False,
                  dest: str = "output_name", metavar: str | None = None):
    """--output NAME (or with `several`, NAME[,NAME...]|all): which statement is the output; every
    command that reads a program takes it."""
    return click.option("--output", dest, type=OUTPUTS, help=help,
                        metavar=metavar or ("NAME[,NAME...]|all" if several else "NAME"))


def format_option(command: str):
    """--format: the command's choices, default and help, from the one registry (render.formats)."""
    from ..render.formats import FORMATS

    formats = FORMATS[command]
    return click.option("--format", "output_format", type=click.Choice(formats.choices), default=formats.default,
                        show_default=formats.default is not None, help=formats.help)


def max_rows_option(what: str = "table"):
    """--max-rows N: the longest table before its middle rows are elided (derivation.py elides them)."""
    return click.option("--max-rows", type=click.IntRange(min=0), default=60, show_default=True,
                        help=f"Longest {what} before its middle rows are elided (0: no limit).")


def relu0_option(function):
    """--relu0 0|0.5|1 (the command receives `relu0`): the value taken for relu'(0)."""
    return click.option("--relu0", type=click.Choice(RELU0_CHOICES), default="0", show_default=True,
                        help="The value taken for relu'(0).")(function)


def timeout_option(help: str = "Give up (exit 1) after this many seconds [default: no limit]."):
    """--timeout SECONDS (positive, finite): every command that can run long takes it."""
    return click.option("--timeout", type=SECONDS, metavar="SECONDS", help=help)


def ignore_unused_option(function):
    return click.option("--ignore-unused", is_flag=True,
                        help="Names given values (--at) that the program does not use are ignored, not refused: "
                             "one shared --at for many formulas.")(function)


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
        timeout_option("Give up (exit 1) after this many seconds, naming the node being computed "
                       "[default: no limit]."),
        relu0_option,
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
