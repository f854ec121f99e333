"""The one registry of output formats (each command's --format choices, default and help) and the
renderer protocol of a derivation's formats: `render(derivation, options)` with one RenderOptions."""
from __future__ import annotations

import importlib


class RenderOptions:
    """Everything a renderer may be told, beside what it renders; each takes what applies to it.
    A plain class, not a dataclass: building a dataclass costs a millisecond of every start."""

    __slots__ = ("terminal", "with_trace", "title", "graph", "width", "ids", "max_rows")

    def __init__(self, terminal: bool = False, with_trace: bool = True, title: str | None = None, graph: bool = True,
                 width: int | None = None, ids: bool = False, max_rows: int = 0) -> None:
        self.terminal = terminal  # a terminal: Rich tables fitted to its width, coloured; else whole plain lines
        self.with_trace = with_trace  # the forward and backward passes, not only the value and the gradient
        self.title = title  # a worksheet's title: "Worksheet" or "Answer key"
        self.graph = graph  # markdown: the Mermaid graph of the passes
        self.width = width  # a terminal's width in columns [default: the terminal's own]
        self.ids = ids  # dot: `id` attributes on nodes and edges, kept in Graphviz's SVG for the stepper page
        self.max_rows = max_rows  # rows a streamed table keeps at its two ends (descend's steps); 0: all

    def __eq__(self, other) -> bool:
        return isinstance(other, RenderOptions) and all(getattr(self, name) == getattr(other, name)
                                                        for name in self.__slots__)

    def __repr__(self) -> str:
        return "RenderOptions(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__) + ")"


class Formats:
    """A command's --format: its choices in the order help lists them, its default, and their help."""

    __slots__ = ("choices", "default", "help")

    def __init__(self, choices: tuple[str, ...], default: str | None, help: str) -> None:
        self.choices, self.default, self.help = choices, default, help


FORMATS: dict[str, Formats] = {
    "eval": Formats(("table", "json", "markdown", "latex", "jsonl", "csv"), None,
                    "[default: table; jsonl with --each; with --points, as the input] table: the forward pass, "
                    "backward pass and gradient as tables; json: one object; markdown: a worked solution for notes "
                    "(Mermaid graph, tables, chain rule in LaTeX); latex: the derivation as an align* fragment; "
                    "jsonl, csv: with --each or --points."),
    "derive": Formats(("text", "latex", "markdown", "json"), "text",
                      "text: a program cgrad eval accepts, the derivatives last; latex: an align* fragment; "
                      "markdown: notes with the program and its LaTeX; json: one object."),
    "paths": Formats(("table", "json", "markdown"), "table",
                     "table, json, or markdown with the sum over paths as a LaTeX equation."),
    "hessian": Formats(("table", "json", "markdown"), "table",
                       "table: the second pass traced and the matrix; json: one object; markdown: a worked solution."),
    "check": Formats(("table", "json"), "table", "table: one row per variable, then the kinks; json: one object."),
    "diagram": Formats(("mermaid", "dot", "svg", "png", "html"), "mermaid",
                       "mermaid or dot source; svg or png drawn by Graphviz's dot program; html: an offline page "
                       "that steps through the passes (needs --at and dot)."),
    "descend": Formats(("table", "csv", "json", "markdown"), "table",
                       "table: the result (and with --trace the steps); csv, json, markdown: every step, for plots "
                       "and notes."),
    "uncertainty": Formats(("table", "json", "markdown", "latex"), "table",
                           "table: the budgets as the GUM lays them out; json: one object; markdown, latex: the "
                           "derivation (graph, backward pass, partial derivatives) and the budget."),
}

# what is rendered → format → (module, function) writing it; each takes (what it renders, RenderOptions)
RENDERERS: dict[str, dict[str, tuple[str, str]]] = {
    "derivation": {"table": ("table", "render"), "markdown": ("markdown", "render"), "latex": ("latex", "render")},
    "forward": {"table": ("tangents", "forward_table"), "markdown": ("tangents", "forward_markdown"),
                "latex": ("tangents", "forward_latex")},
    "paths": {"table": ("paths", "render_text"), "markdown": ("paths", "render_markdown")},
    "trace": {"json": ("json", "render")},
    "check": {"table": ("check", "table"), "json": ("check", "to_json")},
    "budget": {"table": ("budget", "table"), "json": ("budget", "to_json"), "markdown": ("budget_text", "markdown"),
               "latex": ("budget_text", "latex")},
    "jacobian": {"table": ("jacobian", "table"), "json": ("jacobian", "to_json"), "markdown": ("jacobian", "markdown"),
                 "latex": ("jacobian", "latex_fragment")},
    "figure": {"mermaid": ("mermaid", "render"), "dot": ("dot", "render")},
    "page": {"html": ("stepper", "render")},  # a stepper.Page
    # streamed: a StepWriter made of (the parameters' names, RenderOptions), its text written step by step
    "descent": {"table": ("descent", "TableSteps"), "csv": ("descent", "CsvSteps"), "json": ("descent", "JsonSteps"),
                "markdown": ("descent", "MarkdownSteps")},
    "hessian": {"table": ("tangents", "hessian_table"), "json": ("tangents", "hessian_json"),
                "markdown": ("tangents", "hessian_markdown")},
}
DERIVATION_FORMATS = RENDERERS["derivation"]


def render(output_format: str, subject, options: RenderOptions = RenderOptions(), kind: str = "derivation") -> str:
    """`subject` (a derivation, a forward-mode derivation, path listings, a trace, a check, a budget, a
    Jacobian's view, a Hessian's, a figure: `kind`) in
    `output_format`, its module imported only now."""
    return _renderer(kind, output_format)(subject, options)


def step_writer(output_format: str, names: list[str], options: RenderOptions = RenderOptions()):
    """descend's writer of `output_format` (a descent.StepWriter), for the parameters `names`."""
    return _renderer("descent", output_format)(names, options)


def _renderer(kind: str, output_format: str):
    module, function = RENDERERS[kind][output_format]
    return getattr(importlib.import_module(f"{__package__}.{module}"), function)
