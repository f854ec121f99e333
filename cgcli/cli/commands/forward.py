"""`cgrad eval --mode forward|both`: forward mode in dual numbers, and its agreement with the backward pass."""
from __future__ import annotations

import json
from collections.abc import Iterable

from ...errors import CgradError, ExitStatus
from ...passes.evaluation import evaluate
from ...numbers.agreement import agree
from .shared import emit, eval_output


class ModesDisagree(CgradError):
    """Forward and reverse mode gave different gradients: a bug in cgrad, never the user's input."""

    status = ExitStatus.INTERNAL


def forward_output(graph, program, pairs, numbers, tangent_pairs, mode: str, output_format: str,
                   out_file: str | None, max_rows: int, with_trace: bool) -> None:
    from ...passes.dual import forward_mode
    from ...render import tangents

    forward = forward_mode(graph, pairs, program, numbers, tangent_pairs, record=with_trace,
                           with_gradient=mode == "both")
    reverse = evaluate(graph, pairs, program, numbers, record=with_trace) if mode == "both" else None
    agreement = _agreement(forward, reverse) if reverse is not None else None
    if output_format == "json":
        document = json.loads(tangents.forward_json(forward, with_trace))
        if reverse is not None:
            from ...render.formats import RenderOptions
            from ...render.json import render

            document["mode"] = "both"
            document["reverse"] = json.loads(render(reverse, RenderOptions(with_trace=with_trace)))
            document["agree"] = agreement
        emit(json.dumps(document, ensure_ascii=False) + "\n", out_file)
        return
    from ...render.derivation import forward_mode_derivation

    from .. import output
    from ...render.formats import RenderOptions, render

    derivation = forward_mode_derivation(forward, max_rows)
    options = RenderOptions(terminal=out_file in (None, "-") and output.is_terminal(), with_trace=with_trace)
    text = render(output_format, derivation, options, kind="forward")
    if reverse is not None:
        emit(text + "\n", out_file)
        eval_output(reverse, output_format, out_file, None, False, max_rows, with_trace)
        text = f"\nforward and reverse mode agree: {agreement}\n"
    emit(text, out_file)


def _agreement(forward, reverse) -> str:
    return agreement(reverse.numbers, ((reverse.output, name, value, forward.gradient[name])
                                       for name, value in reverse.gradient.items()))


def agreement(numbers, partials: Iterable[tuple[str, str, object, object]]) -> str:
    """How the partial derivatives (top, bottom, by reverse mode, by forward mode) agree (exact and
    interval modes: to the last digit; float: to 1e-12 relative), or ModesDisagree naming the first that does not."""
    for top, bottom, value, other in partials:
        if agree(numbers, value, other):
            continue
        raise ModesDisagree(f"forward and reverse mode disagree on ∂{top}/∂{bottom}: "
                            f"{numbers.format(other)} against {numbers.format(value)}; this is a bug in cgrad, "
                            "please report it with the command")
    if numbers.name == "float":
        return "every partial derivative to within 1e-12 relative (float rounding may differ in the last bits)"
    if numbers.name == "interval":
        return "every partial derivative's enclosures overlap (both are rigorous)"
    return "every partial derivative, to the last digit printed"
