"""Frames of the walk (steps.py) for notes and slides: a Markdown deck with one Mermaid graph and
one LaTeX line per step, `---` between the slides; DOT graphs; or one file per frame."""
from __future__ import annotations

from collections.abc import Iterator

from . import dot, figure as figures, latex, mermaid
from .derivation import Derivation, ForwardModeDerivation
from .markdown import cell, program_heading, worksheet_heading
from .steps import BACKWARD, TANGENT, Step, Walk

SLIDE_BREAK = ["", "---", ""]  # Marp, reveal-md, Slidev and Obsidian Slides split decks here


def frames(derivation: Derivation | ForwardModeDerivation, walk: Walk,
           **options) -> Iterator[tuple[int, Step, figures.Figure]]:
    """(number, step, figure of the state after it) for every step of the walk; `options` as figure.build's."""
    for done, step in enumerate(walk.steps, 1):
        yield done, step, figures.build(derivation.forward, derivation.output, derivation,
                                        state=walk.state(done), **options)


def markdown_deck(derivation: Derivation | ForwardModeDerivation, walk: Walk, title: str | None,
                  **options) -> Iterator[str]:
    """The whole walk as one Markdown document, in pieces as each is made (a walk over 900 nodes is
    1 800 frames, each as large as the graph): the program, then a slide per step."""
    out = worksheet_heading(title) + program_heading(derivation) + ["", _overview(walk)]
    if walk.tangents:
        out += ["", cell(derivation.seeding) + "."]
    yield "\n".join(out) + "\n"
    for number, step, figure in frames(derivation, walk, **options):
        slide = markdown_frame(derivation.output, number, len(walk.steps), step, figure)
        yield "\n".join(SLIDE_BREAK + slide) + "\n"


def markdown_frame(output: str, number: int, count: int, step: Step, figure: figures.Figure) -> list[str]:
    """A step's slide: the heading, the Mermaid graph, the step's equation(s) in LaTeX (forward mode:
    the value's, then the tangent's chain rule)."""
    if step.phase == BACKWARD:
        equations = [latex.chain_equation(output, step.line)]
    else:
        equations = [latex.forward_equation(step.line)]
        if step.phase == TANGENT:
            equations.append(latex.tangent_equation(step.tangent))
    return ([f"## Step {number} of {count} · {step.title}: {cell(step.name)}", "",
             "```mermaid", mermaid.render(figure).rstrip("\n"), "```"]
            + [line for equation in equations for line in ("", f"$${equation.replace('&=', '=', 1)}$$")])


def dot_frame(number: int, count: int, step: Step, figure: figures.Figure) -> str:
    """A step's DOT graph, after a comment naming the step."""
    return f"// step {number} of {count}, {step.title}: {step.name}\n" + dot.render(figure)


def dot_frames(derivation: Derivation | ForwardModeDerivation, walk: Walk, title: str | None,
               **options) -> Iterator[str]:
    """Every step's DOT graph (the worksheet's title as each graph's label), one after another
    (`dot -Tsvg -O` draws each), each as it is made."""
    count = len(walk.steps)
    for number, step, figure in frames(derivation, walk, title=title, **options):
        yield ("" if number == 1 else "\n") + dot_frame(number, count, step, figure)


def frame_files(derivation: Derivation | ForwardModeDerivation, walk: Walk, output_format: str, title: str | None,
                **options) -> Iterator[tuple[str, str]]:
    """(file name, text) per step: frame-001.md or frame-001.dot, numbered to the width of the count."""
    count = len(walk.steps)
    width = max(3, len(str(count)))
    if output_format == "dot":
        options["title"] = title
    for number, step, figure in frames(derivation, walk, **options):
        if output_format == "dot":
            yield f"frame-{number:0{width}d}.dot", dot_frame(number, count, step, figure)
        else:
            lines = worksheet_heading(title) + markdown_frame(derivation.output, number, count, step, figure)
            yield f"frame-{number:0{width}d}.md", "\n".join(lines) + "\n"


def _overview(walk: Walk) -> str:
    if walk.tangents:
        return (f"{len(walk.steps)} steps of forward mode, inputs to output, one node per step: its value, and its "
                "tangent (ẋ, the derivative along the direction the inputs are seeded with) as the sum over its "
                "operands of ∂node/∂operand × the operand's tangent.")
    forward = walk.forward_count
    backward = len(walk.steps) - forward
    return (f"{len(walk.steps)} steps: the forward pass computes one node per step, inputs to output ({forward} "
            f"steps); the backward pass applies the chain rule at one node per step, output to inputs "
            f"({backward} steps).")
