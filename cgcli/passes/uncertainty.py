"""GUM propagation of standard uncertainties (JCGM 100:2008): the budget of each output from its sensitivity
coefficients, the correlation between outputs, Welch–Satterthwaite, coverage factors, and the higher-order
term of 5.1.2 from the Hessian and third derivatives (the backward pass run in dual numbers of dual numbers)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import InputError, MathError
from ..graph.nodes import Graph
from ..language.measurements import Inputs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from decimal import Decimal


@dataclass
class BudgetRow:
    """One line of the budget: an input (contribution uᵢ(y) = cᵢ·u(xᵢ)), or a pair of correlated inputs
    (`correlation` r, its term 2·r·uᵢ(y)·uⱼ(y) of u_c²); `share` is the line's part of u_c²."""

    input: str
    value: float | None
    u: float | None
    sensitivity: float | None
    contribution: float | None
    share: float | None
    text: str = ""  # the estimate as written
    correlation: float | None = None
    variance: float | Decimal = 0.0  # the line's term of u_c² (a Decimal where a float under- or overflows)
    dof: float | None = None  # the input's degrees of freedom (inf: none given)


@dataclass
class SecondOrder:
    """GUM 5.1.2: u_c with the terms Σᵢⱼ [½(∂²f/∂xᵢ∂xⱼ)² + ∂f/∂xᵢ·∂³f/∂xᵢ∂xⱼ²]·u²(xᵢ)·u²(xⱼ)."""

    u: float
    u_linear: float
    hessian: list[list[float]]
    third: list[list[float]]  # third[i][j] = ∂³f/∂xᵢ∂xⱼ²


@dataclass
class MonteCarlo:
    """GUM Supplement 1: the draws' mean and standard deviation, the coverage interval, and §8's validation."""

    value: float
    u: float
    interval: tuple[float, float]
    validated: bool
    draws: int
    seed: int
    kind: str  # shortest or symmetric
    coverage: float  # the interval's coverage probability
    U: float  # the linear result's expanded uncertainty at that probability, which §8 compares
    tolerance: float  # δ of S1 §8.1
    differences: tuple[float, float]  # d_low, d_high


@dataclass
class OutputBudget:
    name: str
    value: float
    u: float
    rows: list[BudgetRow]
    sensitivities: list[float]
    k: float | None = None
    U: float | None = None
    coverage: float | None = None  # the coverage probability of U (with --coverage or a t-distribution k)
    dof: float | None = None  # ν_eff by Welch–Satterthwaite (with --dof)
    second_order: SecondOrder | None = None
    monte_carlo: MonteCarlo | None = None
    trace: object = None  # the backward pass, for the derivation in Markdown and LaTeX


@dataclass
class Budget:
    source: str
    inputs: Inputs
    outputs: dict[str, OutputBudget]
    correlation: dict[str, dict[str, float]]
    conventions: list[str] = field(default_factory=list)  # where a derivative does not exist: abs'(0) = 0


def _squares(parts: list[float], pairs: list[tuple[int, int, float]]) -> tuple[float, float, list[float], list[float]]:
    """Σ partᵢ² + Σ 2r·partₐ·part_b as (its square root, the scale, each square and each pair's term over
    scale²): the parts are divided by the largest first, so that u_c of 1e-170 ± 1e-172 is not the square root
    of an underflow (0) and u_c of 1e200 ± 1e190 not that of an overflow (∞)."""
    scale = max((abs(part) for part in parts), default=0.0)
    if not scale > 0 or not math.isfinite(scale):
        return (scale if math.isinf(scale) else 0.0), 1.0, [part * part for part in parts], [
            2 * r * parts[a] * parts[b] for a, b, r in pairs]
    scaled = [part / scale for part in parts]
    squares = [x * x for x in scaled]
    terms = [2 * r * scaled[a] * scaled[b] for a, b, r in pairs]
    return scale * math.sqrt(max(math.fsum(squares + terms), 0.0)), scale, squares, terms


