"""`cgrad diagram --steps` and `--format html`: the walk through both passes written as frames (one
document, or numbered files in -o DIR/) or as the offline stepper page."""
from __future__ import annotations

import errno
import os
from collections.abc import Callable

from .. import output
from ...errors import InputError
from ...text import shorten
from .shared import emit

MANY_NODES = 40  # above this, say how many frames are coming


def check_options(steps: bool, output_format: str, at, highlight: str | None, out_file: str | None) -> None:
    """Refuse, before any work, what a walk cannot do."""
    option = "--steps" if steps else "--format html"
    if not at:
        raise InputError(f"{option} walks through the passes at a point: give the values with --at")
    if steps and output_format in ("svg", "png"):
        raise InputError("--steps writes Mermaid (Markdown) or DOT frames: use --format mermaid or dot, "
                         "or --format html for a page that steps through one picture")
    if highlight is not None:
        raise InputError(f"{option} lights each step's node and edges itself: leave out --highlight")
    if output_format == "html" and out_file is not None and is_folder(out_file):
        raise InputError(f"-o {shorten(out_file)}: --format html writes one file: give -o FILE.html")


def is_folder(out_file: str) -> bool:
    """-o DIR/ (a path ending in a separator) or an existing directory."""
    return out_file.endswith(("/", os.sep)) or os.path.isdir(out_file)


def write_frames(derivation, output_format: str, out_file: str | None, title: str | None, **options) -> None:
    """One frame per step: a Markdown deck or DOT graphs to stdout / -o FILE, or numbered files in -o DIR/."""
    from ...render import frames
    from ...render.steps import walk as walk_of

    walk = walk_of(derivation, _drawn(derivation, options))
    _announce(walk, options.get("collapse") is None)
    if output_format == "mermaid":
        _warn_if_too_large(derivation, options)
    if out_file is not None and is_folder(out_file):
        _write_folder(out_file, frames.frame_files(derivation, walk, output_format, title, **options))
    else:  # streamed: memory stays that of one frame however many there are
        pieces = (frames.dot_frames if output_format == "dot" else frames.markdown_deck)(derivation, walk, title,
                                                                                         **options)
        with output.Sink(out_file) as sink:
            for piece in pieces:
                sink.write(piece)


def write_page(derivation, out_file: str | None, title: str | None, draw_svg: Callable[[str], str],
               **options) -> None:
    """The stepper page: the picture drawn by Graphviz (`draw_svg`: DOT source → SVG), the tables,
    the frames."""
    from ...render import figure as figures, stepper
    from ...render.formats import RenderOptions, render
    from ...render.steps import walk as walk_of

    walk = walk_of(derivation, _drawn(derivation, options))
    picture = figures.build(derivation.forward, derivation.output, derivation, products=True, **options)
    svg = draw_svg(render("dot", picture, RenderOptions(ids=True), kind="figure"))
    emit(render("html", stepper.Page(derivation, walk, picture, svg), RenderOptions(title=title), kind="page"), out_file)


def _drawn(derivation, options: dict) -> set[str] | None:
    """With --collapse, the nodes the figure keeps (the others have no step of their own)."""
    if options.get("collapse") is None:
        return None
    from ...render import figure as figures

    picture = figures.build(derivation.forward, derivation.output, derivation, **options)
    return {node.name for node in picture.nodes if node.name is not None}


def _announce(walk, suggest_collapse: bool) -> None:
    nodes = walk.forward_count
    if nodes > MANY_NODES:
        hint = " (--collapse DEPTH draws fewer)" if suggest_collapse else ""
        passes = "of forward mode" if walk.tangents else "of the two passes"
        output.say(f"note: {nodes} nodes: writing {len(walk.steps)} frames, one per step {passes}{hint}")


def _warn_if_too_large(derivation, options: dict) -> None:
    """The note `cgrad diagram` gives when stock Mermaid would refuse the graph (every frame is as large)."""
    from ...render import figure as figures
    from ...render.mermaid import render, too_large

    picture = figures.build(derivation.forward, derivation.output, derivation, products=True, **options)
    problem = too_large(picture, render(picture))
    if problem:
        output.say(f"note: each frame's graph has {problem}; --collapse DEPTH folds the deep nodes")


def _write_folder(folder: str, files) -> None:
    """The frames into -o DIR/: the folder is made if missing, as -o FILE makes its file; a missing
    folder above it is refused (exit 74), as for -o FILE."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not os.path.isdir(folder):
            raise output.refused(folder, NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))) from None
    except (OSError, ValueError) as failure:  # ValueError: a NUL in the name
        raise output.refused(folder, failure) from None
    for name, text in files:
        output.write_file(text.encode("utf-8"), os.path.join(folder, name))
