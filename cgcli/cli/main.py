"""The cgrad command: the group of commands, and the one place where errors become exit statuses."""
from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import unicodedata
from typing import Callable

import click

from .. import __version__
from . import output
from ..errors import CgradError, ExitStatus
from ..text import escape, position, shorten
from .output import HelpThroughOutput

COMMANDS = {  # name → (module, command object): each imported only when it runs or --help lists it
    "eval": ("cgcli.cli.commands.eval", "eval_command"),
    "diagram": ("cgcli.cli.commands.diagram", "diagram_command"),
    "paths": ("cgcli.cli.commands.paths", "paths_command"),
    "descend": ("cgcli.cli.commands.descend", "descend_command"),
    "check": ("cgcli.cli.commands.check", "check_command"),
    "hessian": ("cgcli.cli.commands.hessian", "hessian_command"),
    "derive": ("cgcli.cli.commands.derive", "derive_command"),
    "codegen": ("cgcli.cli.commands.codegen", "codegen_command"),
    "uncertainty": ("cgcli.cli.commands.uncertainty", "uncertainty_command"),
    "notes": ("cgcli.cli.commands.notes", "notes_command"),
}


class _LazyGroup(HelpThroughOutput, click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        import importlib

        module, attribute = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name in COMMANDS or name.startswith("-") or ctx.resilient_parsing:
            return super().resolve_command(ctx, args)
        import difflib
        import shlex

        close = difflib.get_close_matches(name, list(COMMANDS), n=1, cutoff=0.6)
        if close:
            raise click.UsageError(f"no command '{shorten(name)}'; did you mean {close[0]}?", ctx)
        if name.isidentifier():
            raise click.UsageError(f"no command '{shorten(name)}' (the commands: {', '.join(COMMANDS)})", ctx)
        raise click.UsageError(f"no command '{shorten(name)}'; to evaluate a formula: cgrad eval "
                               f"{shorten(shlex.quote(name), 60)} --at NAME=VALUE,…", ctx)


def _show_version(ctx: click.Context, parameter: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        output.write(f"cgrad, version {__version__}\n")
        ctx.exit()


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
def cli() -> None:
    """Values, gradients and textbook derivations of formulas.

    \b
    Examples:
      cgrad eval "3*(a+b*c)" --at a=1,b=2,c=3
      cgrad eval "p = x + y; g = p*z" --at x=1,y=3,z=-3 --format json
      cgrad eval "u = b*c; v = a + u; J = 3v" --at a=1,b=2,c=3 --format markdown
      cgrad diagram "u = b*c; v = a + u; J = 3v" --at a=1,b=2,c=3 --highlight b
      cgrad paths "t = w1*x1; o = relu(t) + sigmoid(t)" --at w1=0.5,x1=2 --wrt w1
      cgrad derive "x^2*sin(x)" --wrt x
      cgrad hessian "x^3*y - y^2/x" --at x=1/2,y=3 --exact
      cgrad check "relu(w*x + b)" --at w=2,x=1,b=-2
      cgrad uncertainty "V/I" --at V=4.999±0.0032,I=19.661e-3±9.5e-6
      cgrad notes --check notes.md
    """


class _Interrupted(BaseException):
    """Ctrl-C, raised by our SIGINT handler instead of KeyboardInterrupt, which click would answer
    with a blank line of its own."""


def main(argv: list[str] | None = None) -> None:
    """Run cgrad; never let a traceback reach the user."""
    # A run is short and its graph holds no reference cycles worth collecting; the cyclic
    # collector would rescan the growing heap of nodes and trace rows over and over.
    gc.disable()
    if sys.stderr is None:  # started with stderr closed (`2>&-`): notes and reports go nowhere, the status tells
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    with _interrupts_raise(_Interrupted):
        status = run(argv)
    if status in (ExitStatus.BROKEN_PIPE, ExitStatus.OUTPUT):
        output.release_stdout()
    sys.exit(int(status or 0))


def run(argv: list[str] | None, say: Callable[[str], None] | None = None) -> int:
    """cgrad's exit status for the command line `argv`, run in this process; every error reported
    through `say` (default: a line on stderr) in one line (and a caret). `cgrad notes` and the
    Jupyter magic run their command lines through here."""
    say = say or _say
    try:
        return _invoke(argv)
    except CgradError as error:
        return _report(error, say)
    except click.exceptions.Exit as leave:
        return leave.exit_code
    except click.ClickException as error:
        hint = ""
        if isinstance(error, click.UsageError) and error.ctx is not None:
            hint = f" (see '{error.ctx.command_path} --help')"
        say(f"error: {error.format_message()}{hint}")
        return error.exit_code
    except (_Interrupted, KeyboardInterrupt, click.exceptions.Abort):
        # on a terminal the line still holds the echoed ^C: end it first
        say(("\n" if sys.stderr is not None and sys.stderr.isatty() else "") + "error: interrupted")
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:  # a write that did not go through output.write (click's shell completion)
        return ExitStatus.BROKEN_PIPE
    except RecursionError:
        say("error: the input is nested too deeply for this Python")
        return ExitStatus.INPUT
    except MemoryError:
        say("error: out of memory: the input is too large")
        return ExitStatus.MATH
    except Exception as bug:  # noqa: BLE001 - the promise is: never a traceback
        if os.environ.get("CGRAD_DEBUG"):
            raise
        say(f"error: internal error, please report it with the command that caused it "
            f"({type(bug).__name__}: {bug}); CGRAD_DEBUG=1 shows the traceback")
        return ExitStatus.INTERNAL


def _invoke(argv: list[str] | None) -> int:
    try:
        return cli.main(args=argv, prog_name="cgrad", standalone_mode=False) or ExitStatus.OK
    except click.exceptions.NoArgsIsHelpError as bare:  # plain `cgrad`: the help is the answer
        output.write(bare.ctx.get_help() + "\n")
        return ExitStatus.OK


@contextlib.contextmanager
def _interrupts_raise(exception: type[BaseException]):
    """SIGINT raises `exception` while the block runs (restored after it, for in-process callers).
    Left alone where Python left it alone: ignored (a background job), or off the main thread."""
    def interrupt(number, frame):
        raise exception()

    installed = False
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        try:
            signal.signal(signal.SIGINT, interrupt)
            installed = True
        except ValueError:  # not the main thread
            pass
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGINT, signal.default_int_handler)


_say = output.say


def _report(error: CgradError, say: Callable[[str], None]) -> ExitStatus:
    if not error.message:
        return error.status
    lines = [f"error: {error.message}"]
    if error.source is not None and error.offset is not None:
        lines[0] += f" ({position(error.source, error.offset)})"
        lines += _caret(error.source, error.offset)
    say("\n".join(lines))
    return error.status


def _caret(source: str, offset: int, window: int = 70) -> list[str]:
    """The source line around `offset` and a caret under it (wide characters counted as two columns)."""
    start = source.rfind("\n", 0, offset) + 1
    end = source.find("\n", offset)
    line = source[start:len(source) if end == -1 else end]
    column = offset - start
    # escaped before the caret is placed under it: a control character shows as \x1b, four columns
    line, column = escape(line[:column]) + escape(line[column:]), len(escape(line[:column]))
    left, right = max(0, column - window), min(len(line), column + window)
    prefix = "…" if left > 0 else ""
    shown = prefix + line[left:right] + ("…" if right < len(line) else "")
    before = prefix + line[left:column]
    pad = "".join("\t" if ch == "\t" else " " * (2 if unicodedata.east_asian_width(ch) in "WF" else 1)
                  for ch in before)
    return ["  " + shown, "  " + pad + "^"]
