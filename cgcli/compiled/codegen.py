"""`cgrad codegen`: straight-line Python, NumPy or C computing a formula's value and gradient, the
forward pass then the reverse pass unrolled, from the per-op templates of the op table (Op.code)."""
from __future__ import annotations

import keyword
import math
import re
from dataclasses import dataclass

from ..errors import InputError, MathError
from ..graph.nodes import CONSTANT, VARIABLE, Graph, Node
from ..ops import OPS
from .branches import branch_guards, emission_order, guarded

LANGUAGES = ("python", "numpy", "c")
# `@name(` in a template: the language's spelling of that libm function
_RENAMED = {"numpy": {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2", "asinh": "arcsinh",
                      "acosh": "arccosh", "atanh": "arctanh", "pow": "power"}}
_PREFIX = {"python": "math.", "numpy": "np.", "c": ""}
_CONSTANTS = {"pi": math.pi, "π": math.pi, "e": math.e}
# names the generated code itself uses, which a user's name must not shadow
_RESERVED = {"math", "np", "value_and_grad", "in", "grad", "double", "const", "return", "int", "float", "abs",
             "max", "min", "exp", "log", "sin", "cos", "tan", "pow", "sqrt", "fmax", "fmin", "fabs"}
_COMMENT = {"python": "#", "numpy": "#", "c": "//"}


def templates(op_name: str, language: str) -> tuple[str, ...]:
    """The op's (value, ∂/∂operand...) templates in `language`, `@f(` spelled out; refused if it has none."""
    code = OPS[op_name].code
    if isinstance(code, dict):
        code = code.get(language, code.get("*", ()))
    if not code:
        raise InputError(f"codegen --lang {language}: the op {op_name} has no {language} template "
                         "(tensor ops are not generated yet)")
    prefix, renamed = _PREFIX[language], _RENAMED.get(language, {})
    return tuple(re.sub(r"@(\w+)\(", lambda m: f"{prefix}{renamed.get(m[1], m[1])}(", text) for text in code)


@dataclass
class StraightLine:
    """The two passes of a graph as assignments in one language: `forward` (name, expression) per
    computed or named node, `backward` (adjoint, term, first) per contribution, the output's seed first."""

    names: list[str | None]  # per node: its identifier in the code (None: a literal, written inline)
    adjoint: dict[int, str]  # per node the backward pass reaches: the identifier of ∂output/∂node
    forward: list[tuple[str, str]]
    backward: list[tuple[str, str, bool]]
    value: str  # the output: its identifier, or its literal


def straight_line(graph: Graph, language: str, relu0: str, active: list[bool] | None = None,
                  names: list[str | None] | None = None) -> StraightLine:
    """The passes of `graph`, the backward one over the `active` nodes (default: those depending on a
    variable), nodes called by `names` (default: the program's names, made safe in the language)."""
    active = graph.active if active is None else active
    names = _identifiers(graph) if names is None else names
    guards = branch_guards(graph)  # a node only one branch of an if needs is computed under its condition

    def operand(index: int) -> str:
        return _operand(graph, index, names)

    forward = []
    for index in emission_order(graph, guards):
        if graph.nodes[index].op != VARIABLE and names[index] is not None:
            target, expression = _forward_line(graph, index, names, language, relu0)
            forward.append((target, guarded(expression, guards.get(index), operand, language)
                            if graph.nodes[index].inputs else expression))
    adjoint = _adjoint_names(graph, names, active)
    backward = _backward_lines(graph, names, adjoint, active, language, relu0,
                               lambda index, term: guarded(term, guards.get(index), operand, language))
    return StraightLine(names, adjoint, forward, backward, names[graph.output] or _operand(graph, graph.output, names))


def generate(graph: Graph, variables: list[str], language: str, relu0: str, source: str) -> str:
    """The whole file (Python, NumPy) or function (C) for `graph`, inputs `variables` in that order."""
    code = straight_line(graph, language, relu0)
    by_name = {graph.names[i]: i for i in graph.variables()}
    inputs = [code.names[by_name[name]] for name in variables]
    gradient = [code.adjoint[by_name[name]] for name in variables]
    return _assemble(language, _header(language, source, graph, relu0), inputs, code.forward, code.backward,
                     gradient, code.value)


def _float(text: str, graph: Graph | None = None, node: Node | None = None) -> str:
    """A literal (or --relu0's value) as code: the double it stands for, refused as `cgrad eval`
    refuses it when no double can hold it (1e999)."""
    value = _CONSTANTS.get(text)
    value = float(text) if value is None else value
    if not math.isfinite(value):
        raise MathError(f"the number {text} is too large for float (IEEE double)", graph and graph.source,
                        node and node.start)
    return repr(value)


