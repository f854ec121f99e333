"""The uncertainty budget as the GUM lays it out (H.1, H.2): what every cell and line shows, decided once here,
then laid out as a terminal table or written as JSON (budget_text.py: Markdown and LaTeX)."""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..passes.uncertainty import Budget, BudgetRow, OutputBudget
from .formats import RenderOptions
from .json import json_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from decimal import Decimal


def significant(x: float | Decimal | None, digits: int) -> str:
    """`x` to `digits` significant digits, as %g writes it; '' for no number."""
    if x is None:
        return ""
    if not isinstance(x, (int, float)):  # a Decimal, beyond a float's exponents: 4e-344
        return f"{type(x)(f'{x:.{digits}g}').normalize():g}"  # no trailing zeros, as %g writes a float
    if math.isinf(x):
        return "∞"
    return f"{x + 0.0:.{digits}g}"  # + 0.0: no -0


def _rounded(value: float, u: float) -> tuple[Decimal, Decimal, int, int]:
    """`value` and `u` over 10^shift, `u` to two significant digits and `value` rounded to the same decimal
    place (returned, over 10^shift too), and the shift: 0 (positional) unless the larger of the two is below
    10⁻⁵ or from 10¹⁰ on, where positional text is a run of zeros (or shows a float's binary digits)."""
    from decimal import Context, Decimal  # here, not at import: ~1.5 ms that JSON does without

    u2 = Decimal(f"{u:.1e}")
    place = u2.adjusted() - 1  # the power of ten of the last digit kept
    exact = Decimal(value)  # the binary value, rounded as a float rounds
    context = Context(prec=max(28, exact.adjusted() - place + 3))
    v = exact.quantize(Decimal(1).scaleb(place), context=context)
    v = abs(v) if v == 0 else v  # no -0.0
    top = max(v.adjusted() if v else place, u2.adjusted())
    shift = top if top >= 10 or top <= -6 else 0
    return v.scaleb(-shift, context), u2.scaleb(-shift), place - shift, shift


def _exponent(shift: int) -> str:
    return f"e{shift:+03d}" if shift else ""


def concise(value: float, u: float) -> str:
    """127.732(70): `u` to two significant digits, in the units of the value's last digits, as GTC prints it
    (10.0(3.0) where those digits span the decimal point); 2.000(36)e-60 for the very small and very large."""
    if not u > 0 or not math.isfinite(u):
        return f"{value:.12g}(0)" if u == 0 else f"{value:.12g}"
    v, u2, place, shift = _rounded(value, u)
    # 1200 (the last digits are integer ones) and 3.0 (they span the point): u in the value's unit
    digits = f"{u2:f}" if place >= 0 or u2.adjusted() >= 0 else str(int(u2.scaleb(-place)))
    return f"{v:f}({digits}){_exponent(shift)}"


def three(x: float) -> str:
    """`x` to 3 significant digits, trailing zeros kept (0.0700)."""
    return significant(x, 3) if not math.isfinite(x) or x == 0 else f"{x:#.3g}".rstrip(".")


def plus_minus(value: float, U: float) -> str:
    """127.73 ± 0.14: U to two significant digits, the value rounded to the same place (GUM 7.2.4);
    (2.000 ± 0.036)e-60 for the very small and very large."""
    if not U > 0 or not math.isfinite(U):
        return f"{value:.12g}"
    v, u2, _, shift = _rounded(value, U)
    text = f"{v:f} ± {u2:f}"
    return f"({text}){_exponent(shift)}" if shift else text


def percent(share: float | None) -> str:
    return "" if share is None else f"{100 * share:.1f} %"


HEADERS = ("input", "estimate xᵢ", "u(xᵢ)", "cᵢ = ∂{y}/∂xᵢ", "uᵢ({y}) = cᵢ·u(xᵢ)", "term of u²({y})", "share")


@dataclass(frozen=True)
class Line:
    """One budget row as text: an input's, or a correlated pair's (its r in the estimate column)."""

    input: str
    estimate: str
    u: str
    sensitivity: str
    contribution: str
    term: str
    share: str
    correlated: bool
    dof: str = ""

    def cells(self, dof: bool) -> list[str]:
        """The row's cells under `headers(y, dof)`."""
        return [self.input, self.estimate, self.u, self.sensitivity, self.contribution, self.term, self.share] + (
            [self.dof] if dof else [])


def lines(output: OutputBudget) -> list[Line]:
    return [_line(row, output.name) for row in output.rows]


def with_dof(output: OutputBudget) -> bool:
    """Whether the budget has a column νᵢ (GUM Table H.1): with --dof."""
    return output.dof is not None


def _line(row: BudgetRow, y: str) -> Line:
    if row.correlation is not None:
        a, b = row.input.split(",")
        return Line(f"r({a}, {b})", f"r = {row.correlation:g}", "", "", f"2r·u_{a}({y})·u_{b}({y})",
                    significant(row.variance, 3), percent(row.share), True)
    return Line(row.input, row.text, significant(row.u, 6), significant(row.sensitivity, 6),
                significant(row.contribution, 3), significant(row.variance, 3), percent(row.share), False,
                significant(row.dof, 3))


def headers(y: str, dof: bool = False) -> list[str]:
    return [header.format(y=y) for header in HEADERS] + ["νᵢ"] * dof


