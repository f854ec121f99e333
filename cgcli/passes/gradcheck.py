"""The gradient check: the backward pass's gradient against finite differences of the forward pass
(or against an interval enclosure of the derivative, or against someone else's gradient), with the
kinks of the op table (`Op.kink_at`) found and judged by their one-sided differences."""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field

from ..errors import InputError, MathError
from ..graph.nodes import Graph
from ..ops import OPS
from .forward_backward import differentiate, forward_values, live_nodes, reevaluate
from ..text import excerpt, listing

EPSILON = sys.float_info.epsilon
RICHARDSON_STEP = EPSILON ** (1 / 5)  # balances Richardson's O(h⁴) error against round-off eps·|f|/h
ONE_SIDED_STEP = EPSILON ** (1 / 3)  # balances a second-order one-sided difference's O(h²) against round-off
SHRINKS = 8  # tenfold smaller steps tried before a kink (or a domain edge) is declared too close
DEFAULT_RTOL, DEFAULT_ATOL = 1e-6, 1e-8


@dataclass
class VariableCheck:
    """One partial derivative checked: cgrad's value, the reference, the errors and the verdict."""

    name: str
    gradient: float
    reference: float | None = None  # the finite-difference estimate, or their value (--against)
    enclosure: tuple[float, float] | None = None  # --interval: the derivative's enclosure
    one_sided: tuple[float, float] | None = None  # on a kink: the left and right differences
    abs_error: float | None = None
    rel_error: float | None = None
    verdict: str = "pass"  # pass, fail, kink, near kink, jump
    passed: bool = True
    note: str = ""


@dataclass
class KinkReport:
    """A node that sits on its kink at the point, with the one-sided slopes of its op there."""

    node: str
    source: str
    left: float
    right: float
    convention: float
    jump: bool

    @property
    def subgradient(self) -> tuple[float, float]:
        return min(self.left, self.right), max(self.left, self.right)

    @property
    def inside(self) -> bool:
        low, high = self.subgradient
        slack = 1e-8 * max(1.0, abs(self.convention))  # the slopes' rounding: a few ulps over the step
        return not self.jump and low - slack <= self.convention <= high + slack


@dataclass
class CheckResult:
    method: str
    reference: str | None  # what VariableCheck.reference is: "finite_difference", "theirs", or None
    rtol: float
    atol: float
    variables: list[VariableCheck]
    kinks: list[KinkReport] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.variables)


