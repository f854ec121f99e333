"""Lark's LALR(1) tables for cgcli/language/cgrad.lark and latex.lark, as plain data for
cgcli/language/lalr.py's driver, and the generator of cgcli/language/_parse_table.py and
_latex_table.py (`python -m cgcli.language.lalr_build` after editing a grammar; it refuses a Lark of
another major version than the one recorded in the tables).

Lark computes everything here: the terminals' regular expressions and their precedence, the parse
states, and how each rule shapes its children (filtered tokens, `?rule` inlining, `_rule` splicing,
`[x]` placeholders); the driver only replays them. This module imports lark (~80 ms), so it runs
only when the generated tables do not match the grammar file."""
from __future__ import annotations

import os
import re

FORMAT = 1  # the layout of the tables below; part of the generated module's key
START = "program"


def build(grammar: str) -> dict:
    """The tables for `grammar`: a dict of plain values (str, int, tuple, dict), no Lark objects."""
    import lark
    from lark.parsers.lalr_analysis import Reduce, Shift

    parser = lark.Lark(grammar, parser="lalr", lexer="basic", start=START, maybe_placeholders=True)
    table = parser.parser.parser.parser.parse_table
    order = _state_order(table.states, table.start_states[START], Shift)
    rules = [rule for rule in parser.rules if any(action == (Reduce, rule) for state in table.states.values()
                                                  for action in state.values())]
    number = {rule: index for index, rule in enumerate(rules)}
    states = tuple({symbol: (order[target] if action is Shift else ~number[target])
                    for symbol, (action, target) in sorted(table.states[old].items())}
                   for old in sorted(order, key=order.get))
    return {
        "format": FORMAT,
        "grammar": grammar,
        "lark": lark.__version__,
        "pattern": _pattern(parser.lexer_conf.terminals, parser.lexer_conf.ignore),
        "ignore": tuple(sorted(parser.lexer_conf.ignore)),
        "start": order[table.start_states[START]],
        "end": order[table.end_states[START]],
        "states": states,
        "rules": tuple(_shape(rule) for rule in rules),
    }


def _state_order(states: dict, start: int, shift) -> dict[int, int]:
    """Lark's state number → ours: breadth first from the start state, symbols in sorted order, so
    that the generated module does not change with Python's string hashing."""
    order, queue = {start: 0}, [start]
    for state in queue:
        for symbol, (action, target) in sorted(states[state].items()):
            if action is shift and target not in order:
                order[target] = len(order)
                queue.append(target)
    return order


def _pattern(terminals, ignore) -> str:
    """One regex of named groups, in Lark's precedence among terminals (priority, then the longest
    possible match first, as Lark's basic lexer orders them), except that terminals no text can match
    at the same place are tried in the order programs most often need them (see _tried_first)."""
    ordered = lark_order(terminals)
    spaces = [t.name for t in ordered if t.name in ignore and re.match(t.pattern.to_regexp(), " ")]
    return _union(_tried_first(ordered, spaces + list(_OFTEN)))


def lark_order(terminals) -> list:
    """The terminals as Lark's basic lexer tries them: priority, then the longest possible match first."""
    return sorted(terminals, key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))


def _union(terminals) -> str:
    return "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)


# The terminals most tokens are, after the spaces between them: the alternatives
# of the lexer's regex are tried one by one, and Lark's order puts comments, comparisons and the
# like before + and ( — a third of the lexer's time on a long sum.
_OFTEN = ("NAME", "NUMBER", "POW", "PLUS", "LPAR", "RPAR", "MINUS", "STAR", "SLASH", "COMMA")


