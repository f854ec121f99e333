"""Derivatives (adjoint.py) written out as a program: every node used more than once, or named by
the user, is one statement `name = …`, the rest inlined, so the text grows linearly with the graph.
New names: t1, t2, … for forward values, g1, g2, … for shared parts of the backward pass, and
d<f>_d<x> (dJ_da) for ∂f/∂x; each avoids the input's names, the functions and the constants."""
from __future__ import annotations

from dataclasses import dataclass

from ..passes.adjoint import Derivatives
from ..graph.nodes import CONSTANT, VARIABLE
from ..ops import CONSTANTS, FUNCTIONS, OPS
from ..ops.declaration import ATOM, OR, PRODUCT, UNARY
from ..ops.piecewise import CONDITIONS


def _operators(target: str) -> dict[str, tuple[str, int, tuple[int, ...]]]:
    """The op table's operators (arithmetic, comparisons, and, or, not) as `target` writes them, with
    their precedences (declaration.py)."""
    return {op.name: op.written(target) for op in OPS.values() if op.precedence is not None and op.name != "id"}


@dataclass(frozen=True)
class Style:
    """How one output language writes operators: op → (template, precedence, least precedence of
    each operand before it needs parentheses)."""

    operators: dict[str, tuple[str, int, tuple[int, ...]]]
    assignment: str  # "{name} = {value}"
    name: object  # callable: a name as written
    constant: object  # callable: a constant's literal as written
    call: object  # callable: (function, [operand texts]) → text parts
    derivative: object = None  # callable: (output, variable) → how ∂output/∂variable is labelled; None: its name


def _plain_call(function: str, operands: list) -> list:
    parts: list = [function + "("]
    for position, operand in enumerate(operands):
        parts += [", "] * bool(position) + operand
    return parts + [")"]


TEXT = Style(
    operators=_operators("text"), assignment="{name} = {value}", name=str, constant=str, call=_plain_call)
_ASSOCIATIVE = {"add", "mul"}  # a + (b + c) is written a + b + c


def _latex_style() -> Style:
    from . import latex

    def constant(text: str) -> str:
        if text in CONSTANTS:
            return r"\pi" if CONSTANTS[text] == "pi" else "e"
        return latex.number(text)  # p/q as \frac{p}{q}, 1e-05 as 1 \times 10^{-5}

    return Style(
        operators=_operators("latex"), assignment="{name} &= {value}", name=latex.name, constant=constant, call=latex.call, derivative=latex.partial)


def statements(derivatives: Derivatives, wanted: list[str] | None = None, style: Style = TEXT) -> list[str]:
    """The program computing the derivatives `wanted` (default: all), one statement each line, the
    derivatives last in the order asked."""
    wanted = list(derivatives.formulas) if wanted is None else wanted
    nodes = derivatives.builder.nodes
    roots = [derivatives.formulas[name].index for name in wanted]
    uses = _uses(nodes, roots)
    lines = derivative_names(derivatives)
    names, root_named = _names(derivatives, uses, roots, [lines[name] for name in wanted])
    texts = _texts(nodes, uses, names, style)
    claimed = set(root_named)
    body = [style.assignment.format(name=style.name(names[i]), value=_expand(texts, i)) for i in sorted(uses)
            if i in names and i not in claimed and nodes[i].op != VARIABLE]
    for name, root in zip(wanted, roots):
        value = (_expand(texts, root) if root_named.get(root) == lines[name] else _reference(texts, names, root, style))
        label = style.derivative(derivatives.output, name) if style.derivative else style.name(lines[name])
        body.append(style.assignment.format(name=label, value=value))
    return body


def derivative_names(derivatives: Derivatives) -> dict[str, str]:
    """∂f/∂x's name in the program: dJ_da (or dJ_da_1 where the input took that)."""
    if derivatives.line_names is None:
        taken = set(derivatives.taken)
        derivatives.line_names = {name: _fresh(f"d{derivatives.output}_d{name}", taken)
                                  for name in derivatives.formulas}
    return derivatives.line_names


def _uses(nodes, roots: list[int]) -> dict[int, int]:
    """The nodes the roots need, each with the number of edges from other needed nodes into it."""
    uses = dict.fromkeys(roots, 0)
    stack = list(uses)
    while stack:  # each needed node is pushed once, when first reached
        for operand in nodes[stack.pop()].inputs:
            if operand not in uses:
                uses[operand] = 0
                stack.append(operand)
            uses[operand] += 1
    return uses


