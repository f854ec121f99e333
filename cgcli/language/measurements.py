"""Measured inputs as people write them: `4.999±0.0032`, `4.999+-0.0032`, the concise `4.9990(32)`, JSON
{"value", "u"}; correlations `A,B=r`, degrees of freedom `A=4` and distributions `A=rect`, checked."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import InputError
from ..text import shorten, language_form, LazyPattern

DISTRIBUTIONS = ("normal", "rect", "tri")
_PLUS_MINUS = LazyPattern(r"±|\+/?-")
# 4.9990(32), 19.6610(95)e-3, 127.732(0.070): the digits in parentheses are the last digits' uncertainty
_CONCISE = LazyPattern(r"([+-]?(?:\d+\.?\d*|\.\d+))\((\d+\.?\d*|\.\d+)\)((?:[eE][+-]?\d+)?)")


@dataclass(frozen=True)
class Measured:
    """An input quantity: its estimate (as written, and as a float), standard uncertainty and degrees of freedom."""

    name: str
    text: str  # the estimate as the number system reads it
    value: float
    u: float
    dof: float = math.inf
    distribution: str = "normal"


@dataclass
class Inputs:
    """What --at, --correlation, --dof and --distribution say: the uncertain inputs in order, the exact
    constants as (name, text), and the correlation coefficients by pair of input names."""

    measured: list[Measured]
    constants: list[tuple[str, str]]
    correlations: dict[tuple[str, str], float] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [quantity.name for quantity in self.measured]

    def pairs(self) -> list[tuple[str, str]]:
        """Every input's estimate as the (name, text) pairs of --at, for the passes."""
        return self.constants + [(quantity.name, quantity.text) for quantity in self.measured]

    def matrix(self) -> list[list[float]]:
        """The correlation matrix of the uncertain inputs, in their order."""
        index = {name: i for i, name in enumerate(self.names)}
        matrix = [[float(i == j) for j in range(len(index))] for i in range(len(index))]
        for (a, b), r in self.correlations.items():
            matrix[index[a]][index[b]] = matrix[index[b]][index[a]] = r
        return matrix


def measured(name: str, text: str | dict, numbers) -> Measured | None:
    """`text` as an uncertain input (value±u, concise, or a JSON object), or None for an exact constant."""
    shown = f"--at {shorten(name)}"
    if isinstance(text, dict):
        unknown = [key for key in text if key not in ("value", "u", "dof", "distribution")]
        if unknown or "value" not in text:
            raise InputError(f"{shown}: expected an object with \"value\" and \"u\" (and perhaps \"dof\", "
                             f"\"distribution\"), e.g. {{\"value\": 4.999, \"u\": 0.0032}}")
        quantity = _quantity(name, str(text["value"]), str(text.get("u", "0")), numbers, shown)
        # null: infinitely many, as the JSON of `cgrad uncertainty` writes them
        dof = dof_value(name, str(text["dof"])) if text.get("dof") is not None else math.inf
        distribution = distribution_value(name, str(text.get("distribution", "normal")))
        return Measured(name, quantity.text, quantity.value, quantity.u, dof, distribution)
    if not isinstance(text, str):
        return None
    parts = _PLUS_MINUS.split(text)
    if len(parts) == 2:
        return _quantity(name, parts[0].strip(), parts[1].strip(), numbers, f"{shown}={shorten(text)}")
    if len(parts) > 2:
        raise InputError(f"{shown}={shorten(text)}: expected one VALUE±U")
    # spaces are digit groups (CODATA's 6.674 30(15)e-11) or a space before the parenthesis
    concise = _CONCISE.fullmatch("".join(text.split()))
    if concise is None:
        if "(" in text:  # no number has one: a concise value mistyped, not an exact constant
            raise InputError(f"{shown}={shorten(text)}: expected VALUE±U or the concise VALUE(U), e.g. 4.9990(32)")
        return None
    value, digits, exponent = concise.groups()
    if "." in digits:  # 127.732(0.070): the uncertainty in the value's unit
        u_text = digits + exponent
    else:  # 4.9990(32): the uncertainty of the last digits
        decimals = len(value.partition(".")[2])
        u_text = f"{digits}e{int(exponent[1:] or 0) - decimals}"
    return _quantity(name, value + exponent, u_text, numbers, f"{shown}={shorten(text)}")