def _tried_first(ordered: list, wanted: list[str]) -> list:
    """`ordered` with the terminals named in `wanted` moved to the front, in that order, together with
    each earlier terminal that could match where a moved one does (so that it still wins there, as in
    Lark): only terminals whose first characters cannot meet change places."""
    starts = [_first_characters(t.pattern.to_regexp()) for t in ordered]
    index = {t.name: i for i, t in enumerate(ordered)}
    done: set[int] = set()
    placed: list[int] = []
    for i in [index[name] for name in wanted if name in index] + list(range(len(ordered))):
        if i in done:
            continue
        needed = {i}
        for j in range(i - 1, -1, -1):  # down Lark's order: j must precede every needed k > j it can meet
            if j not in done and any(not _disjoint(starts[j], starts[k]) for k in needed):
                needed.add(j)
        placed += sorted(needed)
        done |= needed
    return [ordered[i] for i in placed]


def _first_characters(regex: str) -> tuple[frozenset[str], tuple] | None:
    """What a match of `regex` can begin with: (characters, character classes as sre parses them), or
    None when that is not known (any character, flags, an empty match): None meets everything."""
    try:
        from re import _constants as sre, _parser
    except ImportError:  # Python < 3.11
        import sre_constants as sre
        import sre_parse as _parser

    characters: set[str] = set()
    classes: list = []
    pending = [list(_parser.parse(regex))]  # sequences still to read, each from its start
    while pending:
        sequence = pending.pop()
        while True:
            if not sequence:
                return None  # the regex can match the empty string
            (op, argument), rest = sequence[0], sequence[1:]
            if op is sre.LITERAL:
                characters.add(chr(argument))
            elif op is sre.IN:
                if all(item_op is sre.LITERAL for item_op, _ in argument):
                    characters.update(chr(code) for _, code in argument)
                else:
                    classes.append(argument)
            elif op is sre.SUBPATTERN:
                _, add_flags, del_flags, inner = argument
                if add_flags or del_flags:
                    return None
                sequence = list(inner) + rest
                continue
            elif op is sre.BRANCH:
                pending += [list(alternative) + rest for alternative in argument[1]]
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                low, _, inner = argument
                pending.append(list(inner) + rest)
                if low == 0:
                    pending.append(rest)
            elif op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):  # zero width: the next item begins the match
                sequence = rest
                continue
            else:
                return None
            break
    return frozenset(characters), tuple(classes)


def _disjoint(a, b) -> bool:
    """No character can begin both a match of a and one of b (as _first_characters describes them)."""
    if a is None or b is None:
        return False
    (a_characters, a_classes), (b_characters, b_classes) = a, b
    if a_characters & b_characters:
        return False
    if any(_in_class(c, items) for c in a_characters for items in b_classes) or \
            any(_in_class(c, items) for c in b_characters for items in a_classes):
        return False
    return all(_classes_disjoint(x, y) for x in a_classes for y in b_classes)


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_WORD": r"\w",
               "CATEGORY_NOT_WORD": r"\W", "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S"}


def _in_class(character: str, items) -> bool:
    """Whether `character` is in the class (True when the class holds an item not understood here)."""
    import re

    negated = bool(items) and str(items[0][0]) == "NEGATE"
    hit = False
    for op, argument in items[negated:]:
        name = str(op)
        if name == "LITERAL":
            hit = ord(character) == argument
        elif name == "RANGE":
            hit = argument[0] <= ord(character) <= argument[1]
        elif name == "CATEGORY" and str(argument) in _CATEGORIES:
            hit = re.fullmatch(_CATEGORIES[str(argument)], character) is not None
        else:
            return True
        if hit:
            break
    return hit != negated


def _classes_disjoint(x, y) -> bool:
    """Two classes proven apart: one a negated class that excludes each of the other's categories
    (\\d and [^\\W\\d]); any other pair is taken to meet."""
    for positive, negative in ((x, y), (y, x)):
        if negative and str(negative[0][0]) == "NEGATE" and not (positive and str(positive[0][0]) == "NEGATE"):
            excluded = {str(argument) for op, argument in negative[1:] if str(op) == "CATEGORY"}
            if all(str(op) == "CATEGORY" and str(argument) in excluded for op, argument in positive):
                return True
    return False


