"""LaTeX math → Program: its lexer, its names (\\theta → theta, x_{1} → x_1), and the graph builder's
callbacks for cgcli/language/latex.lark's constructs. Imported only for LaTeX input."""
from __future__ import annotations

import re

from . import lalr
from ..errors import InputError
from ..graph.nodes import CONSTANT, OP_CODES, Program
from ..ops import CONDITIONAL, CONSTANTS, FUNCTIONS
from .builder import _HEAD, GraphBuilder, Occurrence, Token, _unexpected_character, build
from ..text import LazyPattern



_COMMAND = LazyPattern(r"\\[A-Za-z]+|\\operatorname\{[A-Za-z0-9]+\}(?:_\{[A-Za-z0-9]+\})?")
_SUBSCRIPTED = LazyPattern(r"\\([A-Za-z]+)_\{\{(\w+|\{1\})\}\}\\left\(\{0\}\\right\)")


def _readings() -> tuple[dict[str, str], frozenset[str], dict[str, str], dict[str, dict[str, str]]]:
    """What the reader reads as cgrad's functions, all from the op table's LaTeX spellings (its own,
    then the others it accepts, which win: `latex_also`): what cgrad writes, it reads.

    commands: a command or operator name, as name() writes it → the function (arcsin → asin,
    sgn → sign, atan_2 → atan2); backslashed: those that are a backslash and letters (\\sin,
    \\arsinh: the lexer's FUNC tokens; any other such command is refused); templates: a construct's
    template → the function (\\sqrt[3]{{{0}}} → cbrt, \\left|{0}\\right| → abs, e^{{{0}}} → exp);
    subscripts: the function a command reads as → its subscript (a literal base, or {1} for any) →
    the function (log: 2 → log2, {1} → log)."""
    commands: dict[str, str] = {}
    backslashed: set[str] = set()
    templates: dict[str, str] = {}
    for also in (False, True):
        for function, by_arity in FUNCTIONS.items():
            for op in by_arity.values():
                spellings = op.latex_also if also else (op.spellings.get("latex", ""),)
                for spelling in filter(None, spellings):
                    table, key = (commands, name(spelling)) if _COMMAND.fullmatch(spelling) else (templates, spelling)
                    if spelling[1:].isalpha():
                        backslashed.add(key)
                    if also:
                        table[key] = function
                    else:
                        table.setdefault(key, function)
    templates.setdefault(r"\sqrt[2]{{{0}}}", templates[r"\sqrt{{{0}}}"])  # LaTeX's \sqrt is \sqrt[2]
    subscripts: dict[str, dict[str, str]] = {}
    for template, function in templates.items():
        found = _SUBSCRIPTED.fullmatch(template)
        if found:
            subscripts.setdefault(commands[found[1]], {})[found[2]] = function
    return commands, frozenset(backslashed), templates, subscripts


_CONTINUING = frozenset({"PLUS", "MINUS", "STAR", "SLASH", "POW", "EQUAL", "COMMA", "AMP", "UNDERSCORE", "COMPARE",
                         "FRAC", "SQRT", "FUNC"})
_OPENING = {"LPAR": 1, "LBRACE": 1, "LBAR": 1, "LSQB": 1, "BEGIN_CASES": 1,
            "RPAR": -1, "RBRACE": -1, "RBAR": -1, "RSQB": -1, "END_CASES": -1}
_WRAPPER = LazyPattern(r"\s*(\$\$?)(.*?)\1\s*", re.S)
_BRACE = LazyPattern(r"\s*\{")


def name(text: str) -> str:
    """A LaTeX name as cgrad writes it: \\theta → theta, x_{1} → x_1, \\mathrm{Ef} → Ef,
    \\omega_{0} → omega_0, \\hat{y} → hat_y."""
    if "\\" not in text:  # x, x_1, x_{12}: most names, and cheap
        return text.replace("{", "").replace("}", "").replace(" ", "")
    found = _NAMES.get(text)
    if found is None:
        found = _NAMES[text] = _command_name(text)
    return found


_NAMES: dict[str, str] = {}  # \theta_{1} → theta_1, once per process


def _command_name(text: str) -> str:
    base, _, subscript = text.partition("_")
    base = base.strip()
    found = re.fullmatch(r"\\(\w+)\s*\{\s*\\?(\w+)\s*\}", base)
    if found:
        command, inner = found.groups()
        base = f"{command}_{inner}" if command in ("hat", "bar", "tilde", "vec", "dot") else inner
    base = base.lstrip("\\")
    subscript = subscript.strip().strip("{}").strip().lstrip("\\")
    return f"{base}_{subscript}" if subscript else base


