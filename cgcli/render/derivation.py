"""The derivation every format shows, decided once from a Trace: the rows of the forward pass, of
the backward pass (chain-rule terms, local rules, upstream × local, adjoints), of the gradient and
of the path listing; which numbers a worksheet blanks; which rows --max-rows leaves out.
Table, Markdown, LaTeX, paths and diagrams only escape and lay these rows out."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..numbers.written import Written, other
from ..text import excerpt
from . import BLANK_CHOICES
from ..graph.nodes import CONSTANT, VARIABLE
from ..passes.trace import NOT_TAKEN, NOT_TAKEN_REASON, BackwardRow, ForwardRow, Term, Trace
from .notation import definition, local_rule, rule_names, shape_of, shown

BLANK_TEXT = "____"  # a number the student fills in
# a node only a branch not taken needs: what the tables (NOT_TAKEN_TEXT), pictures (NOT_TAKEN_SHORT) and
# JSON (null, with "not_computed": NOT_TAKEN_REASON) show for its value
NOT_TAKEN_TEXT = f"not computed ({NOT_TAKEN_REASON})"
NOT_TAKEN_SHORT = "not computed"


class NumberText:
    """One value as the formats show it, each text made when first asked for: `text` (the number
    system's), `reading` (a fraction with its decimal), `short` (pictures and equations), `grid`
    (a small vector or matrix, element by element); `written`, the short text in parts. A worksheet's blank is BLANK_TEXT in all."""

    __slots__ = ("_numbers", "value", "blank", "_text", "_reading", "_short")

    def __init__(self, numbers, value, blank: bool = False) -> None:
        self._numbers, self.value, self.blank = numbers, value, blank
        self._text = self._reading = self._short = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = (BLANK_TEXT if self.blank else NOT_TAKEN_TEXT if self.value is NOT_TAKEN
                          else self._numbers.format(self.value))
        return self._text

    @property
    def reading(self) -> str:
        if self._reading is None:
            self._reading = (BLANK_TEXT if self.blank else NOT_TAKEN_TEXT if self.value is NOT_TAKEN
                             else self._numbers.format_reading(self.value))
        return self._reading

    @property
    def written(self) -> Written:
        """The short text's number in parts, for printers that lay numbers out (LaTeX)."""
        if self._short is None:
            self._short = (other(BLANK_TEXT) if self.blank else other(NOT_TAKEN_SHORT) if self.value is NOT_TAKEN
                           else shown(self._numbers, self.value))
        return self._short

    @property
    def short(self) -> str:
        return self.written.text

    @property
    def not_taken(self) -> bool:
        """Whether the value is a node's that only a branch not taken needs (never a blank: nothing to fill in)."""
        return self.value is NOT_TAKEN

    @property
    def negative(self) -> bool:
        """Whether, as a factor of a product, the number needs parentheses: 3 × (-2), 2 × (1 + 3ε)."""
        return self.text.startswith("-") or "ε" in self.text

    @property
    def factor(self) -> str:
        return f"({self.text})" if self.negative else self.text

    @property
    def short_factor(self) -> str:
        return f"({self.short})" if self.negative else self.short

    @property
    def tensor(self) -> bool:
        return not self.blank and bool(getattr(self.value, "shape", None))

    @property
    def grid(self) -> list[list[Written]] | None:
        """A vector's or matrix's elements (short numbers) by row, when the number system prints it
        whole; None for scalars, blanks and the tensors it summarises."""
        shape = getattr(self.value, "shape", None) if not self.blank else None
        if not shape or len(shape) > 2 or "tensor" in self.text:
            return None
        elements = self.value.tolist()  # Python numbers: a NumPy scalar's repr is np.float64(0.1)
        rows = [elements] if len(shape) == 1 else elements
        return [[shown(self._numbers, element) for element in row] for row in rows]


class Partial(NamedTuple):
    """∂top/∂bottom, kept as its two names so that LaTeX can typeset it as a fraction."""

    top: str
    bottom: str

    def __str__(self) -> str:
        return f"∂{self.top}/∂{self.bottom}"


# ---- rows left out ----

@dataclass(frozen=True)
class Elided:
    """Stands for the middle rows of a table longer than --max-rows."""

    count: int

    @property
    def text(self) -> str:
        return f"{self.count} more {'row' if self.count == 1 else 'rows'} (--max-rows 0 shows all)"


def kept_ends(max_rows: int) -> tuple[int, int]:
    """How many rows a table longer than `max_rows` keeps at its start and at its end."""
    return max_rows - max_rows // 2, max_rows // 2


def elide(rows: Sequence, max_rows: int) -> list:
    """`rows`, or, past `max_rows` (0: no limit), both ends of them around an Elided marker."""
    if not max_rows or len(rows) <= max_rows:
        return list(rows)
    head, tail = kept_ends(max_rows)
    return [*rows[:head], Elided(len(rows) - head - tail), *rows[len(rows) - tail:]]


def laid_out(rows: Sequence, cells: Callable, note: Callable[[Elided], object]) -> list:
    """Each row as `cells` makes it, the Elided marker as `note` does."""
    return [note(row) if isinstance(row, Elided) else cells(row) for row in rows]


def grouped_by_call(rows: Sequence, cells: Callable, heading: Callable[[str], object]) -> list:
    """Rows (forward lines or Elided markers) as `cells` makes them, with a heading row (made by
    `heading`) where the rows of a call of a defined function begin: the call's boundary."""
    out, current = [], None
    for row in rows:
        call = getattr(row, "call", None)
        if call is not None and call != current:
            out.append(heading(call))
        current = call
        out.append(cells(row))
    return out


class _Lines(Sequence):
    """The lines of a pass, each made from its record when first asked for: a table of 60 rows out
    of 10⁵ nodes formats 60."""

    def __init__(self, records: Sequence, make: Callable) -> None:
        self._records, self._make, self._made = records, make, {}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self):
        made, make = self._made, self._make
        for index, record in enumerate(self._records):
            if index not in made:
                made[index] = make(record)
            yield made[index]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self))[index]
        if index not in self._made:
            self._made[index] = self._make(self._records[index])
        return self._made[index]


