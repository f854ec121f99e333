"""The graph builder's callbacks for what a program defines: conditions (for if), functions (read
once with PARAMETER nodes, inlined where they are called), and sums over an index."""
from __future__ import annotations

from functools import partialmethod

from ..graph.nodes import CONSTANT, PARAMETER, VARIABLE, Call, Function, Node
from ..ops import CONDITIONAL, FUNCTIONS, SERIES
from ..text import position, shorten

# A node as it occurs at one place in the source (a name used twice has two occurrences): the tuple
# (node, start, end), plain because a 10⁵-term input makes hundreds of thousands of them.
Occurrence = tuple[int, int, int]
# A token: (terminal name, start, end) of its text in the source; the builder slices the text it needs.
Token = tuple[str, int, int]


class Definitions:
    """A mixin of GraphBuilder (builder.py), whose state (nodes, scopes, functions, calls, conditions)
    and helpers (_add, _fail, _resolve, _word, _call, _assign) these callbacks use."""

    # conditions
    def compare(self, children) -> Occurrence:
        (left, start, _), (_, symbol_start, symbol_end), (right, right_start, end) = children
        self._refuse_condition(left, start)
        self._refuse_condition(right, right_start)
        op = _COMPARISONS[self.source[symbol_start:symbol_end]]
        return self._condition(op, (left, right), start, end)

    def _connective(self, op: str, children) -> Occurrence:
        (left, start, _), _, (right, right_start, end) = children
        for operand, at in ((left, start), (right, right_start)):
            if operand not in self.conditions:
                raise self._fail(f"'{op}' joins conditions (x > 0 {op} y < 1), not numbers", at)
        return self._condition(op, (left, right), start, end)

    both = partialmethod(_connective, "and")
    either = partialmethod(_connective, "or")

    def negate(self, children) -> Occurrence:
        (_, start, _), (operand, operand_start, end) = children
        if operand not in self.conditions:
            raise self._fail("'not' negates a condition (not x > 0), not a number", operand_start)
        return self._condition("not", (operand,), start, end)

    def _condition(self, op: str, inputs: tuple[int, ...], start: int, end: int) -> Occurrence:
        occurrence = self._add(op, inputs, start, end)
        self.conditions.add(occurrence[0])
        return occurrence

    def _refuse_condition(self, node: int, at: int) -> None:
        if node in self.conditions:
            raise self._fail(f"a condition is not a number: use it as {CONDITIONAL}()'s first argument, "
                             f"as in {CONDITIONAL}(x > 0, x^2, -x)", at)

    # functions and sums: a body is read once with PARAMETER nodes, then copied for each use
    def head(self, children) -> tuple[str, tuple[str, ...], int, list[Token]]:
        (_, start, name_end), _, parameters, _ = children
        name = self._word(start, name_end)
        if name in FUNCTIONS:
            raise self._fail(f"'{name}' is a built-in function and cannot be redefined", start)
        if name in self.functions:
            first = position(self.source, self.functions[name].at)
            raise self._fail(f"function '{shorten(name)}' is defined twice (first at {first})", start)
        names: list[str] = []
        for _, parameter_start, parameter_end in parameters or []:
            parameter = self._word(parameter_start, parameter_end)
            if parameter in names:
                raise self._fail(f"parameter '{shorten(parameter)}' appears twice in {name}()", parameter_start)
            if parameter in FUNCTIONS:
                raise self._fail(f"'{parameter}' is a function name and cannot be a parameter", parameter_start)
            names.append(parameter)
        self._open_scope(name, None, {parameter: self._add(PARAMETER, (), start, name_end, parameter)[0]
                                      for parameter in names})
        return name, tuple(names), start, parameters or []

    def define(self, children) -> Occurrence:
        (name, parameters, start, tokens), (result, _, end) = children[0], children[1]
        self._refuse_condition(result, children[1][1])
        first, placeholders = self._close_scope()
        function = Function(name, parameters, tuple(placeholders.values()), first, len(self.nodes), result, start)
        self.functions[name] = function
        targets = [token for token in children[2:] if token is not None]  # LaTeX's f(x) = … = u
        if not targets:  # the value at the program's own arguments, if it is the last statement
            return _Definition(function, tokens, start, end)
        value = self._at_own_arguments(function, tokens, start)
        return self._assign(self._word(targets[-1][1], targets[-1][2]), (value, start, end), targets[-1][1])

    def _at_own_arguments(self, function: Function, tokens: list[Token], start: int) -> int:
        """f(x) = … as a value: f at the program's own x (seed 001's J(a,b,c) = 3(a+bc) is J at a, b, c)."""
        own = [self._resolve(parameter, token[1], token[2])[0] for parameter, token in zip(function.parameters, tokens)]
        return self._instantiate(function, own, start, self.source.find(")", start) + 1)

    def _call_defined(self, name: str, arguments: list[Occurrence], start: int, end: int) -> Occurrence:
        if any(scope[0] == name for scope in self.scopes):
            raise self._fail(f"'{shorten(name)}' calls itself: a function cannot be recursive "
                             "(cgrad inlines every call)", start)
        function = self.functions[name]
        if len(arguments) != len(function.parameters):
            wanted = len(function.parameters)
            raise self._fail(f"{shorten(name)}() takes {wanted} argument{'s' if wanted != 1 else ''} "
                             f"({', '.join(function.parameters)}), got {len(arguments)}", start)
        for argument in arguments:
            self._refuse_condition(argument[0], argument[1])
        return self._instantiate(function, [a[0] for a in arguments], start, end), start, end

    def _instantiate(self, function: Function, arguments: list[int], start: int, stop: int) -> int:
        """A copy of the function's body with its parameters replaced by `arguments`; the copy's nodes
        keep the body's spans, so a failure inside it points into the definition."""
        first = len(self.nodes)
        result = self._copy(function.first, function.end, function.result, dict(zip(function.placeholders, arguments)))
        self.calls.append(Call(function.name, tuple(arguments), result, first, len(self.nodes), start, stop))
        label = " ".join(self.source[start:stop].split())
        for node in self.nodes[first:]:  # a call inside the body keeps its own label
            if node.call is None:
                node.call = label
        return result

    def _copy(self, first: int, end: int, result: int, mapping: dict[int, int]) -> int:
        nodes, conditions = self.nodes, self.conditions
        for index in range(first, end):
            if index in mapping:
                continue
            node = nodes[index]
            if node.op == VARIABLE:  # a free name of the body is the program's: shared, not copied
                continue
            nodes.append(Node(node.op, tuple(mapping.get(i, i) for i in node.inputs), node.start, node.end,
                              None, node.literal, node.call))
            mapping[index] = len(nodes) - 1
            if index in conditions:
                conditions.add(len(nodes) - 1)
        return mapping.get(result, result)

    def _open_scope(self, function: str | None, index: str | None, names: dict[str, int]) -> None:
        self.scopes.append((function, index, names))
        self._scope_starts.append(len(self.nodes))

    def _close_scope(self) -> tuple[int, dict[str, int]]:
        _, _, names = self.scopes.pop()
        return self._scope_starts.pop(), names

    def _scoped(self, name: str, start: int, end: int) -> int | None:
        """The PARAMETER node `name` stands for in the bodies being read, if any: a parameter of the
        function being defined, or a name indexed by a sum's index (i, x_i)."""
        for function, index, names in reversed(self.scopes):
            found = names.get(name)
            if found is not None:
                return found
            if index is not None and (name == index or name.endswith("_" + index)):
                names[name] = self._add(PARAMETER, (), start, end, name)[0]
                return names[name]
        return None

    def series_range(self, children) -> tuple[str, int, int, int]:
        (_, start, end), low, _, high = children
        index = self.source[start:end]
        low_value, high_value = (self._whole(token) for token in (low, high))
        if high_value - low_value > 100_000:
            raise self._fail(f"the sum over {index} has {high_value - low_value + 1} terms; at most 100001", low[1])
        self._open_scope(None, index, {})
        return index, low_value, high_value, start

    def _whole(self, token: Token) -> int:
        text = self.source[token[1]:token[2]]
        if not text.isdigit():
            raise self._fail(f"a sum's bounds are whole numbers, as in {SERIES}(i = 1..3, x_i); got {text}", token[1])
        return int(text)

    def series(self, children) -> Occurrence:
        (index, low, high, start), (body, _, end) = children
        self._refuse_condition(body, start)
        first, placeholders = self._close_scope()
        body_end, terms = len(self.nodes), []
        for value in range(low, high + 1):
            mapping = {}
            for name, node in placeholders.items():
                at = self.nodes[node].start
                if name == index:
                    mapping[node] = self._add(CONSTANT, (), at, self.nodes[node].end, str(value))[0]
                else:
                    mapping[node] = self._resolve(name[:len(name) - len(index)] + str(value), at, self.nodes[node].end)[0]
            terms.append(self._copy(first, body_end, body, mapping))
        if not terms:
            return self._add(CONSTANT, (), start, end, "0")
        total = terms[0]
        for term in terms[1:]:
            total = self._add("add", (total, term), start, end)[0]
        return total, start, end

    def series_sum(self, children) -> Occurrence:
        (_, start, name_end), _, (value, _, _), (_, _, end) = children
        if self.source[start:name_end] != SERIES:
            raise self._fail(f"only {SERIES} takes an index range, as in {SERIES}(i = 1..3, x_i*w_i)", start)
        return value, start, end


class _Definition:
    """A definition statement without a name for its value: a value only if it is the last statement."""

    __slots__ = ("function", "tokens", "start", "end")

    def __init__(self, function: Function, tokens: list[Token], start: int, end: int) -> None:
        self.function, self.tokens, self.start, self.end = function, tokens, start, end


_COMPARISONS = {"<": "lt", "<=": "le", "≤": "le", ">": "gt", ">=": "ge", "≥": "ge", "==": "eq", "!=": "ne", "≠": "ne",
                "=": "eq", "\\lt": "lt", "\\le": "le", "\\leq": "le", "\\gt": "gt", "\\ge": "ge", "\\geq": "ge",
                "\\ne": "ne", "\\neq": "ne"}  # LaTeX's too
