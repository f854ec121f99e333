"""`cgrad eval --output R,X,Z` (or `all`): several outputs' values and their Jacobian, in every format and --mode."""
from __future__ import annotations

from ...errors import InputError
from .shared import emit


_ONE_OUTPUT = {"--tangent": "the JVP of one output", "--naive": "one output's backward pass",
               "--blank": "a worksheet of one output's passes", "--answers": "a worksheet of one output's passes",
               "--products": "the products of one output's backward pass",
               "--steps": "one output's passes, step by step",
               "--format html": "one output's passes, step by step", "--mode forward": "one output's tangents",
               "--derivative": "the derivative of one output"}


def refuse_with_several(output: str, given: list[str]) -> None:
    """What one output has and several do not (a worksheet, --naive, --tangent, …): refuse the first option given."""
    if given:
        option = given[0]
        raise InputError(f"--output {output} names several outputs: {option} shows {_ONE_OUTPUT[option]}; "
                         f"give one name with --output, or leave out {option}")


def jacobian_output(program, output: str, pairs, numbers, wrt: tuple[str, ...] | None, mode: str, output_format: str,
                    out_file: str | None, max_rows: int, with_trace: bool) -> None:
    """The values and the Jacobian of the outputs `output` names, by `mode` (both: the two, compared)."""
    from .. import output as terminal
    from ...api import jacobian_of, wanted_names
    from ...render import jacobian as layout
    from ...render.formats import RenderOptions, render
    from .forward import agreement

    # unknown --wrt names refused as in every command
    columns = wanted_names(program, program.outputs_graph(program.outputs(output)), wrt, None)
    result = jacobian_of(program, pairs, numbers, output, columns, "forward" if mode == "forward" else "reverse",
                         record=with_trace)
    forward = jacobian_of(program, pairs, numbers, output, columns, "forward", with_trace) if mode == "both" else None
    agreed = None
    if forward is not None:
        agreed = agreement(result.numbers, ((top, bottom, value, forward.matrix[top][bottom])
                                            for top, row in result.matrix.items() for bottom, value in row.items()))
    shown = layout.view(result, max_rows, with_trace, forward, agreed, derived=output_format != "json")
    options = RenderOptions(terminal=output_format == "table" and out_file in (None, "-") and terminal.is_terminal(),
                            with_trace=with_trace)
    emit(render(output_format, shown, options, kind="jacobian"), out_file)
