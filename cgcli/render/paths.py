"""`cgrad paths` output: each path from the output to a node with its chain of local derivatives and
their product, then the sum of the products next to the backward pass's gradient."""
from __future__ import annotations


from ..passes.chain_paths import Paths
from .console import print_table, show, text_console, text_of
from .derivation import Partial
from .latex import factor as latex_factor
from .latex import short as latex_short
from .latex import partial as latex_partial
from .path_listing import PathListing
from .formats import RenderOptions
from .json import json_text


def render_text(listings: list[PathListing], options: RenderOptions = RenderOptions()) -> str:
    """A table per listing; on a terminal folded to its width, never cut (console.print_table)."""
    console = text_console(options.terminal, options.width)
    for listing in listings:
        top, target = listing.output, listing.target
        title = (f"Paths from {top} down to {target}: {Partial(top, target)} is the sum over the paths "
                 f"of the products of the local derivatives · {listing.description}")
        rows = [(str(line.number), line.route, line.chain, line.locals, line.product.text if line.product else "")
                for line in listing.lines]
        if rows:
            print_table(console, title, ["#", "path", "chain rule", "local derivatives", "product"], rows,
                        frozenset({0, 4}))
        else:
            show(console, title, "bold")
        show(console, "\n".join(listing.summary) + "\n")
    return text_of(console).rstrip("\n") + "\n"


def render_json(reports: list[Paths], numbers) -> str:
    def number(value):
        return None if value is None else numbers.to_json(value)

    document = {"numbers": numbers.name, "paths": [
        {"output": report.output, "wrt": report.target, "total": report.total, "listed": len(report.paths),
         "gradient": number(report.gradient), "listed_sum": number(report.listed_sum),
         "unlisted_sum": number(report.rest),
         "paths": [{"nodes": path.nodes, "locals": [number(term.local) for term in path.terms],
                    "product": number(path.product)} for path in report.paths]}
        for report in reports]}
    return json_text(document)


def render_markdown(listings: list[PathListing], options: RenderOptions = RenderOptions()) -> str:
    """Seed 004's equation: ∂o/∂w1 as a sum over paths of products, symbols then numbers."""
    from .markdown import cell, worksheet_heading

    out = worksheet_heading(options.title)
    for listing in listings:
        out.append(f"### Paths from {cell(listing.output)} to {cell(listing.target)}\n")
        out.append("| # | path | local derivatives | product |")
        out.append("|---:|---|---|---:|")
        for line in listing.lines:
            product = line.product.text if line.product else ""
            out.append(f"| {line.number} | {cell(line.route)} | {cell(line.locals)} | {cell(product)} |")
        out.append("")
        if listing.lines and listing.listed_sum is not None:
            out += [f"$${_equation(listing)}$$", ""]
        out += [cell(line) + "  " for line in listing.summary]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _equation(listing: PathListing) -> str:
    """∂o/∂w1 = ∂o/∂a1·∂a1/∂t·∂t/∂w1 + … = 1·1·2 + … = 2.39 (seed 004), the unlisted paths as one term."""
    def chain(line) -> str:
        return "".join(latex_partial(*step.local_partial) for step in line.steps) or "1"

    def product(line) -> str:
        return " \\cdot ".join(latex_factor(latex_short(step.local), step.local.negative)
                               for step in line.steps) or "1"

    symbols = " + ".join(chain(line) for line in listing.lines)
    values = " + ".join(product(line) for line in listing.lines)
    if listing.rest is not None:
        more = listing.more
        symbols += " + \\ldots"
        values += (f" + \\underbrace{{{latex_short(listing.rest)}}}"
                   f"_{{\\text{{{more:,} more path{'s' if more != 1 else ''}}}}}")
    gradient = latex_short(listing.gradient)
    return f"{latex_partial(listing.output, listing.target)} = {symbols} = {values} = {gradient}"