class _Function:
    """f and the kinks' sides at points near the bindings, in float, in time proportional to what a
    move of one variable reaches: the forward pass runs once at the point, and each probe recomputes
    only the nodes that depend on the moved variable, stopping where a node is only ever added to or
    subtracted from the output (f = Σ c·node + the rest, c an integer): the differences of f along
    the variable are the differences of Σ c·node over the nodes it reaches, with those nodes' rounding
    instead of the whole sum's. On the Rosenbrock sum, a dozen nodes per variable instead of all."""

    def __init__(self, graph: Graph, bindings: dict[str, float], numbers, base: list) -> None:
        self.graph, self.bindings, self.numbers, self.base = graph, bindings, numbers, base
        nodes, order = graph.nodes, graph.order
        self.kinked = {i for i in order if nodes.op(i) in _KINKED}
        self.consumers: list[list[int]] = [[] for _ in range(len(nodes))]
        inputs = nodes.inputs
        for index in order:
            for operand in dict.fromkeys(inputs(index)):
                self.consumers[operand].append(index)
        self.through, self.weight = _summed(graph, self.consumers)
        self.variable = {nodes.name(i): i for i in graph.variables()}
        self._cones: dict[str, list[int]] = {}

    def cone(self, name: str) -> list[int]:
        """The nodes that depend on the variable, in topological order, leaving out the sums and
        differences that only pass a change on to the output (the weights account for them)."""
        if name not in self._cones:
            through, start = self.through, self.variable[name]
            seen, stack = {start}, [start]
            while stack:
                for consumer in self.consumers[stack.pop()]:
                    if consumer not in seen and not through[consumer]:
                        seen.add(consumer)
                        stack.append(consumer)
            self._cones[name] = sorted(seen)  # program indices are topological
        return self._cones[name]

    def values(self, name: str, offset: float) -> dict[int, float]:
        """The new values of the nodes the variable reaches, moved by `offset`."""
        moved = {name: self.bindings[name] + offset}
        return reevaluate(self.graph, self.base, self.cone(name), moved, self.numbers)

    def sample(self, name: str, new: dict[int, float]) -> float:
        """f at the moved point, less the part that does not depend on the variable."""
        weight = self.weight
        return sum(weight[i] * new[i] for i in self.cone(name) if weight[i])

    def sides(self, kinked: list[int], new: dict[int, float]) -> tuple[int, ...]:
        """The sign of each kink's distance (Op.kink_at) at these node values."""
        nodes, base = self.graph.nodes, self.base
        return tuple(_sign(OPS[nodes.op(i)].kink_at(self.numbers, *[new.get(j, base[j]) for j in nodes.inputs(i)]))
                     for i in kinked)

    def near(self, name: str, offsets: tuple[float, ...]) -> tuple[dict[float, float], list[int], list[int]]:
        """f at x + each offset (less a part that does not move), the kinks that sit on their kink at
        x, and those whose side changes."""
        kinked = [i for i in self.cone(name) if i in self.kinked]
        samples, at_point = {}, self.sides(kinked, {})
        changed: set[int] = set()
        for offset in offsets:
            new = self.values(name, offset)
            samples[offset] = self.sample(name, new)
            changed.update(k for k, side in enumerate(self.sides(kinked, new)) if side != at_point[k])
        on = [kinked[k] for k in sorted(changed) if at_point[k] == 0]
        crossed = [kinked[k] for k in sorted(changed) if at_point[k] != 0]
        return samples, on, crossed


class _Piecewise:
    """f and the kinks' sides for a program with an op that selects its operands (if): the forward
    pass again at each probe, since a move may change which branch is taken (and a branch not taken
    may hold values that do not exist). The same interface as _Function."""

    def __init__(self, graph: Graph, bindings: dict[str, float], numbers, base: list) -> None:
        self.graph, self.bindings, self.numbers, self.base = graph, bindings, numbers, base
        op = graph.nodes.op
        self.kinked = [i for i in graph.order if op(i) in _KINKED]

    def values(self, name: str, offset: float) -> list:
        moved = dict(self.bindings)
        moved[name] = self.bindings[name] + offset
        return forward_values(self.graph, moved, self.numbers)

    def sample(self, name: str, values: list) -> float:
        return values[self.graph.output]

    def sides(self, values: list) -> tuple[int | None, ...]:
        """The sign of each kink's distance (Op.kink_at) at these node values; None for a kink only a
        branch not taken needs (it bends nothing there)."""
        nodes = self.graph.nodes
        live = live_nodes(self.graph, values, self.numbers)
        return tuple(None if live is not None and not live[i]
                     else _sign(OPS[nodes[i].op].kink_at(self.numbers, *[values[j] for j in nodes[i].inputs]))
                     for i in self.kinked)

    def near(self, name: str, offsets: tuple[float, ...]) -> tuple[dict[float, float], list[int], list[int]]:
        """f at x + each offset, the kinks that sit on their kink at x, and those whose side changes."""
        samples, at_point = {}, self.sides(self.values(name, 0.0))
        changed: set[int] = set()
        for offset in offsets:
            values = self.values(name, offset)
            samples[offset] = values[self.graph.output]
            changed.update(k for k, side in enumerate(self.sides(values))
                           if side != at_point[k] and None not in (side, at_point[k]))
        on = [self.kinked[k] for k in sorted(changed) if at_point[k] == 0]
        crossed = [self.kinked[k] for k in sorted(changed) if at_point[k] != 0]
        return samples, on, crossed


def _probes(graph: Graph, bindings: dict[str, float], numbers) -> _Function | _Piecewise:
    """The linear-time probes, unless an op selects its operands (a branch may change under a move)."""
    base = forward_values(graph, bindings, numbers)
    if live_nodes(graph, base, numbers) is not None:
        return _Piecewise(graph, bindings, numbers, base)
    return _Function(graph, bindings, numbers, base)


