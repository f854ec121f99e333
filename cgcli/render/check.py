"""`cgrad check`'s result laid out: a plain table (one row per variable, then the kinks and the
verdict), or one JSON object."""
from __future__ import annotations

import json

from ..passes.gradcheck import CheckResult
from .formats import RenderOptions


def _number(x: float | None) -> str:
    return "" if x is None else f"{x:.12g}"


def _error(x: float | None) -> str:
    return "" if x is None else f"{x:.2e}"


def _reference(check) -> str:
    if check.enclosure is not None:
        return "[{:.12g}, {:.12g}]".format(*check.enclosure)
    return _number(check.reference)


_HEADINGS = {"finite_difference": "finite difference", "theirs": "theirs", None: "enclosure"}


def table(result: CheckResult, options: RenderOptions = RenderOptions()) -> str:
    """One row per variable, the kinks, and the verdict."""
    head = ["variable", "gradient", _HEADINGS[result.reference], "abs error", "rel error", "verdict", "note"]
    rows = [head] + [[check.name, _number(check.gradient), _reference(check), _error(check.abs_error),
                      _error(check.rel_error), check.verdict, check.note] for check in result.variables]
    widths = [max(len(row[column]) for row in rows) for column in range(len(head))]
    lines = [f"check: {result.method}; rtol {result.rtol:g}, atol {result.atol:g}", ""]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    if result.kinks:
        lines += ["", "kinks at this point:"]
        lines += [f"  {kink.node} = {kink.source}: {_kink_text(kink)}" for kink in result.kinks]
    lines += ["", "passed" if result.passed else "FAILED: " + ", ".join(
        check.name for check in result.variables if not check.passed)]
    return "\n".join(lines) + "\n"


def _kink_text(kink) -> str:
    sides = f"one-sided slopes {kink.left:.6g} (left), {kink.right:.6g} (right)"
    if kink.jump:
        return f"{sides} (they grow as 1/step): a jump, no derivative; the convention takes {kink.convention:g}"
    low, high = kink.subgradient
    where = "inside" if kink.inside else "OUTSIDE"
    return f"{sides}: subgradient [{low:.6g}, {high:.6g}]; the convention's {kink.convention:g} is {where}"


def to_json(result: CheckResult, options: RenderOptions = RenderOptions()) -> str:
    variables = {}
    for check in result.variables:
        entry = {"gradient": check.gradient}
        if result.reference is not None:
            entry[result.reference] = check.reference
        if check.enclosure is not None:
            entry["enclosure"] = list(check.enclosure)
        if check.one_sided is not None:
            entry["one_sided"] = list(check.one_sided)
        entry.update({"abs_error": check.abs_error, "rel_error": check.rel_error, "verdict": check.verdict,
                      "passed": check.passed, "note": check.note})
        variables[check.name] = entry
    kinks = [{"node": kink.node, "source": kink.source, "one_sided": [kink.left, kink.right],
              "subgradient": None if kink.jump else list(kink.subgradient), "jump": kink.jump,
              "convention": kink.convention, "inside": kink.inside} for kink in result.kinks]
    return json.dumps({"passed": result.passed, "method": result.method, "rtol": result.rtol, "atol": result.atol,
                       "variables": variables, "kinks": kinks}, ensure_ascii=False, indent=2) + "\n"
