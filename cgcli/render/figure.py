"""The picture every diagram format draws: nodes and their labels, edges and their local
derivatives, the highlighted paths and the folded depths; from a Derivation or, for the structure
alone, from a Graph. Mermaid and DOT only spell it out."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..errors import InputError
from ..text import shorten
from ..graph.nodes import CONSTANT, VARIABLE
from ..passes.trace import ForwardRow
from .derivation import (Derivation, ForwardLine, ForwardModeDerivation, NumberText, Partial, TangentTermLine, TermLine,
                         dotted, joined)
from .notation import definition

VARIABLE_KIND, OP_KIND, OUTPUT_KIND, CONSTANT_KIND, SUMMARY_KIND = "var", "op", "out", "const", "summary"


@dataclass
class Node:
    id: str  # n0, n1, … in the order the nodes are created: stable from run to run
    kind: str  # one of the *_KIND above
    lines: list[str]  # the label, line by line, as plain text (each format escapes it)
    name: str | None = None
    highlight: bool = False


@dataclass
class Edge:
    source: str  # node ids; an edge runs from an operand to the node that uses it
    target: str
    lines: list[str] = field(default_factory=list)
    highlight: bool = False
    use: tuple[str, str, int] | None = None  # (operand, consumer, operand index); None from a literal or a summary


@dataclass
class Figure:
    nodes: list[Node]
    edges: list[Edge]
    direction: str = "LR"
    title: str | None = None
    hidden: int = 0  # nodes folded into summary nodes by --collapse

    def node(self, name: str) -> Node:
        return next(node for node in self.nodes if node.name == name)


def structure_rows(graph) -> list[ForwardLine]:
    """The forward lines a derivation would have, without values: one per named node of the graph."""
    rows = []
    for index in graph.order:
        name, node = graph.names[index], graph.nodes[index]
        if name is None:
            continue
        if node.op == CONSTANT:
            operands = (node.literal,)
        else:
            operands = tuple(graph.names[i] or graph.nodes[i].literal for i in node.inputs)
        row = ForwardRow(name, node.op, operands, (node.start, node.end), None)
        rows.append(ForwardLine(name, node.op, operands, definition(row), "", None, None))
    return rows


def build(rows: list[ForwardLine], output: str, derivation: Derivation | None = None, *, products: bool = False,
          highlight: str | None = None, collapse: int | None = None, direction: str = "LR",
          title: str | None = None, state=None, outputs: tuple[str, ...] = ()) -> Figure:
    """The figure of `rows` (a derivation's forward lines, or `structure_rows`). With the derivation,
    nodes show their value and ∂output/∂node, edges their local derivative (and upstream × local);
    with a forward-mode derivation, nodes their value and tangent, edges their local derivative (and
    local · operand tangent).
    With a `state` (steps.State): the picture after that step of the passes, its node and edges lit.
    `outputs`: every output of a graph of several (`output` among them), each drawn as one."""
    shown = state or _COMPLETE
    labels = _labels(derivation, shown, output, products or state is not None)
    position = {row.name: i for i, row in enumerate(rows)}
    reaches = _reaching(rows, position, highlight)
    outputs = outputs or (output,)
    keep = _within(rows, position, outputs, collapse)

    nodes: list[Node] = []
    edges: list[Edge] = []
    node_of: dict[str, Node] = {}

    def new_node(kind: str, lines: list[str], name: str | None = None, lit: bool = False) -> Node:
        node = Node(f"n{len(nodes)}", kind, lines, name, lit)
        nodes.append(node)
        return node

    summaries = _Summaries(rows, position, keep, reaches, new_node)
    for i, row in enumerate(rows):
        if not keep[i]:
            continue
        literals = {} if row.op == CONSTANT else {  # each literal operand: a small node of its own, for this use
            index: new_node(CONSTANT_KIND, [operand]) for index, operand in enumerate(row.operands)
            if position.get(operand, i) >= i}
        lines = _node_lines(row, shown.value_shown(row.name)) + labels.node_lines(row.name)
        node_of[row.name] = target = new_node(_kind(row, outputs), lines, row.name,
                                              reaches[i] or shown.current(row.name))
        if row.op == CONSTANT:
            continue
        folded_from = set()
        for index, operand in enumerate(row.operands):
            j = position.get(operand)
            if index in literals:
                edges.append(Edge(literals[index].id, target.id))
            elif keep[j]:
                use = (operand, row.name, index)
                edges.append(Edge(node_of[operand].id, target.id, labels.edge_lines(use) if shown.edge_done(use) else [],
                                  reaches[j] or shown.lit(use), use))
            else:
                summary = summaries.owner(j, row.name)
                if summary.id not in folded_from:
                    folded_from.add(summary.id)
                    edges.append(Edge(summary.id, target.id, [], summary.highlight))
    return Figure(nodes, edges, direction, title, summaries.hidden)


def _kind(row: ForwardLine, outputs: tuple[str, ...]) -> str:
    if row.name in outputs and row.op not in (VARIABLE, CONSTANT):
        return OUTPUT_KIND
    return {VARIABLE: VARIABLE_KIND, CONSTANT: CONSTANT_KIND}.get(row.op, OP_KIND)


def _node_lines(row: ForwardLine, value_shown: bool = True) -> list[str]:
    """The name and definition, and the value once computed."""
    head = row.name if row.op == VARIABLE else f"{row.name} = {row.definition}"
    if row.value is None:
        return [head]
    if row.shape:  # a tensor: its shape first
        head = f"{row.name} : {row.shape}" if row.op == VARIABLE else f"{row.name} : {row.shape} = {row.definition}"
    return [head if row.op == CONSTANT or not value_shown else f"{head} = {row.value.short}"]


def _labels(derivation, shown, output: str, products: bool):
    """What nodes and edges show beyond the values: reverse mode's adjoints and local derivatives, or
    forward mode's tangents and their shares; nothing for the structure alone."""
    if derivation is None:
        return _NO_LABELS
    if isinstance(derivation, ForwardModeDerivation):
        return _Tangents(derivation, shown, products)
    return _Adjoints(derivation, shown, output, products)


class _Adjoints:
    """Reverse mode: ∂output/∂node under each node once known (before that, at fan-out, the
    contributions received so far); on each edge its local derivative (and upstream × local)."""

    def __init__(self, derivation: Derivation, shown, output: str, products: bool) -> None:
        self.shown, self.output, self.products = shown, output, products
        self.adjoints: dict[str, NumberText] = {}
        self.terms: dict[tuple[str, str, int], TermLine] = {}
        for line in derivation.backward:
            if shown.adjoint_shown(line.name):
                self.adjoints[line.name] = line.adjoint
            for term in line.terms:
                self.terms[(line.name, term.record.consumer, term.record.operand_index)] = term

    def node_lines(self, name: str) -> list[str]:
        if name in self.adjoints:
            return [f"{Partial(self.output, name)} = {self.adjoints[name].short}"]
        received = self.shown.received(name)
        if received:
            parts, more = received
            return [f"{Partial(self.output, name)} = {' + '.join(part.short for part in parts)}{' + …' * more}"]
        return []

    def edge_lines(self, use: tuple[str, str, int]) -> list[str]:
        """∂consumer/∂operand = local; with `products` also upstream × local = contribution."""
        term = self.terms.get(use)
        if term is None:
            return []
        if term.vjp is not None:  # a tensor op has no scalar local derivative: its vector-Jacobian product
            return [term.local_line]
        lines = [f"{term.local_partial} = {term.local.short}"]
        if self.products:
            lines.append(f"{term.upstream.short} × {term.local.short_factor} = {term.contribution.short}")
        return lines


class _Tangents:
    """Forward mode: each node's tangent(s) under it once computed (`u̇ = 3`, or `u̇ = (3, 2)`, one
    per variable); on each edge its local derivative and local · operand tangent = share."""

    def __init__(self, derivation: ForwardModeDerivation, shown, products: bool) -> None:
        self.shown, self.products = shown, products
        self.tangents = {line.name: line.tangents for line in derivation.tangent_lines}
        self.terms: dict[tuple[str, str, int], TangentTermLine] = {
            (term.operand, line.name, term.position): term for line in derivation.tangent_lines for term in line.terms}

    def node_lines(self, name: str) -> list[str]:
        if name not in self.tangents or not self.shown.value_shown(name):
            return []
        return [f"{dotted(name)} = {joined(self.tangents[name], short=True, factor=False)}"]

    def edge_lines(self, use: tuple[str, str, int]) -> list[str]:
        term = self.terms.get(use)
        if term is None:
            return []
        share = joined(term.contributions, short=True)
        if term.local is None:  # a tensor op: its share is its JVP
            return [f"JVP: {share}"]
        lines = [f"{term.partial} = {term.local.short}"]
        if self.products:
            lines.append(f"{term.local.short_factor} · {joined(term.tangents, short=True)} = {share}")
        return lines


class _NoLabels:
    @staticmethod
    def node_lines(name: str) -> list[str]:
        return []

    @staticmethod
    def edge_lines(use) -> list[str]:
        return []


_NO_LABELS = _NoLabels()


class _Complete:
    """The state of a figure drawn whole: every value and adjoint known, nothing lit by a step."""

    @staticmethod
    def value_shown(name: str) -> bool:
        return True

    adjoint_shown = edge_done = value_shown

    @staticmethod
    def received(name: str) -> None:
        return None

    @staticmethod
    def current(name: str) -> bool:
        return False

    lit = current


_COMPLETE = _Complete()


def _reaching(rows: list[ForwardLine], position: dict, highlight: str | None) -> list[bool]:
    """Per row: whether it lies on a path from the output down to `highlight` (is it or uses it)."""
    if highlight is None:
        return [False] * len(rows)
    if highlight not in position:
        known = ", ".join(row.name for row in rows[:30]) + (", …" if len(rows) > 30 else "")
        raise InputError(f"--highlight {shorten(highlight)}: the graph has no node of that name (nodes: {known})")
    reaches = [False] * len(rows)
    for i, row in enumerate(rows):
        reaches[i] = row.name == highlight or (row.op != CONSTANT and any(
            reaches[position[operand]] for operand in row.operands
            if operand in position and position[operand] < i))
    return reaches


def _within(rows: list[ForwardLine], position: dict, outputs: tuple[str, ...], collapse: int | None) -> list[bool]:
    """Per row: whether it is drawn, i.e. at most `collapse` edges below an output."""
    if collapse is None:
        return [True] * len(rows)
    depth = [None] * len(rows)
    for output in outputs:
        depth[position[output]] = 0
    queue = deque(position[output] for output in outputs)
    while queue:
        i = queue.popleft()
        if depth[i] == collapse or rows[i].op == CONSTANT:
            continue
        for operand in rows[i].operands:
            j = position.get(operand)
            if j is not None and j < i and depth[j] is None:
                depth[j] = depth[i] + 1
                queue.append(j)
    return [d is not None for d in depth]


class _Summaries:
    """Folded nodes: each drawn node whose operands are folded gets one summary node standing for
    every folded node first reached from it (a folded node shared by two is counted once)."""

    def __init__(self, rows, position, keep, reaches, new_node) -> None:
        self.rows, self.position, self.keep, self.reaches, self.new_node = rows, position, keep, reaches, new_node
        self.owned: dict[int, Node] = {}  # folded row → its summary node
        self.by_consumer: dict[str, tuple[Node, list[int]]] = {}

    def owner(self, j: int, consumer: str) -> Node:
        if j in self.owned:
            return self.owned[j]
        if consumer not in self.by_consumer:
            self.by_consumer[consumer] = (self.new_node(SUMMARY_KIND, []), [])
        summary, members = self.by_consumer[consumer]
        stack = [j]
        self.owned[j] = summary
        while stack:
            i = stack.pop()
            members.append(i)
            row = self.rows[i]
            if row.op == CONSTANT:
                continue
            for operand in row.operands:
                k = self.position.get(operand)
                if k is not None and k < i and not self.keep[k] and k not in self.owned:
                    self.owned[k] = summary
                    stack.append(k)
        self._label(summary, members)
        return summary

    @property
    def hidden(self) -> int:
        return len(self.owned)

    def _label(self, summary: Node, members: list[int]) -> None:
        inputs = sorted((i for i in members if self.rows[i].op == VARIABLE))
        names = [self.rows[i].name for i in inputs]
        shown_names = ", ".join(names[:4]) + (f", … (+{len(names) - 4})" if len(names) > 4 else "")
        summary.lines = [f"… {len(members)} more node{'s' if len(members) != 1 else ''}"]
        if names:
            summary.lines.append(f"inputs: {shown_names}")
        summary.highlight = any(self.reaches[i] for i in members)
