"""Whether two results of one number system stand for the same number, as far as it can tell."""
from __future__ import annotations


def agree(numbers, a, b) -> bool:
    """The same printed text; in float mode within 1e-12 relative (the two ways of computing may
    round differently in the last bits); for enclosures (intervals, certified digits) a shared
    point, since both can then be right. Tensors element by element."""
    if numbers.format(a) == numbers.format(b):
        return True
    return numbers.name == "float" and _close(a, b) or _overlap(a, b)


def _overlap(a, b) -> bool:
    pairs = zip(getattr(a, "flat", [a]), getattr(b, "flat", [b]))
    try:
        return all(x.bounds()[0] <= y.bounds()[1] and y.bounds()[0] <= x.bounds()[1] for x, y in pairs)
    except AttributeError:
        return False


def _close(a, b) -> bool:
    import numpy as np

    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-12, atol=1e-300))