_COMMANDS, _BACKSLASHED, _TEMPLATES, _SUBSCRIPTS = _readings()


def _subscripted_example() -> str:
    """"only \\log does, as in \\log_{2} x": the commands the op table spells with a subscript."""
    found = [spelled for spelled in map(_SUBSCRIPTED.fullmatch, _TEMPLATES) if spelled]
    commands = sorted({"\\" + spelled[1] for spelled in found})
    example = next(spelled for spelled in found if spelled[2] != "{1}")
    return (f"only {' and '.join(commands)} {'does' if len(commands) == 1 else 'do'}, "
            f"as in \\{example[1]}_{{{example[2]}}} x")


_SUBSCRIPTED_EXAMPLE = _subscripted_example()


def unwrapped(source: str) -> str:
    """The program with its $ or $$ wrapper blanked out: same length, so offsets still point into it."""
    found = _WRAPPER.fullmatch(source)
    if not found:
        return source
    start, end = found.span(2)
    return " " * start + source[start:end] + " " * (len(source) - end)


class LatexBuilder(GraphBuilder):
    """The graph builder, reading LaTeX's names, and the callbacks of LaTeX's own constructs."""

    def name(self, children) -> Occurrence:
        _, start, end = children[0]
        spelled = name(self.source[start:end])
        if self.scopes:
            scoped = self._scoped(spelled, start, end)
            if scoped is not None:
                return scoped, start, end
        return self._resolve(spelled, start, end)

    def _word(self, start: int, end: int) -> str:
        return name(self.source[start:end])

    def implicit_product(self, children) -> Occurrence:
        (left, start, _), (right, right_start, end) = children
        if self.conditions:
            self._refuse_condition(left, start)
            self._refuse_condition(right, right_start)
        return self._add("mul", (left, right), start, end)

    def pow(self, children) -> Occurrence:
        (base, start, _), _, (exponent, _, end) = children
        node = self.nodes[base]
        function = _TEMPLATES.get(node.literal + "^{{{0}}}") if node.op == CONSTANT else None
        if function is not None:  # e^{x} is exp(x)
            return self._call(function, [children[2]], start, end)
        return self._binary(OP_CODES["pow"], children)

    def absolute(self, children) -> Occurrence:
        (_, start, _), inner, (_, _, end) = children
        return self._call(_TEMPLATES[r"\left|{0}\right|"], [inner], start, end)

    def fraction(self, children) -> Occurrence:
        (_, start, _), _, numerator, _, _, denominator, (_, _, end) = children
        return self._add("div", (numerator[0], denominator[0]), start, end)

    def root(self, children) -> Occurrence:
        (_, start, _), _, radicand, (_, _, end) = children
        return self._call(_TEMPLATES[r"\sqrt{{{0}}}"], [radicand], start, end)

    def nth_root(self, children) -> Occurrence:
        (_, start, _), _, degree, _, _, radicand, (_, _, end) = children
        literal = self.nodes[degree[0]].literal if self.nodes[degree[0]].op == CONSTANT else None
        function = _TEMPLATES.get(rf"\sqrt[{literal}]{{{{{{0}}}}}}") if literal is not None else None
        if function is not None:  # the function the op table spells as this root: \sqrt[3]{x} is cbrt(x)
            return self._call(function, [radicand], start, end)
        one = self._add(CONSTANT, (), degree[1], degree[2], "1")
        exponent = self._add("div", (one[0], degree[0]), degree[1], degree[2])
        return self._add("pow", (radicand[0], exponent[0]), start, end)

    def function_arguments(self, children) -> list[Occurrence]:
        return children[1] if len(children) == 3 else list(children)

    def braced_arguments(self, children) -> list[Occurrence]:
        return [children[2], *children[4]]

    def _function(self, token: Token) -> str:
        spelled = name(self.source[token[1]:token[2]])  # \sin → sin, \operatorname{erf} → erf
        return _COMMANDS.get(spelled, spelled)

    def _arguments(self, value) -> list[Occurrence]:
        return value if isinstance(value, list) else [value]

    def apply(self, children) -> Occurrence:
        token, arguments = children
        arguments = self._arguments(arguments)
        return self._call(self._function(token), arguments, token[1], arguments[-1][2] if arguments else token[2])

    def apply_power(self, children) -> Occurrence:
        token, _, exponent, arguments = children
        arguments = self._arguments(arguments)
        applied = self.apply([token, arguments])
        return self._add("pow", (applied[0], exponent[0]), token[1], applied[2])

    def apply_base(self, children) -> Occurrence:
        token, _, base, arguments = children
        arguments = self._arguments(arguments)
        function = self._function(token)
        subscripts = _SUBSCRIPTS.get(function)
        if subscripts is None:
            raise self._fail(f"\\{function} takes no subscript ({_SUBSCRIPTED_EXAMPLE})", token[1])
        end = arguments[-1][2] if arguments else token[2]
        literal = self.nodes[base[0]].literal if self.nodes[base[0]].op == CONSTANT else None
        if literal in subscripts and len(arguments) == 1:  # \log_{2} x is log2(x)
            return self._call(subscripts[literal], arguments, token[1], end)
        return self._call(subscripts["{1}"], [*arguments, base], token[1], end)

    def series_range(self, children):
        symbol, index, low, high = children[0], children[3], children[5], children[8]
        if high[0] == "NAME":
            raise self._fail(f"\\sum's bounds are whole numbers, as in \\sum_{{i=1}}^{{3}}: "
                             f"'{self.source[high[1]:high[2]]}' terms cannot be expanded", high[1])
        return (*super().series_range([index, low, None, high])[:3], symbol[1])

    def bound(self, children) -> Token:
        return children[1]

    def case(self, children) -> tuple[Occurrence, Occurrence | None]:
        value, _, *rest = children
        condition = rest[-1]
        if isinstance(condition, tuple) and isinstance(condition[0], str):  # OTHERWISE's token
            return value, None
        return value, condition

    def cases(self, children) -> list:
        return [child for child in children if not (isinstance(child, tuple) and isinstance(child[0], str))]

    def piecewise(self, children) -> Occurrence:
        (_, start, _), rows, (_, _, end) = children
        value, condition = rows[-1]
        if condition is not None and len(rows) == 1:
            raise self._fail("\\begin{cases} needs two rows at least (a value & its condition \\\\ …)", start)
        result = value  # no "otherwise": the last row's condition holds where the others do not
        for value, condition in reversed(rows[:-1]):
            if condition is None:
                raise self._fail("'otherwise' belongs on the last row of \\begin{cases}", value[1])
            result = self._call(CONDITIONAL, [condition, value, result], value[1], end)
        return result[0], start, end