def summary_lines(output: OutputBudget) -> list[str]:
    """The lines under a budget: u_c and the result, U, ν_eff, the second-order term, Monte Carlo's answer."""
    y = output.name
    out = [f"u_c({y}) = {three(output.u)}    {y} = {concise(output.value, output.u)}"]
    if output.dof is not None:
        out.append(f"ν_eff = {significant(output.dof, 3)} (Welch–Satterthwaite, GUM G.4.2)")
    if output.U is not None:
        how = f"k = {output.k:.3g}"
        if output.coverage is not None:
            by = (f"t-distribution, ν = {max(1, math.floor(output.dof))}" if output.dof is not None
                  and math.isfinite(output.dof) else "normal distribution")
            how += f" ({by}, p = {100 * output.coverage:.4g} %)"
        out.append(f"U = k·u_c = {three(output.U)}, {how}    {y} = {plus_minus(output.value, output.U)}")
    if output.second_order is not None:
        s = output.second_order
        out.append(f"second order (GUM 5.1.2): u_c({y}) = {three(s.u)}    linear: {three(s.u_linear)}")
    if output.monte_carlo is not None:
        out += monte_carlo_lines(output)
    return out


def near(x: float, u: float) -> str:
    """`x` to one digit past the second significant digit of `u` (GUM S1 7.9: a Monte Carlo mean and interval
    to the decimals of u(y)): 50000838.3, not 6 significant digits' 5.00008e+07, where u is 65."""
    if not (u > 0 and math.isfinite(u) and math.isfinite(x)) or x == 0:
        return significant(x, 6)
    place = math.floor(math.log10(u)) - 2
    digits = max(math.floor(math.log10(abs(x))) - place + 1, 1)
    return f"{x + 0.0:#.{digits}g}".rstrip(".")


def monte_carlo_numbers(output: OutputBudget) -> tuple[str, str, str]:
    """The Monte Carlo mean and the interval's ends as every format writes them."""
    m = output.monte_carlo
    return near(m.value, m.u), near(m.interval[0], m.u), near(m.interval[1], m.u)


def monte_carlo_lines(output: OutputBudget) -> list[str]:
    m, y = output.monte_carlo, output.name
    mean, low, high = monte_carlo_numbers(output)
    verdict = "validated" if m.validated else "not validated"
    return [f"Monte Carlo (GUM S1), {m.draws} draws, seed {m.seed}: mean {mean}, "
            f"u({y}) = {three(m.u)}, {m.kind} {100 * m.coverage:.4g} % interval [{low}, {high}]",
            f"the linear {y} ± {significant(m.U, 3)} (p = {100 * m.coverage:.4g} %) is {verdict} "
            f"(GUM S1 §8: |y − U − y_low| = {significant(m.differences[0], 2)}, "
            f"|y + U − y_high| = {significant(m.differences[1], 2)}, δ = {significant(m.tolerance, 2)})"]


def correlation_cells(budget: Budget) -> tuple[list[str], list[list[str]]]:
    names = list(budget.correlation)
    # an output whose u is 0 has no correlation coefficient (JSON: null)
    rows = [[a] + ["—" if math.isnan(r) else f"{r:.4f}" for r in budget.correlation[a].values()] for a in names]
    return ["r"] + names, rows


def results_line(budget: Budget) -> str:
    return "    ".join(f"{o.name} = {concise(o.value, o.u)}" for o in budget.outputs.values())


def table(budget: Budget, options: RenderOptions = RenderOptions()) -> str:
    """The budgets, the correlation matrix between outputs and the results, as terminal tables."""
    from .console import print_table, show, text_console, text_of

    console = text_console(options.terminal)
    for output in budget.outputs.values():
        dof = with_dof(output)
        rows = [line.cells(dof) for line in lines(output)]
        print_table(console, f"Uncertainty budget of {output.name} (GUM 5.1.2, 5.2.2)", headers(output.name, dof),
                    rows, frozenset({2, 3, 4, 5, 6, 7}))
        if budget.inputs.constants:
            show(console, "exact: " + ", ".join(f"{name} = {text}" for name, text in budget.inputs.constants), "dim")
        for line in summary_lines(output):
            show(console, line)
        show(console, "")
    if len(budget.outputs) > 1:
        head, rows = correlation_cells(budget)
        print_table(console, "Correlation between the outputs (GUM F.1.2.3)", head, rows,
                    frozenset(range(1, len(head))))
    if budget.conventions:
        show(console, "conventions: " + "; ".join(budget.conventions), "dim")
    show(console, results_line(budget), "bold")
    return text_of(console)


def _number(x: float | None):
    """A JSON number; null for none, an infinite one or nan (JSON has neither)."""
    return None if x is None or not math.isfinite(x) else x


def document(budget: Budget) -> dict:
    outputs = {}
    for output in budget.outputs.values():
        entry: dict = {"value": output.value, "u": output.u}
        if output.U is not None:
            entry |= {"U": output.U, "k": output.k}
        if output.dof is not None:
            entry["dof"] = _number(output.dof)
        entry["budget"] = [_row(row) for row in output.rows]
        if output.second_order is not None:
            entry["second_order"] = {"u": output.second_order.u, "u_linear": output.second_order.u_linear}
        if output.monte_carlo is not None:
            m = output.monte_carlo
            entry["monte_carlo"] = {"value": m.value, "u": m.u, "interval": list(m.interval), "validated": m.validated,
                                    "draws": m.draws, "seed": m.seed, "tolerance": m.tolerance}
        outputs[output.name] = entry
    correlation = {a: {b: _number(r) for b, r in row.items()} for a, row in budget.correlation.items()}
    return {"outputs": outputs, "correlation": correlation, "conventions": budget.conventions}


def _row(row: BudgetRow) -> dict:
    if row.correlation is not None:
        return {"input": row.input.split(","), "value": None, "u": None, "sensitivity": None, "contribution": None,
                "share": _number(row.share), "correlation": row.correlation}
    return {"input": row.input, "value": row.value, "u": row.u, "sensitivity": row.sensitivity,
            "contribution": row.contribution, "share": _number(row.share)}


def to_json(budget: Budget, options: RenderOptions = RenderOptions()) -> str:
    return json_text(document(budget))