def _identifiers(graph: Graph) -> list[str | None]:
    """Per node: its name in the generated code (the program's, made safe), or None for a literal."""
    used = {name for name in graph.names if name}
    names: list[str | None] = []
    for name in graph.names:
        if name is not None and (keyword.iskeyword(name) or name in _RESERVED):
            safe = name + "_"
            while safe in used:
                safe += "_"
            used.add(safe)
            name = safe
        names.append(name)
    return names


def _operand(graph: Graph, index: int, names: list[str | None]) -> str:
    node = graph.nodes[index]
    if node.op == CONSTANT and node.name is None:
        return _float(node.literal, graph, node)
    return names[index]


def _forward_line(graph: Graph, index: int, names, language: str, relu0: str) -> tuple[str, str]:
    node = graph.nodes[index]
    if node.op == CONSTANT:
        return names[index], _float(node.literal, graph, node)
    operands = [_operand(graph, i, names) for i in node.inputs]
    return names[index], templates(node.op, language)[0].format(*operands, ans=names[index], relu0=_float(relu0))


def _adjoint_names(graph: Graph, names, active: list[bool]) -> dict[int, str]:
    """g_x for x, unless the program has a g_x of its own."""
    adjoint = {}
    taken = set(filter(None, names))
    for index in graph.order:
        if active[index]:
            name = "g_" + names[index]
            while name in taken:
                name = "g" + name
            adjoint[index] = name
            taken.add(name)
    return adjoint


def _backward_lines(graph: Graph, names, adjoint, active: list[bool], language: str,
                    relu0: str, guard=lambda index, term: term) -> list[tuple[str, str, bool]]:
    """(adjoint, term, first) per contribution, the output's adjoint first (1): fan-out sums; each
    term of a node as guard(node, term) writes it."""
    output = graph.output
    if not active[output]:
        return []
    lines = [(adjoint[output], "1.0", True)]
    seen = {output}
    for index in reversed(graph.order):
        node = graph.nodes[index]
        if not active[index] or node.op in (VARIABLE, CONSTANT):
            continue
        operands = [_operand(graph, i, names) for i in node.inputs]
        partials = templates(node.op, language)[1:]
        for position, operand in enumerate(node.inputs):
            if not active[operand]:
                continue
            partial = partials[position].format(*operands, ans=names[index], relu0=_float(relu0))
            lines.append((adjoint[operand], guard(index, _term(adjoint[index], partial)), operand not in seen))
            seen.add(operand)
    return lines


def _term(upstream: str, partial: str) -> str:
    if partial == "1":
        return upstream
    if partial == "-1":
        return "-" + upstream
    return f"{upstream} * ({partial})"


def _header(language: str, source: str, graph: Graph, relu0: str) -> list[str]:
    mark = _COMMENT[language]
    conventions = sorted({OPS[graph.nodes[i].op].convention for i in graph.order
                          if graph.nodes[i].op in OPS and OPS[graph.nodes[i].op].convention})
    lines = [f"Generated by cgrad codegen: the value of the formula and its gradient,",
             f"  {' '.join(source.split())}",
             "the forward pass, then the reverse pass unrolled (g_name = ∂output/∂name; fan-out sums).",
             "No domain checks: outside the domain the results are nan or inf."]
    lines += ["Conventions at kinks: " + "; ".join(c.format(relu0=relu0) for c in conventions)] if conventions else []
    return [f"{mark} {line}".rstrip() for line in lines]


def _assemble(language, header, inputs, forward, backward, gradient, value) -> str:
    given = set(inputs)
    if language == "c":
        body = [f"    const double {name} = in[{i}];" for i, name in enumerate(inputs)]
        body += [f"    const double {target} = {expression};" for target, expression in forward
                 if target not in given]
        body += [f"    {'double ' if first else ''}{target} {'=' if first else '+='} {term};"
                 for target, term, first in backward]
        body += [f"    grad[{i}] = {g};" for i, g in enumerate(gradient)] + [f"    return {value};"]
        return "\n".join(header + ["#include <math.h>", "",
                                   "double value_and_grad(const double *in, double *grad)", "{"] + body + ["}"]) + "\n"
    imports = ["import math"] + (["", "import numpy as np"] if language == "numpy" else [])
    body = [f"    {target} = {expression}" for target, expression in forward if target not in given]
    body += [f"    {target} {'=' if first else '+='} {term}" if language == "python" or first
             else f"    {target} = {target} + {term}" for target, term, first in backward]
    body.append(f"    return {value}, ({', '.join(gradient)}{',' if len(gradient) == 1 else ''})")
    return "\n".join(header + [""] + imports + ["", "", f"def value_and_grad({', '.join(inputs)}):"] + body) + "\n"