def _quantity(name: str, value_text: str, u_text: str, numbers, shown: str) -> Measured:
    from .bindings import converted

    value = converted(value_text, numbers, f"{shown} (the estimate)", tensors=False)
    u = converted(u_text, numbers, f"{shown} (the standard uncertainty)", tensors=False)
    if u < 0:
        raise InputError(f"{shown}: the standard uncertainty {shorten(u_text)} is negative")
    return Measured(name, value_text, float(value), float(u))


def dof_value(name: str, text: str) -> float:
    try:
        dof = float(text)
    except ValueError:
        dof = math.nan
    if not dof > 0:
        raise InputError(f"--dof {shorten(name)}={shorten(text)}: degrees of freedom are a positive number (or inf)")
    return dof


def distribution_value(name: str, text: str) -> str:
    if text not in DISTRIBUTIONS:
        raise InputError(f"--distribution {shorten(name)}={shorten(text)}: expected one of {', '.join(DISTRIBUTIONS)}")
    return text


def correlation_pair(text: str) -> tuple[str, str, float]:
    """`V,I=-0.36` → ("V", "I", -0.36), with r in [-1, 1]."""
    names, equals, value = text.partition("=")
    pair = [language_form(part.strip()) for part in names.split(",")]
    try:
        r = float(value)
    except ValueError:
        r = math.nan
    if not equals or len(pair) != 2 or not all(pair) or math.isnan(r):
        raise InputError(f"--correlation {shorten(text)}: expected A,B=r, e.g. --correlation V,I=-0.36")
    if pair[0] == pair[1]:
        raise InputError(f"--correlation {shorten(text)}: an input's correlation with itself is 1")
    if not -1 <= r <= 1:
        raise InputError(f"--correlation {shorten(text)}: a correlation coefficient is between -1 and 1")
    return pair[0], pair[1], r


def correlate(inputs: Inputs, pairs: list[tuple[str, str, float]]) -> None:
    """Add the correlations to `inputs`: each pair of uncertain inputs once, the whole matrix positive semi-definite."""
    known = set(inputs.names)
    for a, b, r in pairs:
        shown = f"--correlation {shorten(a)},{shorten(b)}={r:g}"
        strangers = [name for name in (a, b) if name not in known]
        if strangers:
            constants = {name for name, _ in inputs.constants}
            why = ("it has no uncertainty in --at (give it as VALUE±U)" if strangers[0] in constants
                   else f"no input of that name (the uncertain inputs: {', '.join(inputs.names) or 'none'})")
            raise InputError(f"{shown}: {shorten(strangers[0])}: {why}")
        key = (a, b) if (b, a) not in inputs.correlations else (b, a)
        if key in inputs.correlations:
            raise InputError(f"{shown}: the correlation of {shorten(a)} and {shorten(b)} is given twice")
        inputs.correlations[key] = r
    if inputs.correlations:
        import numpy as np

        # the inputs in no pair are an identity block: only the correlated ones can make the matrix impossible
        involved = [inputs.names.index(name) for name in dict.fromkeys(name for pair in inputs.correlations
                                                                         for name in pair)]
        smallest = float(np.linalg.eigvalsh(np.array(inputs.matrix())[np.ix_(involved, involved)]).min())
        if smallest < -1e-12:
            raise InputError(f"--correlation: these correlations are impossible together: the correlation matrix is not "
                             f"positive semi-definite (its smallest eigenvalue is {smallest:.3g})")
