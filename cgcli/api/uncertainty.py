"""`cgcli.uncertainty` and `cgrad uncertainty`: the GUM budget of each output (sensitivities from one backward
pass per output), the correlation between outputs, and on request W–S, second order and Monte Carlo."""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from numbers import Integral
from typing import Any, Mapping

from ..errors import InputError, MathError
from ..graph.nodes import Program
from ..language.bindings import bind
from ..language.measurements import Inputs, correlate, correlation_pair, distribution_value, dof_value, measured
from ..passes.uncertainty import (Budget, OutputBudget, coverage_factor, higher_partials, linear, output_correlation,
                                  welch_satterthwaite)
from ..passes.uncertainty import second_order as second_order_terms
from ..render.notebook import RichOutput
from ..text import shorten
from . import output_graph, parse, trace_of

__all__ = ["uncertainty", "budget_of"]

INTERVALS = ("shortest", "symmetric")


@dataclass(repr=False)
class UncertaintyResult(Budget, RichOutput):
    """What `uncertainty` returns: the budget of each output (`outputs`: name → OutputBudget, with its rows),
    the `correlation` between outputs and the `conventions`. In a notebook it shows as `cgrad uncertainty
    --format markdown` writes it (the derivation and the budget)."""

    def _repr_markdown_(self) -> str:
        from ..render.budget_text import markdown

        return markdown(self)

    def _repr_latex_(self) -> str:
        from ..render.budget_text import latex

        return latex(self)

    def __repr__(self) -> str:
        from ..render.budget import results_line

        return f"UncertaintyResult({results_line(self)})"


def uncertainty(program: Program | str, at: Mapping[str, Any], correlation: Mapping[tuple[str, str], float] | None = None,
                dof: Mapping[str, float] | None = None, outputs: str | list[str] | None = None, k: float | None = None,
                coverage: float | None = None, second_order: bool = False, monte_carlo: int | None = None,
                seed: int | None = None, distribution: Mapping[str, str] | None = None,
                interval: str = "shortest") -> UncertaintyResult:
    """The uncertainty budget of `program`'s outputs (the last statement, or `outputs`). `at` gives each
    input as "4.999±0.0032", "4.9990(32)", (4.999, 0.0032) or {"value": 4.999, "u": 0.0032}; a plain number is
    an exact constant. `correlation` maps pairs of inputs to r, `dof` inputs to degrees of freedom. `k` or
    `coverage` asks for U; `second_order` for GUM 5.1.2's higher-order term; `monte_carlo` for N draws (GUM S1)."""
    def text(x: Any) -> str:  # ("4.999", "0.0032") as written, (4.999, 0.0032) as their shortest repr
        return x if isinstance(x, str) else repr(x)

    pairs = [(name, {"value": text(value[0]), "u": text(value[1])} if isinstance(value, tuple)
              else value if isinstance(value, (str, dict)) else repr(value)) for name, value in at.items()]
    budget = budget_of(program, pairs, [f"{a},{b}={r!r}" for (a, b), r in (correlation or {}).items()],
                       [f"{name}={value!r}" for name, value in (dof or {}).items()],
                       [f"{name}={value}" for name, value in (distribution or {}).items()],
                       outputs, k, coverage, second_order, monte_carlo, seed, interval, record=True)
    return UncertaintyResult(**{part.name: getattr(budget, part.name) for part in fields(Budget)})


def budget_of(program: Program | str, pairs: list[tuple[str, Any]], correlations: list[str], dofs: list[str],
              distributions: list[str], outputs: str | list[str] | None = None, k: float | None = None,
              coverage: float | None = None, second_order: bool = False, monte_carlo: int | None = None,
              seed: int | None = None, interval: str = "shortest", record: bool = False) -> Budget:
    """The budget from the options' texts (what the CLI passes): --at pairs, --correlation A,B=r, --dof A=ν,
    --distribution A=rect; with `record`, each output's trace of both passes is kept (for the derivation)."""
    from ..numbers import number_system

    if isinstance(program, str):
        program = parse(program)
    numbers = number_system("float")
    inputs = _inputs(program, pairs, numbers)
    values = bind(program, inputs.pairs(), numbers)  # an input the program lacks: eval's error, before any pass
    _options(inputs, dofs, distributions, monte_carlo)
    correlate(inputs, [correlation_pair(text) for text in correlations])
    if k is not None and coverage is not None:
        raise InputError("give --k or --coverage, not both (--coverage P: the k for probability P)")
    # the option types check these on the command line; the Python API passes them as they come
    if k is not None and not (isinstance(k, (int, float)) and 0 < k < math.inf):
        raise InputError(f"--k {k!r}: a coverage factor is a positive number")
    if coverage is not None and not (isinstance(coverage, (int, float)) and 0 < coverage < 1):
        raise InputError(f"--coverage {coverage!r}: a coverage probability is between 0 and 1")
    for option, value, least in (("--seed", seed, 0), ("--monte-carlo", monte_carlo, 2)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, Integral) or value < least):
            raise InputError(f"{option} {value!r}: expected a whole number, at least {least}")
    if monte_carlo is None and seed is not None:
        raise InputError("--seed is the seed of the Monte Carlo draws: add --monte-carlo N")
    if interval not in INTERVALS:
        raise InputError(f"interval={interval!r}: expected 'shortest' or 'symmetric'")
    names: list[str | None] = [None] if outputs is None else list(program.outputs(outputs))
    budgets: list[OutputBudget] = []
    conventions: list[str] = []
    with_dof = any(math.isfinite(q.dof) for q in inputs.measured)
    for name in names:
        trace = trace_of(program, inputs.pairs(), numbers, inputs.names, name, record=record)
        if not isinstance(trace.value, float):
            raise InputError("uncertainty propagates scalar inputs to scalar outputs; this output is a tensor")
        conventions += [text for text in trace.conventions if text not in conventions]
        budget = linear(trace.output, trace.value, trace.gradient, inputs)
        budget.trace = trace if record else None
        if with_dof:
            budget.dof = welch_satterthwaite(budget, inputs)
        if k is not None or coverage is not None:
            budget.k, budget.coverage = coverage_factor(k, coverage, budget.dof)
            budget.U = budget.k * budget.u
            if not math.isfinite(budget.U):
                raise MathError(f"the expanded uncertainty U = k·u_c of {budget.name} overflows float (IEEE double)")
        if second_order:
            _, hessian, third = higher_partials(output_graph(program, name), values, inputs.names, numbers)
            budget.second_order = second_order_terms(budget, hessian, third, inputs)
        budgets.append(budget)
    result = Budget(program.source, inputs, {b.name: b for b in budgets}, output_correlation(budgets, inputs),
                    conventions)
    if monte_carlo is not None:
        _monte_carlo(program, inputs, list(zip(names, budgets)), numbers, monte_carlo, seed, interval, coverage or 0.95)
    return result