def _unit_partials(op: str) -> tuple[int, ...] | None:
    """An op whose local derivatives are the constants 1 or -1 (its declared notations): a sum, a
    difference, a negation; their coefficients, one per operand."""
    declared = OPS.get(op)
    units = {"1": 1, "-1": -1}
    if declared is None or declared.vjps or not all(n in units for n in declared.partial_notations):
        return None
    return tuple(units[n] for n in declared.partial_notations)


def _summed(graph: Graph, consumers: list[list[int]]) -> tuple[list[bool], list[int]]:
    """f written as Σ w·node over the nodes that are not sums or differences passing their value on
    to the output alone (f = 3·x + 1·sin(x) + … for f = x + x + (x + sin(x))): per node, whether it
    is such a pass-through, and its integer weight w (0: it reaches f through something else only)."""
    nodes, output = graph.nodes, graph.output
    coefficient: list[int | None] = [None] * len(nodes)  # f = c·node + terms without it, through sums only
    through = [False] * len(nodes)
    by_op = {op: _unit_partials(op) for op in graph.ops()}  # once per op, not per use
    op, inputs = nodes.op, nodes.inputs
    unit_partials = [by_op.get(op(index)) for index in range(len(nodes))]
    for index in reversed(graph.order):
        units = unit_partials[index]
        if index == output:
            coefficient[index] = 1
        else:
            total = 0
            for consumer in consumers[index]:
                if not through[consumer]:
                    total = None
                    break
                pairs = zip(unit_partials[consumer], inputs(consumer))
                total += coefficient[consumer] * sum(unit for unit, operand in pairs if operand == index)
            coefficient[index] = total
        through[index] = coefficient[index] is not None and units is not None
    weight = [0] * len(nodes)
    weight[output] = 0 if through[output] else 1
    for index in graph.order:
        if through[index]:
            for unit, operand in zip(unit_partials[index], inputs(index)):
                if not through[operand]:
                    weight[operand] += coefficient[index] * unit
    return through, weight


_KINKED = {name for name, op in OPS.items() if op.kink_at}  # the ops with a kink or a jump


def _sign(value) -> int:
    return (value > 0) - (value < 0)


def finite_difference_check(graph: Graph, bindings: dict[str, float], numbers, rtol: float,
                            atol: float, wrt: list[str] | None = None) -> CheckResult:
    """cgrad's gradient against Richardson-extrapolated central differences, variable by variable
    (the `wrt` variables, or every one)."""
    gradient = differentiate(graph, bindings, numbers, wrt, record=False).gradient
    function = _probes(graph, bindings, numbers)
    checks = [_check_variable(function, name, gradient[name], rtol, atol) for name in gradient]
    return CheckResult("central differences with Richardson extrapolation", "finite_difference", rtol, atol, checks,
                       kinks_at_point(graph, function.base, numbers))


def _check_variable(function: _Function | _Piecewise, name: str, gradient: float, rtol: float,
                    atol: float) -> VariableCheck:
    """Smaller steps while one crosses a kink, leaves the domain, or the truncation error is too
    large to judge (exp(x) at x = 700, where the step scaled to |x| is too long); the best estimate wins."""
    scale = max(1.0, abs(function.bindings[name]))
    step, crossed, best = RICHARDSON_STEP * scale, [], None
    for _ in range(SHRINKS):
        try:
            samples, on, crossed = function.near(name, (-2 * step, -step, -step / 2, step / 2, step, 2 * step))
        except MathError:  # a step left the domain (log of x near 0): a smaller one may not
            step /= 10
            continue
        if on:
            return _at_kink(function, name, gradient, on, rtol, atol)
        if not crossed:
            # a step sweep: R(h/2) is the estimate, and how far R(h) is from it bounds its truncation error
            estimate = _richardson(samples, step / 2)
            truncation, rounding = abs(_richardson(samples, step) - estimate), _round_off(samples, step / 2)
            if best is None or truncation + rounding < best[0]:
                shrunk = " (shrunk)" if step < RICHARDSON_STEP * scale else ""
                best = (truncation + rounding, _judged(name, gradient, estimate, truncation + rounding, rtol, atol,
                                                       f"step {step / 2:.3g}{shrunk}"))
            if truncation <= atol + rtol * abs(estimate) or rounding >= truncation:
                return best[1]  # accurate enough, or a smaller step would only add rounding
        step /= 10
    if best is not None:
        return best[1]
    if crossed:
        names = ", ".join(_describe(function.graph, i) for i in crossed)
        return VariableCheck(name, gradient, verdict="near kink",
                             note=f"closer than the smallest step tried ({step * 10:.3g}) to the kink of {names}: "
                                  "the differences straddle it")
    raise MathError(f"finite differences along {name}: every step down to {step * 10:.3g} leaves the domain")


