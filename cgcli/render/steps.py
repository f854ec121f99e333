"""The walk through the passes, decided once from a derivation: one step per node, first the
forward pass in topological order, then the backward pass in reverse; or, in forward mode, one
step per node in topological order, each computing its value and its tangent(s). And the state of
the picture after any step (which values, adjoints and tangents are known, which edges carry a
product, what a fan-out node has received so far). Markdown, DOT and HTML frames all render these steps."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..graph.nodes import CONSTANT, VARIABLE
from .derivation import BackwardLine, Derivation, ForwardLine, ForwardModeDerivation, NumberText, Partial, TangentLine

FORWARD, BACKWARD, TANGENT = "forward", "backward", "tangent"
TITLES = {FORWARD: "forward pass", BACKWARD: "backward pass", TANGENT: "forward mode"}

EdgeKey = tuple[str, str, int]  # (operand, consumer, which operand of the consumer): one use, one edge


@dataclass(frozen=True, slots=True)
class Step:
    phase: str  # FORWARD, BACKWARD or TANGENT
    line: ForwardLine | BackwardLine  # the derivation's row of the node this step works on
    edges: tuple[EdgeKey, ...]  # forward: the operands flowing in; backward: the uses carrying ∂out/∂consumer back
    tangent: TangentLine | None = None  # forward mode: the node's tangents and their terms

    @property
    def name(self) -> str:
        return self.line.name

    @property
    def title(self) -> str:
        return TITLES[self.phase]

    def equation(self, output: str) -> str:
        """What this step computes, as plain text: `u = b · c = 6`, or
        `∂J/∂b = ∂J/∂u · ∂u/∂b = 3 × 3 = 9`, or in forward mode
        `u = x · y = 6, u̇ = ∂u/∂x · ẋ + ∂u/∂y · ẏ = 3 · 1 + 2 · 0 = 3`."""
        line = self.line
        if self.phase == TANGENT:
            return f"{Step(FORWARD, line, self.edges).equation(output)}, {self.tangent.tangent_equation}"
        if self.phase == FORWARD:
            if line.op in (VARIABLE, CONSTANT):
                return f"{line.name} = {line.value.text}"
            return f"{line.name} = {line.definition} = {line.value.text}"
        left = str(Partial(output, line.name))
        if not line.terms:
            return f"{left} = {line.adjoint.text} (the output)"
        return " = ".join([left, " ".join(line.chain_lines), " ".join(line.product_lines), line.adjoint.text])


@dataclass(frozen=True, slots=True)
class State:
    """The picture after step `done` (1-based; 0: nothing computed yet)."""

    walk: Walk
    done: int

    @property
    def step(self) -> Step | None:
        return self.walk.steps[self.done - 1] if self.done else None

    def _reached(self, at: dict, name: str) -> bool:
        return at.get(name, len(self.walk.steps) + 1) <= self.done

    def value_shown(self, name: str) -> bool:
        return self._reached(self.walk.forward_at, name)

    def adjoint_shown(self, name: str) -> bool:
        return self._reached(self.walk.backward_at, name)

    def edge_done(self, key: EdgeKey) -> bool:
        """Whether the use `key` has carried its product: back (its operand's backward step is done), or
        in forward mode its tangent share forward (its consumer's step is done)."""
        return self.value_shown(key[1]) if self.walk.tangents else self.adjoint_shown(key[0])

    def received(self, name: str) -> tuple[list[NumberText], bool] | None:
        """A fan-out node's contributions from the uses whose consumer is done, and whether more are
        to come, while its own adjoint is not yet known: they add up over the frames that reach it."""
        line = self.walk.backward_line.get(name)
        if line is None or len(line.terms) < 2 or self.adjoint_shown(name):
            return None
        got = [term.contribution for term in line.terms if self.adjoint_shown(term.record.consumer)]
        return (got, len(got) < len(line.terms)) if got else None

    def current(self, name: str) -> bool:
        step = self.step
        return step is not None and step.name == name

    def lit(self, key: EdgeKey) -> bool:
        step = self.step
        return step is not None and key in step.edges


@dataclass
class Walk:
    output: str
    steps: list[Step]
    forward_at: dict[str, int]  # node → the number of its forward step
    backward_at: dict[str, int]
    backward_line: dict[str, BackwardLine]
    tangents: bool = False  # forward mode: one pass that computes values and tangents together

    def state(self, done: int) -> State:
        return State(self, done)

    @property
    def forward_count(self) -> int:
        return sum(1 for step in self.steps if step.phase != BACKWARD)

    def label_at(self, name: str) -> int:
        """The step after which a node's second line (its adjoint; in forward mode its tangent) shows; 0: never."""
        return (self.forward_at if self.tangents else self.backward_at).get(name, 0)

    def edge_at(self, key: EdgeKey) -> int:
        """The step after which the use `key` shows what it carried (see State.edge_done); 0: never."""
        return self.forward_at.get(key[1], 0) if self.tangents else self.backward_at.get(key[0], 0)


def walk(derivation: Derivation | ForwardModeDerivation, drawn: Collection[str] | None = None) -> Walk:
    """The steps of both passes over `derivation`, or of the forward-mode pass; with `drawn` (the
    nodes a --collapse figure keeps) only the steps of those nodes."""
    if isinstance(derivation, ForwardModeDerivation):
        return _tangent_walk(derivation, drawn)
    steps = [Step(FORWARD, line, _inflow(line)) for line in derivation.forward if drawn is None or line.name in drawn]
    backward_line = {}
    for line in derivation.backward:
        backward_line[line.name] = line
        if drawn is None or line.name in drawn:
            edges = tuple((line.name, term.record.consumer, term.record.operand_index) for term in line.terms)
            steps.append(Step(BACKWARD, line, edges))
    forward_at = {step.name: n for n, step in enumerate(steps, 1) if step.phase == FORWARD}
    backward_at = {step.name: n for n, step in enumerate(steps, 1) if step.phase == BACKWARD}
    return Walk(derivation.output, steps, forward_at, backward_at, backward_line)


def _tangent_walk(derivation: ForwardModeDerivation, drawn: Collection[str] | None) -> Walk:
    """Forward mode: one step per node in topological order, its value and tangents at once."""
    steps = [Step(TANGENT, line, _inflow(line), tangent)
             for line, tangent in zip(derivation.forward, derivation.tangent_lines)
             if drawn is None or line.name in drawn]
    forward_at = {step.name: n for n, step in enumerate(steps, 1)}
    return Walk(derivation.output, steps, forward_at, {}, {}, tangents=True)


def _inflow(line: ForwardLine) -> tuple[EdgeKey, ...]:
    """The uses that flow into `line`'s node; a literal operand has no value of its own: no edge to light."""
    if line.op == CONSTANT:
        return ()
    return tuple((operand, line.name, i) for i, operand in enumerate(line.operands)
                 if line.operand_values[i] is not None)