def _fail(source: str, message: str, offset: int) -> InputError:
    return InputError(message, source, offset)


class LatexLexer:
    """The grammar's terminals in one regex, and what LaTeX needs besides: refusing unsupported
    commands by name, `\\\\` as a row separator inside cases, a new line inside brackets or after an
    operator continuing the statement, and names marked as function heads (DEFNAME) and calls (FUNC)."""

    def __init__(self, tables: lalr.Tables) -> None:
        self.pattern = re.compile(tables.pattern)
        self.ignore = tables.ignore

    def lex(self, text: str, shown: str | None = None) -> list[Token]:
        """The tokens of `text` (the program with its $ signs blanked), then "$END"; errors show
        `shown`, the program as given."""
        shown = shown or text
        tokens, position, depth, cases, previous = [], 0, 0, 0, None
        # the kinds that need more than being passed on (most tokens are names and operators)
        special = self.ignore | _SPECIAL | (_OPENING.keys() if "\n" in text else frozenset())
        append = tokens.append
        for found in self.pattern.finditer(text):
            start, end = found.span()
            if start != position:
                raise _unexpected(text, shown, position)
            kind, position = found.lastgroup, end
            if kind not in special:
                previous = kind
                append((kind, start, end))
                continue
            if kind == "UNSUPPORTED":
                command = text[start:end]
                if command[1:] not in _BACKSLASHED:
                    raise _fail(shown, f"{command} is not supported{_ADVICE.get(command[1:], '')}", start)
                kind = "FUNC"  # \sin, \arsinh: a command the op table spells a function with
            if kind in self.ignore:
                continue
            if kind == "FRAC" and not _BRACE.match(text, end):
                raise _fail(shown, f"{text[start:end]} needs two groups, as in \\frac{{a}}{{b}}", start)
            if kind == "BEGIN_CASES":
                cases += 1
            elif kind == "END_CASES":
                cases -= 1
            if kind == "_SEP":
                if cases and text[start] == "\\":
                    kind = "ROWSEP"
                elif text[start] == "\n" and (depth > 0 or previous in _CONTINUING):
                    continue
            depth += _OPENING.get(kind, 0)
            if kind == "NUMBER" and previous in ("POW", "UNDERSCORE") and end - start > 1:
                append((kind, start, start + 1))  # x^23 is x^2·3, as LaTeX sets it
                start += 1
            previous = kind
            append((kind, start, end))
        if position < len(text):
            raise _unexpected(text, shown, position)
        _refuse_spelled_functions(text, shown, tokens)
        _mark_functions(text, tokens)
        tokens.append(("$END", len(text), len(text)))
        return tokens