def _names(derivatives: Derivatives, uses: dict[int, int], roots: list[int], lines: list[str]):
    """Which nodes become statements, and their names: the user's, a derivative's (a root no other
    node uses), or a fresh t/g one (a node used twice)."""
    nodes, taken = derivatives.builder.nodes, set(derivatives.taken) | set(lines)
    names: dict[int, str] = {}
    root_named: dict[int, str] = {}
    for root, line in zip(roots, lines):
        node = nodes[root]
        if uses[root] == 0 and node.name is None and node.op not in (VARIABLE, CONSTANT) and root not in root_named:
            root_named[root] = line
            names[root] = line
    counters, root_set = {"t": 0, "g": 0}, set(roots)
    for index in sorted(uses):
        node = nodes[index]
        if index in names or node.op == CONSTANT:
            continue
        if node.name is not None:
            names[index] = node.name
        elif (uses[index] > 1 or index in root_set) and node.op not in CONDITIONS:  # a condition is written in place
            prefix = "t" if index < derivatives.first_adjoint else "g"
            while True:
                counters[prefix] += 1
                if f"{prefix}{counters[prefix]}" not in taken:
                    break
            names[index] = f"{prefix}{counters[prefix]}"
    return names, root_named


def _fresh(wish: str, taken: set[str]) -> str:
    name, number = wish, 0
    while name in taken or name in FUNCTIONS or name in CONSTANTS:
        number += 1
        name = f"{wish}_{number}"
    taken.add(name)
    return name


def _texts(nodes, uses: dict[int, int], names: dict[int, str], style: Style) -> dict[int, tuple[list, int]]:
    """Per needed node: its definition as parts (strings, and the indices of inlined operands to
    expand in place) and its precedence. A named operand is referred to by its name."""
    texts: dict[int, tuple[list, int]] = {}
    for index in sorted(uses):
        node = nodes[index]
        if node.op == VARIABLE:
            texts[index] = ([style.name(node.name)], ATOM)
        elif node.op == CONSTANT:
            texts[index] = ([style.constant(node.literal)], _constant_precedence(node.literal))
        else:
            texts[index] = _definition(node, nodes, names, texts, style)
    return texts


def _constant_precedence(literal: str) -> int:
    if "/" in literal:
        return PRODUCT
    return UNARY if literal.startswith("-") else ATOM


def _definition(node, nodes, names: dict[int, str], texts, style: Style) -> tuple[list, int]:
    def operand(index: int, least: int, position: int = 0) -> list:
        if index in names:
            return [style.name(names[index])]
        fits = texts[index][1] >= least or (position == 1 and node.op in _ASSOCIATIVE and nodes[index].op == node.op)
        return [index] if fits else ["(", index, ")"]

    if node.op == "id":
        inner = node.inputs[0]
        return operand(inner, 0), ATOM if inner in names else texts[inner][1]
    if node.op in style.operators:
        template, precedence, least = style.operators[node.op]
        return _fill(template, [operand(i, least[k], k) for k, i in enumerate(node.inputs)]), precedence
    return style.call(OPS[node.op].function, [operand(i, OR) for i in node.inputs]), ATOM


def _fill(template: str, pieces: list[list]) -> list:
    """'{0} + {1}' with each {k} replaced by the parts of operand k."""
    parts: list = []
    rest = template
    for position, piece in enumerate(pieces):
        before, rest = rest.split("{" + str(position) + "}", 1)
        parts += [_unescape(before)] + piece
    return parts + [_unescape(rest)]


def _unescape(text: str) -> str:
    return text.replace("{{", "{").replace("}}", "}")


def _reference(texts, names: dict[int, str], index: int, style: Style) -> str:
    """How a derivative line names its value: the node's name if it has one, else its text (a leaf)."""
    return style.name(names[index]) if index in names else _expand(texts, index)


def _expand(texts, index: int) -> str:
    """A node's text with its inlined operands written in place, without recursion (each inlined node
    is used once, so the whole program is written in linear time)."""
    out: list[str] = []
    stack: list = [index]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        else:
            stack.extend(reversed(texts[item][0]))
    return "".join(out)