# ---- the rows ----

@dataclass(slots=True)
class ForwardLine:
    name: str
    op: str
    operands: tuple[str, ...]
    definition: str  # `b · c`; 'input' for a variable; a named constant's literal
    source: str  # the source text the node came from ('' for inputs and constants)
    shape: str | None  # `2×3` for a tensor
    value: NumberText | None  # None when only the structure is drawn
    operand_values: tuple[NumberText | None, ...] = ()  # per operand: its node's value (None: a literal)
    call: str | None = None  # the call of a defined function the row belongs to: "f(a)"

    @property
    def shape_text(self) -> str:
        return self.shape or "scalar"


@dataclass(slots=True)
class TermLine:
    """One use of a node by a consumer: ∂top/∂consumer · ∂consumer/∂node, upstream × local."""

    record: Term  # the trace's term: the consumer's op, operands and which operand, for typesetting its rule
    upstream_partial: Partial  # ∂top/∂consumer
    local_partial: Partial  # ∂consumer/∂node
    rule: str | None  # the local derivative written out (`c` for ∂(b·c)/∂b); None when it is a constant
    vjp: str | None  # a tensor op's vector-Jacobian product (`∂L/∂Y @ Wᵀ`), which stands for rule and local
    local: NumberText | None  # None with a vjp
    upstream: NumberText
    contribution: NumberText

    @property
    def chain(self) -> str:
        return f"{self.upstream_partial} · {self.local_partial}"

    @property
    def local_line(self) -> str:
        """`∂u/∂b = c = 3`; a constant rule as its value alone (`∂J/∂v = 3`, blank in a worksheet);
        for a tensor op `∂L/∂X += ∂L/∂Y @ Wᵀ`."""
        if self.vjp is not None:
            return f"{Partial(self.upstream_partial.top, self.local_partial.bottom)} += {self.vjp}"
        if self.rule is None:
            return f"{self.local_partial} = {self.local.text}"
        return f"{self.local_partial} = {self.rule} = {self.local.text}"

    @property
    def local_factor(self) -> str:
        """The local derivative as a factor of a path's product."""
        return self.vjp if self.vjp is not None else self.local.factor

    @property
    def product(self) -> str:
        """upstream × local; a tensor op's contribution itself."""
        return self.contribution.text if self.vjp is not None else f"{self.upstream.text} × {self.local.factor}"


@dataclass(slots=True)
class BackwardLine:
    name: str
    adjoint: NumberText  # ∂top/∂node
    terms: list[TermLine]

    @property
    def chain_lines(self) -> list[str]:
        return _summed([term.chain for term in self.terms]) or ["(output)"]

    @property
    def local_lines(self) -> list[str]:
        return [term.local_line for term in self.terms]

    @property
    def product_lines(self) -> list[str]:
        return _summed([term.product for term in self.terms])