_SPECIAL = frozenset({"UNSUPPORTED", "FRAC", "BEGIN_CASES", "END_CASES", "_SEP", "NUMBER"})
_ADVICE = {"int": ": cgrad differentiates, it does not integrate", "partial": ": write the function, cgrad gives its derivatives",
           "lim": "", "prod": ": write the product out", "begin": ": only \\begin{cases} is"}


def _unexpected(text: str, shown: str, offset: int) -> InputError:
    if text[offset] == "|":
        return _fail(shown, "a bare | is not read: write \\left| x \\right| for an absolute value", offset)
    if text[offset] == "\\":
        return _fail(shown, f"{text[offset:offset + 2]!r} is not supported", offset)
    return _unexpected_character(shown, offset)


def _mark_functions(source: str, tokens: list[Token]) -> None:
    """NAME → DEFNAME where a statement begins with a definition's head, and NAME → FUNC where the name
    is a function (built in, or defined in the program) and an argument follows; otherwise a name before
    parentheses is a product, as in 3(a+bc) and \\sigma \\left(x+1\\right)."""
    kinds = [kind for kind, _, _ in tokens]
    defined = set()
    at_start = True
    for index, kind in enumerate(kinds):
        if at_start and kind == "NAME":
            closing = index + 2
            while closing < len(kinds) and kinds[closing] in ("NAME", "COMMA"):
                closing += 1
            if re.fullmatch(_HEAD, " ".join(kinds[index:closing + 2])):
                kinds[index] = "DEFNAME"
                defined.add(name(source[tokens[index][1]:tokens[index][2]]))
        at_start = kind == "_SEP"
    for index, kind in enumerate(kinds):
        if kind != "NAME" or index + 1 == len(kinds):
            continue
        following, (_, start, end) = kinds[index + 1], tokens[index]
        if following == "LPAR" and defined and name(source[start:end]) in defined:
            kinds[index] = "FUNC"
        elif source[start] == "\\" and following in ("LPAR", "LBRACE", "NAME", "NUMBER"):
            spelled = name(source[start:end])  # \text{relu}, \operatorname{erf}
            if _COMMANDS.get(spelled, spelled) in FUNCTIONS and spelled not in CONSTANTS:
                kinds[index] = "FUNC"
    for index, kind in enumerate(kinds):
        if kind != tokens[index][0]:
            tokens[index] = (kind, *tokens[index][1:])


def _refuse_spelled_functions(source: str, shown: str, tokens: list[Token]) -> None:
    """Letters written together that spell a function and open a parenthesis, as in sin(x): in LaTeX
    they are s·i·n·(x), which is never what was meant; LaTeX writes the function \\sin."""
    run_start = None
    for index, (kind, start, end) in enumerate(tokens):
        single = kind == "NAME" and end - start == 1
        if single and (run_start is None or tokens[index - 1][2] != start):
            run_start = index
        elif not single:
            if kind == "LPAR" and run_start is not None and index - run_start > 1 and tokens[index - 1][2] == start:
                word = source[tokens[run_start][1]:tokens[index - 1][2]]
                if word in FUNCTIONS:
                    command = _command(word)
                    raise InputError(f"'{word}' here is the product {'·'.join(word)}: write the function as {command}",
                                     shown, tokens[run_start][1])
            run_start = None


def _command(function: str) -> str:
    """How LaTeX writes the function (the op table's spelling): \\sin, \\operatorname{relu}, \\sqrt[3]{…}."""
    op = next(iter(FUNCTIONS[function].values()))
    spelling = op.spellings.get("latex") or rf"\operatorname{{{function}}}"
    return spelling if "{0}" not in spelling else op.spelled("latex").format(*["…"] * op.arity)


def parse(source: str) -> Program:
    """Parse LaTeX math (statements separated by \\\\, ';' or new lines) into a Program."""
    text = unwrapped(source)
    tables = lalr.tables("latex")
    # errors show the source with its $ signs; the end of input is placed in the text, before a closing $
    return build(tables, LatexBuilder(source), lambda: _lexer(tables).lex(text, source), text)


_LEXER: list[LatexLexer] = []


def _lexer(tables: lalr.Tables) -> LatexLexer:
    if not _LEXER:
        _LEXER.append(LatexLexer(tables))
    return _LEXER[0]