def _inputs(program: Program, pairs: list[tuple[str, Any]], numbers) -> Inputs:
    inputs = Inputs([], [])
    seen = set()
    for name, text in pairs:
        if name in seen:
            raise InputError(f"--at {shorten(name)}: given twice")
        seen.add(name)
        quantity = measured(name, text, numbers)
        if quantity is None:
            inputs.constants.append((name, text))
        else:
            inputs.measured.append(quantity)
    if not inputs.measured:
        raise InputError("no input has an uncertainty: give one in --at as VALUE±U, e.g. --at x=1.5±0.1")
    return inputs


def _options(inputs: Inputs, dofs: list[str], distributions: list[str], monte_carlo: int | None) -> None:
    """--dof A=ν and --distribution A=rect|tri onto the uncertain inputs they name."""
    import dataclasses

    by_name = {q.name: q for q in inputs.measured}
    for option, texts in (("--dof", dofs), ("--distribution", distributions)):
        for text in texts:
            name, equals, value = (part.strip() for part in text.partition("="))
            if not equals:
                raise InputError(f"{option} {shorten(text)}: expected NAME=VALUE, e.g. {option} "
                                 f"{'x=4' if option == '--dof' else 'x=rect'}")
            if name not in by_name:
                raise InputError(f"{option} {shorten(text)}: {shorten(name)} is not an input with an uncertainty "
                                 f"(those: {', '.join(by_name)})")
            change = ({"dof": dof_value(name, value)} if option == "--dof"
                      else {"distribution": distribution_value(name, value)})
            by_name[name] = dataclasses.replace(by_name[name], **change)
    if distributions and monte_carlo is None:
        raise InputError("--distribution is the distribution Monte Carlo draws from: add --monte-carlo N")
    inputs.measured = [by_name[q.name] for q in inputs.measured]


def _monte_carlo(program: Program, inputs: Inputs, budgets: list[tuple[str | None, OutputBudget]], numbers,
                 count: int, seed: int | None, interval: str, coverage: float) -> None:
    """N draws through each output's compiled NumPy kernel (the one of `eval --points`)."""
    import numpy as np

    from ..passes.monte_carlo import draws, summary
    from .compiled import Compiled

    _memory_for(count, inputs, program)
    seed = int(np.random.SeedSequence().entropy % 2 ** 32) if seed is None else seed
    columns = draws(inputs, count, seed)
    for name, budget in budgets:
        compiled = Compiled(program, inputs.constants, numbers, [], name)
        given = [columns[name] for name in compiled.inputs]
        try:
            batch = compiled.batch(given, point=lambda row, c=compiled, g=given: _failed_draw(c, g, row),
                                   length=count)
        except _Outside as outside:
            raise outside.error from None
        k, _ = coverage_factor(None, coverage, budget.dof)
        budget.monte_carlo = summary(batch.value, coverage, interval, seed, budget.value, budget.u, k * budget.u)


def _memory_for(count: int, inputs: Inputs, program: Program) -> None:
    """Refuse draws that cannot fit in the free memory before drawing any (a shared machine swaps or kills
    jobs first): each draw holds about two floats per input (the draws and their standard normals) and one
    per node of the kernel (measured on GUM H.2: ~70 bytes a draw for 3 inputs and 10 nodes)."""
    import os

    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not a system that says
        return
    need = count * 8 * (2 * len(inputs.measured) + len(program.nodes) + 2)
    if need > free:
        raise MathError(f"--monte-carlo {count}: the draws would need about {need / 2 ** 30:.3g} GiB of memory, "
                        f"more than the {free / 2 ** 30:.3g} GiB free (GUM S1 asks for 10^6 draws)")


class _Outside(Exception):
    """Not a CgradError, so that Compiled.batch stops at the first failed draw instead of recording each."""

    def __init__(self, error: MathError) -> None:
        self.error = error


def _failed_draw(compiled, columns: list, row: int) -> list:
    """A draw where the kernel met nan or inf: the scalar passes say what fails there (the model must hold at
    every draw); a draw they answer (an overflow of NumPy only) is kept."""
    values = {name: repr(float(column[row])) for name, column in zip(compiled.inputs, columns)}
    try:
        return compiled.point(values)
    except MathError as error:
        at = ", ".join(f"{name} = {value}" for name, value in values.items())
        raise _Outside(MathError(f"--monte-carlo: the model fails at draw {row + 1} ({shorten(at, 200)}): "
                                 f"{error.message}")) from None

