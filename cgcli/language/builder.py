"""The graph builder whose methods the LALR tables call, for cgrad's grammar and LaTeX's alike, and
the syntax errors both report."""
from __future__ import annotations

import unicodedata
from functools import partialmethod

from ..errors import InputError
from ..text import position, shorten
from ..graph.nodes import CONSTANT, PARAMETER, VARIABLE, Call, Function, Node, Program
from ..ops import CONSTANTS, FUNCTIONS


# A node as it occurs at one place in the source (a name used twice has two occurrences): the tuple
# (node, start, end), plain because a 10⁵-term input makes hundreds of thousands of them.
Occurrence = tuple[int, int, int]
# A token: (terminal name, start, end) of its text in the source; the builder slices the text it needs.
Token = tuple[str, int, int]


class GraphBuilder:
    """The callbacks of the grammar's rules (by rule or alias name); children arrive before parents,
    so nodes are born in topological order and nothing is walked recursively."""

    def __init__(self, source: str = "") -> None:
        self.start(source)

    def start(self, source: str) -> None:
        """Fresh state for parsing `source`; a Program built before keeps its own."""
        self.source = source
        self.nodes: list[Node] = []
        self.assigned: dict[str, int] = {}
        self.variables: dict[str, int] = {}
        self.first_use: dict[str, int] = {}  # name → offset where a free name or constant was first used
        self.assigned_at: dict[str, int] = {}  # name → offset of its assignment
        self.functions: dict[str, Function] = {}
        self.calls: list[Call] = []
        self.conditions: set[int] = set()  # nodes whose value is a condition (x > 0): only if() takes them
        # the bodies being read, innermost last: (function name or None for a sum's index, names → PARAMETER nodes)
        self.scopes: list[tuple[str | None, str | None, dict[str, int]]] = []
        self._scope_starts: list[int] = []

    def _add(self, op: str, inputs: tuple[int, ...], start: int, end: int, literal: str | None = None) -> Occurrence:
        nodes = self.nodes
        nodes.append(Node(op, inputs, start, end, None, literal))
        return len(nodes) - 1, start, end

    def _word(self, start: int, end: int) -> str:
        """A name as the program spells it (LaTeX's builder reads \\theta as theta)."""
        return self.source[start:end]

    def _fail(self, message: str, offset: int) -> InputError:
        return InputError(message, self.source, offset)

    # leaves
    def number(self, children) -> Occurrence:
        _, start, end = children[0]
        nodes = self.nodes
        nodes.append(Node(CONSTANT, (), start, end, None, self.source[start:end]))
        return len(nodes) - 1, start, end

    def name(self, children) -> Occurrence:
        _, start, end = children[0]
        name = self.source[start:end]
        if self.scopes:
            scoped = self._scoped(name, start, end)
            if scoped is not None:
                return scoped, start, end
        known = self.assigned.get(name)  # the common case inline: a name met before (one call per name)
        if known is None:
            known = self.variables.get(name)
        if known is not None:
            return known, start, end
        return self._resolve(name, start, end)

    def _resolve(self, name: str, start: int, end: int) -> Occurrence:
        """The program's node called `name` (assigned, a variable, a constant), made a variable if new."""
        known = self.assigned.get(name)
        if known is None:
            known = self.variables.get(name)
        if known is not None:
            return known, start, end
        if name in FUNCTIONS:
            raise self._fail(f"'{name}' is a function: call it with parentheses, as {name}(...)", start)
        self.first_use.setdefault(name, start)
        if name in CONSTANTS:
            return self._add(CONSTANT, (), start, end, literal=name)
        occurrence = self._add(VARIABLE, (), start, end)
        self.nodes[-1].name = name
        self.variables[name] = occurrence[0]
        return occurrence

    # operators
    def _binary(self, op: str, children) -> Occurrence:
        (left, start, _), _, (right, _, end) = children
        if self.conditions:
            self._refuse_condition(left, start)
            self._refuse_condition(right, children[2][1])
        nodes = self.nodes
        nodes.append(Node(op, (left, right), start, end, None, None))
        return len(nodes) - 1, start, end

    add = partialmethod(_binary, "add")
    sub = partialmethod(_binary, "sub")
    mul = partialmethod(_binary, "mul")
    div = partialmethod(_binary, "div")
    pow = partialmethod(_binary, "pow")
    matmul = partialmethod(_binary, "matmul")

    def transpose(self, children) -> Occurrence:
        (operand, start, _), (_, _, end) = children
        self._refuse_condition(operand, start)
        return self._add("transpose", (operand,), start, end)

    def index(self, children) -> Occurrence:
        (operand, start, _), opening, indices, (_, _, end) = children
        if len(indices) > 2:
            raise self._fail("indexing takes one or two indices: X[i] or X[i, j]", opening[1])
        op = "index" if len(indices) == 1 else "index2"
        return self._add(op, (operand, *(i[0] for i in indices)), start, end)

    def neg(self, children) -> Occurrence:
        (_, start, _), (operand, operand_start, end) = children
        self._refuse_condition(operand, operand_start)
        node = self.nodes[operand]
        # "-3" is read as the literal -3, not as an op applied to 3; -x, -(2^2) stay ops.
        if (node.op == CONSTANT and node.literal not in CONSTANTS and not node.literal.startswith("-")
                and operand_start == node.start and len(self.nodes) - 1 == operand):
            node.literal = "-" + node.literal
            node.start = start
            return operand, start, end
        return self._add("neg", (operand,), start, end)

    def pos(self, children) -> Occurrence:
        (_, start, _), (operand, operand_start, end) = children
        self._refuse_condition(operand, operand_start)
        return operand, start, end

    def implicit_mul(self, children) -> Occurrence:
        token, (factor, factor_start, end) = children
        self._refuse_condition(factor, factor_start)
        number = self.number([token])
        return self._add("mul", (number[0], factor), token[1], end)

    def group(self, children) -> Occurrence:
        (_, start, _), (inner, _, _), (_, _, end) = children
        return inner, start, end

    def arguments(self, children) -> list[Occurrence]:
        return list(children)

    parameters = arguments  # the NAME tokens of a definition's head

    def call(self, children) -> Occurrence:
        (_, start, name_end), _, arguments, (_, _, end) = children
        name, arguments = self.source[start:name_end], arguments or []
        return self._call(name, arguments, start, end)

    def _call(self, name: str, arguments: list[Occurrence], start: int, end: int) -> Occurrence:
        if (self.functions or self.scopes) and (
                name in self.functions or any(scope[0] == name for scope in self.scopes)):
            return self._call_defined(name, arguments, start, end)
        if self.conditions or name == "if":
            for index, argument in enumerate(arguments):
                if (index > 0 or name != "if") and argument[0] in self.conditions:
                    raise self._fail("a condition is not a number: it can only be the first argument of if(), "
                                     "as in if(x > 0, x^2, -x)", argument[1])
            if name == "if" and arguments and arguments[0][0] not in self.conditions:
                raise self._fail("if() takes a condition first, as in if(x > 0, x^2, -x)", arguments[0][1])
        by_arity = FUNCTIONS.get(name)
        if by_arity is None:
            raise self._fail(unknown_function_message(name), start)
        op = by_arity.get(len(arguments))
        if op is None:
            counts = sorted(by_arity)
            wanted = " or ".join(map(str, counts)) + (" argument" if counts == [1] else " arguments")
            raise self._fail(f"{name}() takes {wanted}, got {len(arguments)}", start)
        return self._add(op.name, tuple(a[0] for a in arguments), start, end)

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
            raise self._fail("a condition is not a number: use it as if()'s first argument, "
                             "as in if(x > 0, x^2, -x)", at)

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
            raise self._fail(f"a sum's bounds are whole numbers, as in sum(i = 1..3, x_i); got {text}", token[1])
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
        if self.source[start:name_end] != "sum":
            raise self._fail("only sum takes an index range, as in sum(i = 1..3, x_i*w_i)", start)
        return value, start, end

    # statements
    def assign(self, children) -> Occurrence:
        (_, start, name_end), value = children
        return self._assign(self._word(start, name_end), value, start)

    def _assign(self, name: str, value: Occurrence, start: int) -> Occurrence:
        self._refuse_condition(value[0], value[1])
        if name in FUNCTIONS:
            raise self._fail(f"'{name}' is a function name and cannot be assigned", start)
        if name in self.assigned:
            raise self._fail(f"'{shorten(name)}' is assigned twice (first at {position(self.source, self.assigned_at[name])}); "
                             "each name is assigned once", start)
        if name in self.first_use:
            raise self._fail(f"'{shorten(name)}' is used at {position(self.source, self.first_use[name])} "
                             "before it is assigned here", start)
        node = self.nodes[value[0]]
        if node.name is not None or (node.op == CONSTANT and node.literal in CONSTANTS):
            value = self._add("id", (value[0],), value[1], value[2])
            node = self.nodes[value[0]]
        node.name = name
        self.assigned[name] = value[0]
        self.assigned_at[name] = start
        return value[0], start, value[2]

    def program(self, children) -> Program:
        if not children:
            raise InputError("empty expression: there is nothing to evaluate")
        last = children[-1]
        if isinstance(last, _Definition):  # a program that ends with f(x) = …: its value is f at x, named f
            value = self._at_own_arguments(last.function, last.tokens, last.start)
            last = self._assign(last.function.name, (value, last.start, last.end), last.start)
        self._refuse_condition(last[0], last[1])
        return Program(self.source, self.nodes, self.assigned, self.variables, last[0], self.functions, self.calls)