def _summed(lines: list[str]) -> list[str]:
    return [line if i == 0 else f"+ {line}" for i, line in enumerate(lines)]


@dataclass(slots=True)
class GradientLine:
    name: str
    value: NumberText | None  # the variable's value (None for an intermediate node, or without a trace)
    gradient: NumberText
    naive: NumberText | None = None  # with --naive: what the assigning backward pass gives
    naive_wrong: bool = False

    @property
    def naive_cell(self) -> str:
        """The naive derivative, `✗` before it when it is wrong (the numbers stay aligned on the right)."""
        return f"{WRONG} {self.naive.reading}" if self.naive_wrong else self.naive.reading


WRONG = "✗"
NAIVE_HEADER = "naive (= not +=)"  # the column of the pass that assigns where it should add
NAIVE_TITLE = "The classic mistake: grad = where grad += belongs"


@dataclass(frozen=True)
class NaiveSummary:
    """Why the naive pass is wrong, or why it agrees, said once for every format."""

    fan_out: dict[str, int]  # the nodes used more than once: how many times
    agrees: bool

    @property
    def line(self) -> str:
        """The one line under the gradient table: the reason, marked like the wrong numbers."""
        return f"{WRONG} {self.reason()}" if not self.agrees else self.reason()

    def reason(self, name: Callable[[str], str] = str) -> str:
        """Why the naive pass goes wrong or agrees, the node names written by `name` (LaTeX: as math)."""
        if not self.fan_out:
            return ("The naive pass agrees: no node has more than one use, so each node receives one "
                    "contribution, and assigning it is adding it.")
        if self.agrees:
            return (f"The naive pass agrees here by chance: {self._uses(name)}, but the contributions "
                    "that assignment drops add up to 0 at this point.")
        return (f"The naive pass is wrong: {self._uses(name)}; the multivariable chain rule sums "
                "the contributions of every path (grad +=), assignment (grad =) keeps only the last one.")

    def _uses(self, name: Callable[[str], str]) -> str:
        """`x feeds 2 uses`, `a and b feed 2 uses each`, `x feeds 2 uses and u 3`, at most 4 names."""
        items = list(self.fan_out.items())
        shown, rest = items[:4], len(items) - 4
        counts = {count for _, count in shown}
        if len(shown) > 1 and len(counts) == 1:
            text = f"{_and([name(node) for node, _ in shown])} feed {counts.pop()} uses each"
        else:
            first, *others = shown
            text = _and([f"{name(first[0])} feeds {first[1]} uses"] + [f"{name(node)} {count}" for node, count in others])
        return text + (f" (and {rest} more nodes used more than once)" if rest > 0 else "")


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(slots=True)
class Derivation:
    source: str
    output: str
    value: NumberText
    description: str  # the number system, in words
    conventions: list[str]
    at: str  # `a = 1, b = 2`: the point
    shaped: bool  # some value is a tensor: tables get a shape column
    forward: Sequence[ForwardLine]  # every row; the *_shown lists leave the middle out past max_rows
    backward: Sequence[BackwardLine]
    gradient: list[GradientLine]
    max_rows: int = 0
    naive: NaiveSummary | None = None  # with --naive

    @property
    def forward_shown(self) -> list:
        return elide(self.forward, self.max_rows)

    @property
    def backward_shown(self) -> list:
        return elide(self.backward, self.max_rows)

    @property
    def gradient_shown(self) -> list:
        return elide(self.gradient, self.max_rows)


