"""The cgrad command: the group of commands, and the one place where errors become exit statuses."""
from __future__ import annotations

import gc
import os
import sys
import unicodedata

import click

from . import __version__
from .errors import CgradError, ExitStatus, position

COMMANDS = {  # name → (module, command object): each imported only when it runs or --help lists it
    "eval": ("cgcli.commands.eval", "eval_command"),
    "diagram": ("cgcli.commands.diagram", "diagram_command"),
    "paths": ("cgcli.commands.paths", "paths_command"),
    "descend": ("cgcli.commands.descend", "descend_command"),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        import importlib

        module, attribute = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cgrad")
def cli() -> None:
    """Values, gradients and textbook derivations of formulas.

    \b
    Examples:
      cgrad eval "3*(a+b*c)" --at a=1,b=2,c=3
      cgrad eval "p = x + y; g = p*z" --at x=1,y=3,z=-3 --format json
      cgrad eval "u = b*c; v = a + u; J = 3v" --at a=1,b=2,c=3 --format markdown
      cgrad diagram "u = b*c; v = a + u; J = 3v" --at a=1,b=2,c=3 --highlight b
      cgrad paths "t = w1*x1; o = relu(t) + sigmoid(t)" --at w1=0.5,x1=2 --wrt w1
    """



def main(argv: list[str] | None = None) -> None:
    """Run cgrad; never let a traceback reach the user."""
    # A run is short and its graph holds no reference cycles worth collecting; the cyclic
    # collector would rescan the growing heap of nodes and trace rows over and over.
    gc.disable()
    try:
        status = cli.main(args=argv, prog_name="cgrad", standalone_mode=False)
    except CgradError as error:
        status = _report(error)
    except click.exceptions.Exit as leave:
        status = leave.exit_code
    except click.exceptions.NoArgsIsHelpError as bare:  # plain `cgrad`: the help is the answer
        click.echo(bare.ctx.get_help())
        status = ExitStatus.OK
    except click.ClickException as error:
        hint = ""
        if isinstance(error, click.UsageError) and error.ctx is not None:
            hint = f" (see '{error.ctx.command_path} --help')"
        sys.stderr.write(f"error: {error.format_message()}{hint}\n")
        status = error.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        sys.stderr.write("\n")
        status = ExitStatus.INTERRUPTED
    except RecursionError:
        sys.stderr.write("error: the input is nested too deeply for this Python\n")
        status = ExitStatus.INPUT
    except MemoryError:
        sys.stderr.write("error: out of memory: the input is too large\n")
        status = ExitStatus.MATH
    except Exception as bug:  # noqa: BLE001 - the promise is: never a traceback
        if os.environ.get("CGRAD_DEBUG"):
            raise
        sys.stderr.write(f"error: internal error, please report it with the command that caused it "
                         f"({type(bug).__name__}: {bug}); CGRAD_DEBUG=1 shows the traceback\n")
        status = ExitStatus.MATH
    if status == ExitStatus.BROKEN_PIPE:
        # Python would complain once more when it flushes stdout at exit; point stdout at nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(int(status or 0))


def _report(error: CgradError) -> ExitStatus:
    if not error.message:
        return error.status
    lines = [f"error: {error.message}"]
    if error.source is not None and error.offset is not None:
        lines[0] += f" ({position(error.source, error.offset)})"
        lines += _caret(error.source, error.offset)
    sys.stderr.write("\n".join(lines) + "\n")
    return error.status


def _caret(source: str, offset: int, window: int = 70) -> list[str]:
    """The source line around `offset` and a caret under it (wide characters counted as two columns)."""
    start = source.rfind("\n", 0, offset) + 1
    end = source.find("\n", offset)
    line = source[start:len(source) if end == -1 else end]
    column = offset - start
    left, right = max(0, column - window), min(len(line), column + window)
    prefix = "…" if left > 0 else ""
    shown = prefix + line[left:right] + ("…" if right < len(line) else "")
    before = prefix + line[left:column]
    pad = "".join("\t" if ch == "\t" else " " * (2 if unicodedata.east_asian_width(ch) in "WF" else 1)
                  for ch in before)
    return ["  " + shown, "  " + pad + "^"]