def _richardson(samples: dict[float, float], step: float) -> float:
    """(4·D(h) - D(2h))/3, D the central difference: the h² error terms cancel."""
    near = (samples[step] - samples[-step]) / (2 * step)
    far = (samples[2 * step] - samples[-2 * step]) / (4 * step)
    return (4 * near - far) / 3


def _round_off(samples: dict[float, float], step: float) -> float:
    """A bound on the estimate's rounding error: a few ulps of the largest sample, over the step."""
    return 4 * EPSILON * max(map(abs, samples.values())) / step


def _judged(name: str, gradient: float, estimate: float, slack: float, rtol: float, atol: float,
            note: str) -> VariableCheck:
    abs_error = abs(gradient - estimate)
    rel_error = abs_error / max(abs(gradient), abs(estimate)) if abs_error else 0.0
    passed = abs_error <= atol + rtol * max(abs(gradient), abs(estimate)) + slack
    return VariableCheck(name, gradient, estimate, None, None, abs_error, rel_error, "pass" if passed else "fail",
                         passed, note)


def _at_kink(function: _Function | _Piecewise, name: str, gradient: float, on: list[int], rtol: float,
             atol: float) -> VariableCheck:
    """On a kink: second-order one-sided differences bound the subgradient; pass if cgrad's value is inside."""
    step = ONE_SIDED_STEP * max(1.0, abs(function.bindings[name]))
    samples, _, _ = function.near(name, (-2 * step, -step, step, 2 * step))
    centre = function.sample(name, function.values(name, 0.0))
    right = (-3 * centre + 4 * samples[step] - samples[2 * step]) / (2 * step)
    left = (3 * centre - 4 * samples[-step] + samples[-2 * step]) / (2 * step)
    low, high = min(left, right), max(left, right)
    nodes = ", ".join(_describe(function.graph, i) for i in on)
    if _jumps(samples[step] - samples[-step], samples[2 * step] - samples[-2 * step], 0.8):
        return VariableCheck(name, gradient, one_sided=(left, right), verdict="jump",
                             note=f"f jumps at {nodes}: no derivative; the convention gives {gradient:.6g}")
    slack = atol + rtol * max(abs(low), abs(high)) + _round_off(samples, step)
    passed = low - slack <= gradient <= high + slack
    error = max(0.0, low - gradient, gradient - high)
    return VariableCheck(name, gradient, None, None, (left, right), error, None, "kink" if passed else "fail", passed,
                         f"on the kink of {nodes}: one-sided differences {left:.6g} (left), {right:.6g} (right)")