class _Definition:
    """A definition statement without a name for its value: a value only if it is the last statement."""

    __slots__ = ("function", "tokens", "start", "end")

    def __init__(self, function: Function, tokens: list[Token], start: int, end: int) -> None:
        self.function, self.tokens, self.start, self.end = function, tokens, start, end


_COMPARISONS = {"<": "lt", "<=": "le", "≤": "le", ">": "gt", ">=": "ge", "≥": "ge", "==": "eq", "!=": "ne", "≠": "ne",
                "=": "eq", "\\lt": "lt", "\\le": "le", "\\leq": "le", "\\gt": "gt", "\\ge": "ge", "\\geq": "ge",
                "\\ne": "ne", "\\neq": "ne"}  # LaTeX's too


def unknown_function_message(name: str) -> str:
    known = sorted(FUNCTIONS)
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"unknown function '{shorten(name)}'; {hint}known functions: {', '.join(known)}"


_TERMINALS = {  # how the parser's expected-token names read to a person, in the order listed
    "NUMBER": "a number", "NAME": "a name", "LPAR": "'('", "MINUS": "'-'", "PLUS": "'+'",
    "STAR": "'*'", "SLASH": "'/'", "POW": "'^'", "RPAR": "')'", "COMMA": "','", "EQUAL": "'='",
    "_SEP": "';'", "RSQB": "']'", "$END": "the end of the input",
}
_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH", "POW", "AT", "TRANSPOSE", "LSQB"}


def _expected(names: set[str]) -> str:
    names = set(names)
    words = []
    if _OPERATORS <= names:
        names -= _OPERATORS
        words.append("an operator")
    words += [text for key, text in _TERMINALS.items() if key in names]
    if not words:
        return ""
    return "; expected " + (words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1])


def _syntax_error(error, source: str) -> InputError:
    kind, offset, end = error.token
    if kind == "$END":
        offset = len(source.rstrip())
        what = "unexpected end of input"
    else:
        text = source[offset:end]
        shown = "a new line" if text == "\n" else repr(shorten(text))
        what = f"unexpected {shown}"
    return InputError(f"syntax error: {what}{_expected(error.expected)}", source, offset)


def _unexpected_character(source: str, offset: int) -> InputError:
    character = source[offset]
    name = unicodedata.name(character, "")
    described = f" ({name.lower()})" if name and not character.isascii() else ""
    if "SUPERSCRIPT" in name:
        described += ": superscripts are not powers here; write powers with ^, as in x^2 or x^(-1)"
    return InputError(f"syntax error: unexpected character {character!r}{described}", source, offset)


# a definition's head, as the token kinds a lexer gives it
_HEAD = r"NAME LPAR (NAME( COMMA NAME)* )?RPAR EQUAL"
