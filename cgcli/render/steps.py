"""The walk through both passes, decided once from a Derivation: one step per node, first the
forward pass in topological order, then the backward pass in reverse; and the state of the
picture after any step (which values and adjoints are known, which edges carry a product, what
a fan-out node has received so far). Markdown, DOT and HTML frames all render these steps."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..graph import CONSTANT, VARIABLE
from .derivation import BackwardLine, Derivation, ForwardLine, NumberText, Partial

FORWARD, BACKWARD = "forward", "backward"

EdgeKey = tuple[str, str, int]  # (operand, consumer, which operand of the consumer): one use, one edge


@dataclass(frozen=True, slots=True)
class Step:
    phase: str  # FORWARD or BACKWARD
    line: ForwardLine | BackwardLine  # the derivation's row of the node this step works on
    edges: tuple[EdgeKey, ...]  # forward: the operands flowing in; backward: the uses carrying ∂out/∂consumer back

    @property
    def name(self) -> str:
        return self.line.name

    def equation(self, output: str) -> str:
        """What this step computes, as plain text: `u = b · c = 6`, or
        `∂J/∂b = ∂J/∂u · ∂u/∂b = 3 × 3 = 9`."""
        line = self.line
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
        """Whether the use `key` has carried its product back (its operand's backward step is done)."""
        return self.adjoint_shown(key[0])

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

    def state(self, done: int) -> State:
        return State(self, done)

    @property
    def forward_count(self) -> int:
        return sum(1 for step in self.steps if step.phase == FORWARD)


def walk(derivation: Derivation, drawn: Collection[str] | None = None) -> Walk:
    """The steps of both passes over `derivation`; with `drawn` (the nodes a --collapse figure
    keeps) only the steps of those nodes."""
    steps = []
    for line in derivation.forward:
        if drawn is None or line.name in drawn:
            edges = () if line.op == CONSTANT else tuple(  # a literal operand has no value of its own: no edge to light
                (operand, line.name, i) for i, operand in enumerate(line.operands)
                if line.operand_values[i] is not None)
            steps.append(Step(FORWARD, line, edges))
    backward_line = {}
    for line in derivation.backward:
        backward_line[line.name] = line
        if drawn is None or line.name in drawn:
            edges = tuple((line.name, term.record.consumer, term.record.operand_index) for term in line.terms)
            steps.append(Step(BACKWARD, line, edges))
    forward_at = {step.name: n for n, step in enumerate(steps, 1) if step.phase == FORWARD}
    backward_at = {step.name: n for n, step in enumerate(steps, 1) if step.phase == BACKWARD}
    return Walk(derivation.output, steps, forward_at, backward_at, backward_line)