def kinks_at_point(graph: Graph, values: list, numbers) -> list[KinkReport]:
    """Every node whose kink distance (Op.kink_at) is 0 here, with its op's one-sided slopes along
    its first operand and the convention's local derivative."""
    reports, live = [], live_nodes(graph, values, numbers)
    for index in graph.order:
        node = graph.nodes[index]
        op = OPS.get(node.op)
        if op is None or op.kink_at is None or (live is not None and not live[index]):
            continue
        operands = [values[i] for i in node.inputs]
        if op.kink_at(numbers, *operands) != 0:
            continue
        x, rest = operands[0], operands[1:]
        step = ONE_SIDED_STEP * max(1.0, abs(x))

        def at(offset: float) -> float:
            return op.forward(numbers, x + offset, *rest)

        left, right = (at(0.0) - at(-step)) / step, (at(step) - at(0.0)) / step
        jump = _jumps(at(step) - at(-step), at(10 * step) - at(-10 * step), 0.5)
        convention = op.partials[0](numbers, values[index], *operands)
        reports.append(KinkReport(graph.names[index], excerpt(graph.source, node.start, node.end), left, right,
                                  convention, jump))
    return reports


def interval_check(graph: Graph, bindings: dict[str, float], enclosure: dict, numbers, rtol: float,
                   atol: float, wrt: list[str] | None = None) -> CheckResult:
    """Rigorous: cgrad's float gradient against the interval backward pass's enclosure of the
    derivative at the same point (`enclosure`: name → (low, high) as floats rounded outward)."""
    gradient = differentiate(graph, bindings, numbers, wrt, record=False).gradient
    checks = []
    for name, value in gradient.items():
        low, high = enclosure[name]
        slack = atol + rtol * abs(value)
        error = max(0.0, low - value, value - high)
        passed = low - slack <= value <= high + slack
        checks.append(VariableCheck(name, value, None, (low, high), None, error, None, "pass" if passed else "fail",
                                    passed, f"enclosure of width {high - low:.3g}"))
    return CheckResult("interval enclosure of the derivative (backward pass in interval arithmetic)", None, rtol, atol,
                       checks, kinks_at_point(graph, forward_values(graph, bindings, numbers), numbers))


def against_check(graph: Graph, bindings: dict[str, float], theirs: dict[str, float], numbers, rtol: float,
                  atol: float, wrt: list[str] | None = None) -> CheckResult:
    """Someone else's gradient (name → number) against cgrad's, name by name (with `wrt`, those
    names only: theirs may give more variables)."""
    gradient = differentiate(graph, bindings, numbers, wrt, record=False).gradient
    variables = {graph.names[i] for i in graph.variables()}
    missing = [name for name in gradient if name not in theirs]
    extra = [name for name in theirs if name not in gradient and (wrt is None or name not in variables)]
    theirs = {name: theirs[name] for name in gradient if name in theirs}
    if missing or extra:
        parts = ([f"no value for {listing(missing)}"] if missing else []) + \
                ([f"{listing(extra)} is not a variable of the expression"] if extra else [])
        raise InputError(f"--against: {'; '.join(parts)} (its variables: {listing(gradient, 30) or 'none'})")
    checks = [_judged(name, gradient[name], theirs[name], 0.0, rtol, atol, "") for name in gradient]
    return CheckResult("a given gradient against cgrad's backward pass", "theirs", rtol, atol, checks,
                       kinks_at_point(graph, forward_values(graph, bindings, numbers), numbers))


def failures(result: CheckResult) -> str:
    """The failed variables and their numbers, for the one-line report of exit status 1."""
    return "; ".join(f"{check.name} (gradient {check.gradient:.12g}, {_reference_text(result, check)})"
                     for check in result.variables if not check.passed)


def _reference_text(result: CheckResult, check: VariableCheck) -> str:
    if check.one_sided is not None:
        return "one-sided differences {:.6g} and {:.6g}".format(*check.one_sided)
    if check.enclosure is not None:
        return "enclosure [{:.12g}, {:.12g}]".format(*check.enclosure)
    return f"{result.reference.replace('_', ' ')} {check.reference:.12g}"


def _jumps(near: float, far: float, ratio: float) -> bool:
    """A jump, not a bend: the rise across the point does not shrink with the step (a bend's does)."""
    return abs(near) > ratio * abs(far) > 0


def _describe(graph: Graph, index: int) -> str:
    node = graph.nodes[index]
    return f"{graph.names[index]} = {excerpt(graph.source, node.start, node.end)}"


def is_scalar(value) -> bool:
    return not getattr(value, "shape", ()) and not (isinstance(value, float) and math.isnan(value))