def _shape(rule) -> tuple:
    """(origin, size, callback, children): what reducing `rule` does, as Lark's ParseTreeBuilder
    would do it. callback is the builder method's name, None for a `?rule` that passes its single
    child through, or "" for a `_rule` whose children are spliced into its parent. children is None
    when all popped values are the children as they are, else a tuple of (index, splice) steps where
    index None inserts a placeholder (an absent `[x]`)."""
    expansion, options = rule.expansion, rule.options
    placeholders = _placeholders(options.empty_indices, len(expansion))
    steps, plain = [], not any(placeholders)
    for index, symbol in enumerate(expansion):
        steps += [(None, False)] * placeholders[index]
        if symbol.is_term and symbol.filter_out and not options.keep_all_tokens:
            plain = False
            continue
        splice = not symbol.is_term and symbol.name.startswith("_")
        plain = plain and not splice
        steps.append((index, splice))
    steps += [(None, False)] * placeholders[len(expansion)]
    origin = str(rule.origin.name)
    if origin.startswith("_"):
        callback = ""
    elif options.expand1 and not rule.alias and len(steps) == 1 and plain:
        callback = None  # a unit rule of the precedence ladder: the value stays as it is
    else:
        callback = str(rule.alias or origin)
    expand1 = bool(options.expand1 and not rule.alias)
    return origin, len(expansion), callback, expand1, None if plain else tuple(steps)


def _placeholders(empty_indices, size: int) -> list[int]:
    """How many None placeholders go before each child (and, last, after them all), as Lark counts them."""
    if not empty_indices:
        return [0] * (size + 1)
    return [len(ones) for ones in "".join(str(int(flag)) for flag in empty_indices).split("0")]


GRAMMARS = {"cgrad": "_parse_table", "latex": "_latex_table"}  # grammar file's name → its tables' module


def grammar_path(name: str = "cgrad") -> str:
    """The grammar beside this module, in the source tree and in the wheel alike.
    (os.path, not pathlib or importlib.resources: those cost milliseconds of every start.)"""
    return os.path.join(os.path.dirname(os.path.realpath(__file__)), f"{name}.lark")


def read_grammar(name: str = "cgrad") -> str:
    with open(grammar_path(name), encoding="utf-8") as file:
        return file.read()


def check_lark_version(recorded: str | None, installed: str) -> None:
    """Refuse to regenerate with a Lark outside the pinned range, or of another major version than
    the one the tables were made with: its tables could differ in ways the driver does not replay."""
    major = installed.split(".")[0]
    if major != "1":
        raise SystemExit(f"lark {installed} is installed; the tables are made with lark 1.x (pyproject.toml pins "
                         "lark>=1.1.9,<2)")
    if recorded is not None and recorded.split(".")[0] != major:
        raise SystemExit(f"the tables were made with lark {recorded} and lark {installed} is installed: "
                         "check the driver (cgcli/language/lalr.py) against the new Lark before regenerating")


def write_module(path: str, name: str = "cgrad") -> None:
    """Write the tables of NAME.lark as a Python module (_parse_table.py, _latex_table.py beside it)."""
    import importlib
    import pprint

    import lark

    try:
        recorded = importlib.import_module(f"cgcli.language.{GRAMMARS[name]}").LARK
    except (ImportError, AttributeError):
        recorded = None
    check_lark_version(recorded, lark.__version__)
    if recorded is not None and recorded != lark.__version__:
        print(f"note: the tables were made with lark {recorded}; regenerating with lark {lark.__version__}")
    tables = build(read_grammar(name))
    with open(path, "w", encoding="utf-8") as file:
        file.write(f'"""Generated by `python -m cgcli.language.lalr_build` from cgcli/language/{name}.lark: do not edit.\n'
                   'cgcli/language/lalr.py uses these tables only while GRAMMAR is the grammar file\'s text, and otherwise asks Lark."""\n'
                    + "".join(f"{key.upper()} = {pprint.pformat(value, width=120, sort_dicts=False)}\n"
                              for key, value in tables.items()))


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for grammar, module in GRAMMARS.items():
        write_module(os.path.join(here, f"{module}.py"), grammar)