def derive(trace: Trace, blank: str | None = None, max_rows: int = 0) -> Derivation:
    """The derivation of `trace`; with `blank` a worksheet: `grads` blanks every number of the
    backward pass (local derivatives, upstream × local, adjoints, the gradient) except
    ∂out/∂out = 1; `all` the values of the computed nodes too (inputs and constants stay)."""
    if blank not in (None, *BLANK_CHOICES):
        raise ValueError(blank)
    numbers, top = trace.numbers, trace.output
    blank_grads, blank_values = blank is not None, blank == "all"
    values = {row.name: NumberText(numbers, row.value, blank_values and _computed(row) and row.value is not NOT_TAKEN)
              for row in trace.forward}
    nodes = set(values)
    variables = {row.name: values[row.name] for row in trace.forward if row.op == VARIABLE}
    at = point_of(variables)

    def forward_line(row: ForwardRow) -> ForwardLine:
        return _forward_line(row, trace.source, values)

    def backward_line(row: BackwardRow) -> BackwardLine:
        adjoint = NumberText(numbers, row.adjoint, blank_grads and row.name != top)
        return BackwardLine(row.name, adjoint, [term_line(trace, nodes, row.name, term, blank_grads)
                                                for term in row.terms])

    gradient = [GradientLine(name, variables.get(name), NumberText(numbers, value, blank_grads))
                for name, value in trace.gradient.items()]
    naive = trace.naive
    if naive is not None:
        for line in gradient:
            line.naive, line.naive_wrong = NumberText(numbers, naive.gradient[line.name]), line.name in naive.wrong
    return Derivation(trace.source, top, NumberText(numbers, trace.value, blank_values), numbers.description,
                      list(trace.conventions), at, any(shape_of(row.value) for row in trace.forward),
                      _Lines(trace.forward, forward_line), _Lines(trace.backward, backward_line), gradient, max_rows,
                      None if naive is None else NaiveSummary(dict(naive.fan_out), not naive.wrong))


def _forward_line(row, source: str, values: dict[str, NumberText]) -> ForwardLine:
    """The line of a forward pass's record (a ForwardRow, or a forward-mode TangentRow: the same fields)."""
    return ForwardLine(row.name, row.op, row.operands, definition(row),
                       "" if row.op in (VARIABLE, CONSTANT) else excerpt(source, *row.span),
                       shape_of(row.value), values[row.name], tuple(map(values.get, row.operands)),
                       getattr(row, "call", None))


def point_of(variables: dict[str, NumberText]) -> str:
    """`a = 1, b = 2`: the point."""
    return ", ".join(f"{name} = {value.text}" for name, value in variables.items())


def _computed(row: ForwardRow) -> bool:
    return row.op not in (VARIABLE, CONSTANT)


def term_line(trace: Trace, nodes: set[str], node: str, term: Term, blank: bool = False) -> TermLine:
    """The line of `term`, the use of `node` by term.consumer, in the trace's numbers; `nodes` are
    the names of the trace's nodes (an operand not among them is a literal)."""
    numbers, top = trace.numbers, trace.output
    upstream_partial, local_partial = Partial(top, term.consumer), Partial(term.consumer, node)
    upstream = NumberText(numbers, term.upstream, blank)
    contribution = NumberText(numbers, term.contribution, blank)
    if term.local is None:  # a tensor op: its vector-Jacobian product, as seed 003 writes it
        return TermLine(term, upstream_partial, local_partial, None, local_rule(term, str(upstream_partial)), None,
                        upstream, contribution)
    # written in literals alone (`3`, `1`, `pi`, `1e1`), the rule is its value: shown as that value, or blanked
    constant = nodes.isdisjoint(rule_names(term))
    return TermLine(term, upstream_partial, local_partial, None if constant else local_rule(term), None,
                    NumberText(numbers, term.local, blank), upstream, contribution)


# ---- forward mode (dual numbers): rows of value, tangents and tangent contributions ----

def dotted(name: str) -> str:
    """ẋ: the tangent of `name`."""
    return f"{name}\u0307"


def joined(texts: list[NumberText], short: bool = False, factor: bool = True) -> str:
    """Tangents as a factor: `3`, `(-2)` (-2 with factor=False), or the directions side by side, `(3, 0)`."""
    if len(texts) == 1:
        text = texts[0]
        if factor:
            return text.short_factor if short else text.factor
        return text.short if short else text.text
    return "(" + ", ".join(t.short if short else t.text for t in texts) + ")"


@dataclass(slots=True)
class TangentTermLine:
    """One operand's share of a node's tangent: local derivative × the operand's tangent = contribution."""

    partial: Partial
    operand: str
    position: int  # which operand of the node: the use (operand, node, position) is the edge that carries it
    local: NumberText | None  # None for a tensor op, whose share is its JVP
    tangents: list[NumberText]  # one per direction
    contributions: list[NumberText]

    @property
    def line(self) -> str:
        """`∂t1/∂x · ẋ = 2 · 1 = 2`, directions side by side as (…)."""
        if self.local is None:
            return (f"JVP through {self.operand}: {dotted(self.operand)} = {joined(self.tangents)} "
                    f"→ {joined(self.contributions)}")
        return f"{self.chain} = {self.product} = {joined(self.contributions)}"

    @property
    def chain(self) -> str:
        """`∂u/∂x · ẋ`; a tensor op's share as its JVP."""
        return f"JVP({dotted(self.operand)})" if self.local is None else f"{self.partial} · {dotted(self.operand)}"

    @property
    def product(self) -> str:
        """local · tangent; a tensor op's share itself."""
        return joined(self.contributions) if self.local is None else f"{self.local.factor} · {joined(self.tangents)}"