def _term(factor: float, x: float, y: float) -> float | Decimal:
    """factor·x·y, for the budget's column of terms: a float, or a Decimal where the float product would
    underflow to 0 or overflow to ∞ (the terms of 1e-170 ± 1e-172 are 1e-344)."""
    product = factor * x * y
    if math.isfinite(product) and (product != 0 or factor * x == 0 or y == 0):
        return product
    from decimal import Decimal  # here: the decimal module is ~1.5 ms of a budget's start

    return Decimal(factor) * Decimal(x) * Decimal(y)


def linear(name: str, value: float, gradient: dict[str, float], inputs: Inputs) -> OutputBudget:
    """The budget of one output from its value and its partial derivatives (the sensitivity coefficients)."""
    measured = inputs.measured
    c = [float(gradient[quantity.name]) for quantity in measured]
    parts = [ci * quantity.u for ci, quantity in zip(c, measured)]
    index = {quantity.name: i for i, quantity in enumerate(measured)}
    pairs = [(index[a], index[b], r) for (a, b), r in inputs.correlations.items()]
    u, scale, squares, terms = _squares(parts, pairs)
    if not math.isfinite(u):
        raise MathError(f"the combined standard uncertainty of {name} overflows float (IEEE double): a contribution "
                        "cᵢ·u(xᵢ) is too large")
    total = math.fsum(squares + terms)

    def share(term: float) -> float | None:
        return term / total if total > 0 else None

    rows = [BudgetRow(q.name, q.value, q.u, ci, part, share(square), q.text, variance=_term(1, part, part),
                       dof=q.dof)
            for q, ci, part, square in zip(measured, c, parts, squares)]
    rows += [BudgetRow(f"{a},{b}", None, None, None, None, share(term), correlation=r,
                       variance=_term(2 * r, parts[index[a]], parts[index[b]]))
             for ((a, b), r), term in zip(inputs.correlations.items(), terms)]
    return OutputBudget(name, float(value), u, rows, c)


def output_correlation(outputs: list[OutputBudget], inputs: Inputs) -> dict[str, dict[str, float]]:
    """r(Yₐ, Y_b) = cₐᵀ·V·c_b / (u(Yₐ)·u(Y_b)), V the inputs' covariance matrix (GUM F.1.2.3): the diagonal,
    then each correlated pair once (linear in the inputs and the pairs), over each output's u_c first (no
    underflow or overflow of the products)."""
    us = [quantity.u for quantity in inputs.measured]
    index = {name: i for i, name in enumerate(inputs.names)}
    pairs = [(index[a], index[b], r) for (a, b), r in inputs.correlations.items()]
    # cᵢ·u(xᵢ)/u_c: the correlation is the covariance of these
    normed = {o.name: [c * u / o.u for c, u in zip(o.sensitivities, us)] if o.u > 0 else None for o in outputs}

    def correlation(a: OutputBudget, b: OutputBudget) -> float:
        pa, pb = normed[a.name], normed[b.name]
        if pa is None or pb is None:
            return math.nan
        if a is b:
            return 1.0
        return math.fsum([x * y for x, y in zip(pa, pb)] + [r * (pa[i] * pb[j] + pa[j] * pb[i]) for i, j, r in pairs])

    return {a.name: {b.name: correlation(a, b) for b in outputs} for a in outputs}


def welch_satterthwaite(budget: OutputBudget, inputs: Inputs) -> float:
    """ν_eff = u_c⁴ / Σ uᵢ(y)⁴/νᵢ (GUM G.4.2); inputs without --dof count as infinitely many."""
    if inputs.correlations:
        raise InputError("--dof: the Welch–Satterthwaite formula holds for independent inputs only (GUM G.4.2), and "
                         "these are correlated; drop --dof, or --correlation")
    if not budget.u > 0:
        return math.inf
    # (uᵢ(y)/u_c)⁴: the ratio's fourth powers neither underflow nor overflow where uᵢ(y)⁴ would
    denominator = sum((row.contribution / budget.u) ** 4 / quantity.dof
                      for row, quantity in zip(budget.rows, inputs.measured) if math.isfinite(quantity.dof))
    return math.inf if denominator == 0 else 1 / denominator


