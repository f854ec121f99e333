"""GUM Supplement 1 (JCGM 101:2008): draws of the inputs (normal, correlated by a Cholesky factor; rectangular,
triangular; scaled t with --dof), the output's mean, standard deviation and 95 % coverage interval, and the
validation of the linear result (§8). The model itself is evaluated by the caller (the compiled kernel)."""
from __future__ import annotations

import math
from typing import Any

from ..errors import InputError
from ..language.measurements import Inputs
from .uncertainty import MonteCarlo


def draws(inputs: Inputs, count: int, seed: int) -> dict[str, Any]:
    """`count` draws of each uncertain input (name → array), reproducible from `seed`."""
    import numpy as np

    generator = np.random.default_rng(seed)
    measured = inputs.measured
    correlated = {name for pair in inputs.correlations for name in pair}
    for quantity in measured:
        if quantity.distribution != "normal" and math.isfinite(quantity.dof):
            raise InputError(f"--distribution {quantity.name}={quantity.distribution} and --dof {quantity.name}: "
                             "an input with degrees of freedom is drawn from the t-distribution (GUM S1 6.4.9); "
                             "give one of them")
        if quantity.name in correlated and (quantity.distribution != "normal" or math.isfinite(quantity.dof)):
            what = (f"--distribution {quantity.name}={quantity.distribution}" if quantity.distribution != "normal"
                    else f"--dof {quantity.name}")
            raise InputError(f"{what}: {quantity.name} is correlated, and GUM S1 draws correlated inputs from a "
                             "multivariate normal distribution only")
    normal = [q for q in measured if q.distribution == "normal" and not math.isfinite(q.dof)]
    columns: dict[str, Any] = {}
    if normal:
        standard = generator.standard_normal((len(normal), count))
        if inputs.correlations:  # only the correlated rows mix: the others are independent already
            rows = [k for k, quantity in enumerate(normal) if quantity.name in correlated]
            standard[rows] = _factor(inputs, [normal[k] for k in rows]) @ standard[rows]
        for quantity, row in zip(normal, standard):
            columns[quantity.name] = quantity.value + quantity.u * row
    for quantity in measured:
        if quantity.name in columns:
            continue
        if math.isfinite(quantity.dof):  # S1 6.4.9: the scaled and shifted t-distribution t_ν(x, u²)
            columns[quantity.name] = quantity.value + quantity.u * generator.standard_t(quantity.dof, count)
        elif quantity.distribution == "rect":  # half-width a = √3·u
            half = math.sqrt(3) * quantity.u
            columns[quantity.name] = generator.uniform(quantity.value - half, quantity.value + half, count)
        else:  # symmetric triangular, half-width a = √6·u
            half = math.sqrt(6) * quantity.u
            columns[quantity.name] = generator.triangular(quantity.value - half, quantity.value,
                                                          quantity.value + half, count)
    return {quantity.name: columns[quantity.name] for quantity in measured}


def _factor(inputs: Inputs, normal) -> Any:
    """L with L·Lᵀ = the correlation matrix of the normal inputs: Cholesky's, or for a singular matrix (r = ±1)
    the symmetric square root from its eigenvectors."""
    import numpy as np

    order = [inputs.names.index(quantity.name) for quantity in normal]
    matrix = np.array(inputs.matrix())[np.ix_(order, order)]
    try:
        return np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        eigenvalues, vectors = np.linalg.eigh(matrix)
        return vectors * np.sqrt(np.clip(eigenvalues, 0, None))


def summary(values: Any, coverage: float, kind: str, seed: int, y: float, u: float, U: float) -> MonteCarlo:
    """Mean, standard deviation and the `kind` (shortest or symmetric) coverage interval of the output's
    draws (S1 7.6, 7.7), and whether they validate the linear y ± U (S1 8.1, u to 2 significant digits)."""
    import numpy as np

    count = len(values)
    mean = float(np.mean(values))
    deviation = float(np.std(values, ddof=1)) if count > 1 else 0.0
    ordered = np.sort(values)
    q = int(coverage * count + 0.5)  # S1 7.7.2: pM, or the integer part of pM + 1/2
    q = min(max(q, 1), count - 1)
    if kind == "shortest":
        widths = ordered[q:] - ordered[:count - q]
        low = int(np.argmin(widths))
    else:  # probabilistically symmetric: r = (M − q)/2, or (M − q + 1)/2 when that is no integer
        low = max((count - q) // 2 + (count - q) % 2 - 1, 0)
    interval = (float(ordered[low]), float(ordered[low + q]))
    tolerance = _tolerance(u)
    differences = (abs(y - U - interval[0]), abs(y + U - interval[1]))
    validated = bool(max(differences) <= tolerance)
    return MonteCarlo(mean, deviation, interval, validated, count, seed, kind, coverage, U, tolerance, differences)


def _tolerance(u: float) -> float:
    """S1 8.1: u written with 2 significant digits as c × 10^l; the numerical tolerance δ = ½·10^l."""
    if not u > 0 or not math.isfinite(u):
        return 0.0
    exponent = int(f"{u:.1e}".split("e")[1])  # after rounding: 0.0996 is 1.0e-01
    return 0.5 * 10.0 ** (exponent - 1)