@dataclass(slots=True)
class TangentLine:
    name: str
    definition: str
    value: NumberText
    tangents: list[NumberText]  # the node's tangent in each direction
    terms: list[TangentTermLine]

    @property
    def not_taken(self) -> bool:
        return self.value.value is NOT_TAKEN

    @property
    def term_lines(self) -> list[str]:
        if self.not_taken:
            return [NOT_TAKEN_TEXT]
        return [term.line for term in self.terms] or ["seed" if self.definition == "input" else "constant: 0"]

    @property
    def tangent_equation(self) -> str:
        """`u̇ = ∂u/∂x · ẋ + ∂u/∂y · ẏ = 3 · 1 + 2 · 0 = 3`: the forward-mode chain rule at this node."""
        left, own = dotted(self.name), joined(self.tangents, factor=False)
        if self.not_taken:
            return f"{left}: {NOT_TAKEN_TEXT}"
        if not self.terms:
            return f"{left} = {own} ({'the seed' if self.definition == 'input' else 'a constant'})"
        return " = ".join(dict.fromkeys([left, " + ".join(term.chain for term in self.terms),
                                         " + ".join(term.product for term in self.terms), own]))


@dataclass
class ForwardModeDerivation:
    source: str
    description: str
    output: str
    value: NumberText
    directions: list[str]
    lines: list  # TangentLine and perhaps one Elided
    gradient: list[tuple[str, NumberText]]
    jvp: NumberText | None
    conventions: list[str]
    at: str  # `x = 2, y = 3`: the point
    forward: Sequence[ForwardLine]  # every node's line as the diagrams draw it (the same values)
    tangent_lines: Sequence[TangentLine]  # every node's, none left out
    seed_note: str = ("forward mode pushes ∂/∂x from inputs to output (each node's tangent is the sum of local "
                      "derivative × operand tangent); reverse mode pulls ∂f/∂ from output to inputs")

    @property
    def shaped(self) -> bool:
        return any(line.shape for line in self.forward)

    @property
    def seeding(self) -> str:
        """How the inputs' tangents were seeded, in words."""
        seeds = ", ".join(f"{dotted(line.name)} = {joined(line.tangents, factor=False)}"
                          for line in self.tangent_lines if line.definition == "input")
        if self.jvp is not None:
            return f"Tangents along the direction v given by --tangent: {seeds}"
        names = ", ".join(self.directions)
        return (f"One tangent per variable ({names}), each variable seeded with 1 for itself and 0 for the others: "
                f"{seeds}")


def forward_mode_derivation(trace, max_rows: int = 0) -> ForwardModeDerivation:
    """What every format shows of a forward-mode pass (passes.dual.ForwardModeTrace)."""
    numbers = trace.numbers
    values = {row.name: NumberText(numbers, row.value) for row in trace.rows}

    def text(value) -> NumberText:
        return NumberText(numbers, value)

    def line(row) -> TangentLine:
        terms = [TangentTermLine(Partial(row.name, term.operand), term.operand, term.position,
                                 None if term.local is None else text(term.local),
                                 [text(t) for t in term.operand_tangents], [text(c) for c in term.contributions])
                 for term in row.terms]
        return TangentLine(row.name, definition(row), values[row.name], [text(t) for t in row.tangents], terms)

    every = _Lines(trace.rows, line)
    gradient = [(name, text(value)) for name, value in trace.gradient.items()]
    forward = _Lines(trace.rows, lambda row: _forward_line(row, trace.source, values))
    return ForwardModeDerivation(trace.source, numbers.description, trace.output, text(trace.value), trace.directions,
                                 elide(every, max_rows), gradient, None if trace.jvp is None else text(trace.jvp),
                                 trace.conventions, point_of({row.name: values[row.name] for row in trace.rows
                                                            if row.op == VARIABLE}), forward, every)