def coverage_factor(k: float | None, coverage: float | None, dof: float | None) -> tuple[float, float | None]:
    """(k, p): `k` as given, or the normal quantile of `coverage`; with a finite ν_eff, the t-distribution's
    k for the same p (p of a given k: its normal coverage, 2 → 95.45 %), ν_eff truncated (GUM G.4.1)."""
    from statistics import NormalDist

    if k is not None and coverage is None:
        if dof is None or not math.isfinite(dof):
            return k, None
        coverage = 2 * NormalDist().cdf(k) - 1
    assert coverage is not None
    if dof is None or not math.isfinite(dof):
        return NormalDist().inv_cdf((1 + coverage) / 2), coverage
    return t_quantile(coverage, max(1, math.floor(dof))), coverage


def t_quantile(coverage: float, dof: float) -> float:
    """t_p(ν): P(|T| ≤ t) = p for Student's t with ν degrees of freedom (GUM Table G.2), by bisection on
    the regularized incomplete beta function, P(|T| > t) = I_{ν/(ν+t²)}(ν/2, 1/2)."""
    import mpmath

    context = mpmath.MPContext()
    context.dps = 20
    low, high = context.mpf(0), context.mpf(1)  # x = ν/(ν+t²), decreasing in t
    target = 1 - context.mpf(coverage)
    for _ in range(64):
        middle = (low + high) / 2
        if context.betainc(context.mpf(dof) / 2, context.mpf(1) / 2, 0, middle, regularized=True) < target:
            low = middle
        else:
            high = middle
    x = (low + high) / 2
    return float(context.sqrt(dof * (1 - x) / x))


def higher_partials(graph: Graph, values: dict, names: list[str], numbers) -> tuple[list, list, list]:
    """(gradient, Hessian, third[i][j] = ∂³f/∂xᵢ∂xⱼ²) of the graph's output with respect to `names`: for
    each j, the backward pass in dual numbers of dual numbers, xⱼ seeded with both tangents (hyper-dual:
    the ε₁ε₂ part of ∂f/∂xᵢ is ∂³f/∂xᵢ∂xⱼ²)."""
    from ..numbers.dual import Dual, DualNumbers, tangent_of, value_of
    from .forward_backward import differentiate

    inner = DualNumbers(numbers)
    outer = DualNumbers(inner)
    n = len(names)
    gradient, hessian, third = [0.0] * n, [[0.0] * n for _ in range(n)], [[0.0] * n for _ in range(n)]
    for j, seeded_name in enumerate(names):
        seeded = {name: Dual(Dual(value, numbers.one if name == seeded_name else None, numbers),
                             Dual(numbers.one, None, numbers) if name == seeded_name else None, inner)
                  for name, value in values.items()}
        trace = differentiate(graph, seeded, outer, names, record=False)
        for i, name in enumerate(names):
            partial = trace.gradient[name]
            first, second = value_of(partial), tangent_of(partial)
            gradient[i] = float(value_of(first))
            hessian[i][j] = float(tangent_of(first) or 0.0)
            third[i][j] = float(tangent_of(second) or 0.0) if second is not None else 0.0
    return gradient, hessian, third


def second_order(budget: OutputBudget, hessian: list[list[float]], third: list[list[float]],
                 inputs: Inputs) -> SecondOrder:
    """GUM 5.1.2, note: the higher-order terms for independent, normally distributed inputs."""
    if inputs.correlations:
        raise InputError("--second-order: GUM 5.1.2's higher-order terms hold for independent inputs only, and these "
                         "are correlated; use --monte-carlo N instead")
    import mpmath

    # in mpmath's unbounded exponents: u²(xᵢ)·u²(xⱼ) underflows in floats from u ≈ 1e-77 on
    context = mpmath.MPContext()
    us = [context.mpf(quantity.u) for quantity in inputs.measured]
    c = budget.sensitivities
    n = len(us)
    extra = context.fsum((0.5 * context.mpf(hessian[i][j]) ** 2 + context.mpf(c[i]) * third[i][j]) * us[i] ** 2
                         * us[j] ** 2 for i in range(n) for j in range(n))
    u = float(context.sqrt(max(context.mpf(budget.u) ** 2 + extra, 0)))
    if not math.isfinite(u):
        raise MathError(f"the second-order u_c of {budget.name} overflows float (IEEE double)")
    return SecondOrder(u, budget.u, hessian, third)
