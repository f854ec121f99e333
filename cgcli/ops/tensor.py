"""The op table's tensor rows: matmul, sum, mean, transpose, repeat, index, softmax, logsumexp,
mse and cross_entropy, each with its forward rule and one vector-Jacobian product per operand.

Seed 003's rules are here as written there: a Sum node passes the upstream derivative to every
input, a Repeat node sums it back (∂L/∂b of X·W + b sums over the batch), and MatMul gives
∂L/∂X = ∂L/∂Y · Wᵀ and ∂L/∂W = Xᵀ · ∂L/∂Y."""
from __future__ import annotations

from ..errors import DomainError
from .declaration import Op, replace, tensor


class _LazyNumpy:
    """NumPy, imported on first use: scalar formulas never touch it, and the CLI starts faster."""

    def __getattr__(self, name):
        import numpy

        globals()["np"] = numpy
        return getattr(numpy, name)


np = _LazyNumpy()
_ops: list[Op] = []


def _shape(x) -> tuple[int, ...]:
    return np.shape(x)


def _plain(x):
    """A 0-d result back to the number system's scalar (NumPy's float64 to float, an object to itself)."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x[()]
    return float(x) if isinstance(x, np.floating) else x


def _like(x, value):
    """An array of x's shape filled with value, keeping exact and interval elements as they are
    (for a scalar x, the value itself: a 0-d array is no number of any system)."""
    if not _shape(x):
        return value
    dtype = x.dtype if isinstance(x, np.ndarray) else object if not isinstance(value, float) else float
    array = np.empty(_shape(x), dtype=dtype)
    array[...] = value
    return array


def _integer(ns, value, what: str, context: str = "") -> int:
    """An index or an axis: one integer, or a DomainError saying what the value is instead."""
    if _shape(value):
        raise DomainError(f"the {what} is a tensor of shape {_shape(value)}; it must be one integer{context}")
    value = _plain(value)
    integer = ns.index(value)
    if integer is None:
        raise DomainError(f"{what} {ns.format(value)} is not an integer{context}")
    return integer


def _axes(shape: tuple[int, ...]) -> str:
    """Which axes a tensor of this shape has, for messages."""
    if not shape:
        return "a scalar (shape ()) has no axes"
    if len(shape) == 1:
        return f"a tensor of shape {shape} has one axis, 0 (or -1)"
    return f"a tensor of shape {shape} has axes 0 to {len(shape) - 1} (or -{len(shape)} to -1)"


def _axis(ns, x, axis_value) -> int:
    shape = _shape(x)
    axis = _integer(ns, axis_value, "axis", f"; {_axes(shape)}")
    if not -len(shape) <= axis < len(shape):
        raise DomainError(f"axis {axis} does not exist: {_axes(shape)}")
    return axis % len(shape)


def _size(x, axis=None) -> int:
    shape = _shape(x)
    return int(np.prod(shape)) if axis is None else shape[axis]


# matmul: X @ W
def _matmul(ns, a, b):
    sa, sb = _shape(a), _shape(b)
    if not sa or not sb:
        raise DomainError(f"@ multiplies vectors and matrices; the shapes are {sa} and {sb} (use * for scalars)")
    if len(sa) > 2 or len(sb) > 2:
        raise DomainError(f"@ multiplies vectors and matrices (at most 2 dimensions); the shapes are {sa} and {sb}")
    if sa[-1] != sb[0]:
        raise DomainError(f"matmul: shapes {sa} and {sb}; inner dimensions {sa[-1]} and {sb[0]} differ")
    return _plain(a @ b)


def _matmul_left(ns, g, ans, a, b):
    if b.ndim == 1:
        return np.multiply.outer(g, b) if a.ndim == 2 else g * b
    return g @ b.T if a.ndim == 2 else b @ g


def _matmul_right(ns, g, ans, a, b):
    if a.ndim == 1:
        return np.multiply.outer(a, g) if b.ndim == 2 else g * a
    return a.T @ g


_ops.append(tensor("matmul", None, _matmul, (_matmul_left, _matmul_right), "{0} @ {1}",
                   ("{g} @ {1}ᵀ", "{0}ᵀ @ {g}")))


# sum and mean, of everything or along an axis
def _spread(g, x, axis=None):
    """g copied to every element of x (along `axis`): how a sum passes its derivative back."""
    if not _shape(x):
        return g
    if axis is not None:
        g = np.expand_dims(g, axis)
    return np.array(np.broadcast_to(g, _shape(x)), dtype=x.dtype)


_ops.append(replace(tensor("sum", "sum", lambda ns, x: _plain(np.sum(x)), (lambda ns, g, ans, x: _spread(g, x),),
                           "sum({0})", ("{g} copied to every element",)), index_range=True))
_ops.append(tensor("sum_axis", "sum", lambda ns, x, axis: _plain(np.sum(x, axis=_axis(ns, x, axis))),
                   (lambda ns, g, ans, x, axis: _spread(g, x, _axis(ns, x, axis)), None),
                   "sum({0}, axis {1})", ("{g} copied along axis {1}", "")))
_ops.append(tensor("mean", "mean", lambda ns, x: _plain(np.sum(x) / _size(x)),
                   (lambda ns, g, ans, x: _spread(g / _size(x), x),), "mean({0})", ("{g} / n copied to every element",)))
_ops.append(tensor("mean_axis", "mean",
                   lambda ns, x, axis: _plain(np.sum(x, axis=_axis(ns, x, axis)) / _size(x, _axis(ns, x, axis))),
                   (lambda ns, g, ans, x, axis: _spread(g / _size(x, _axis(ns, x, axis)), x, _axis(ns, x, axis)), None),
                   "mean({0}, axis {1})", ("{g} / n copied along axis {1}", "")))


# transpose and repeat (broadcasting made explicit)
_ops.append(tensor("transpose", "transpose", lambda ns, x: x.T if isinstance(x, np.ndarray) else x,
                   (lambda ns, g, ans, x: g.T if isinstance(g, np.ndarray) else g,), "{0}ᵀ", ("{g}ᵀ",)))


def _repeat(ns, x, like):
    """x broadcast to like's shape: a read-only view, not a copy (descend repeats its scalar
    parameters to 10⁵ data rows at every step)."""
    target = np.broadcast_shapes(_shape(x), _shape(like))
    return np.broadcast_to(np.asarray(x, dtype=_dtype(x)), target)


def _dtype(x):
    return x.dtype if isinstance(x, np.ndarray) else float if isinstance(x, float) else object


def _unrepeat(ns, g, ans, x, like):
    """Sum g over the axes a repeat created, back to x's shape (seed 003: N copies give N·∂L/∂X)."""
    shape = _shape(x)
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    repeated = tuple(axis for axis, size in enumerate(shape) if size == 1 and g.shape[axis] != 1)
    if repeated:
        g = g.sum(axis=repeated, keepdims=True)
    return _plain(g) if not shape else g


_ops.append(tensor("repeat", None, _repeat, (_unrepeat, None), "{0} repeated to broadcast with {1}",
                   ("sum of {g} over the repeated axes", "")))


# indexing: X[i], X[i, j]
def _position(ns, x, indices, what: str = "index"):
    shape = _shape(x)
    if len(indices) > len(shape):
        count = "1 index" if len(indices) == 1 else f"{len(indices)} indices"
        if not shape:
            raise DomainError(f"{count} for a scalar: only vectors, matrices and larger tensors can be indexed")
        axes = "1 axis" if len(shape) == 1 else f"{len(shape)} axes"
        raise DomainError(f"{count} for a tensor of shape {shape}, which has {axes}")
    position = []
    for axis, value in enumerate(indices):
        index = _integer(ns, value, what)
        if not -shape[axis] <= index < shape[axis]:
            where = f"{shape[axis]} classes" if what == "class index" else f"axis {axis} of length {shape[axis]}"
            raise DomainError(f"{what} {index} is out of range for {where}")
        position.append(index)
    return tuple(position)


def _scatter(ns, g, x, position):
    zeros = _like(x, ns.zero)
    zeros[position] = g
    return zeros


_ops.append(tensor("index", None, lambda ns, x, i: _plain(x[_position(ns, x, (i,))]),
                   (lambda ns, g, ans, x, i: _scatter(ns, g, x, _position(ns, x, (i,))), None),
                   "{0}[{1}]", ("{g} placed at [{1}], zeros elsewhere", "")))
_ops.append(tensor("index2", None, lambda ns, x, i, j: _plain(x[_position(ns, x, (i, j))]),
                   (lambda ns, g, ans, x, i, j: _scatter(ns, g, x, _position(ns, x, (i, j))), None, None),
                   "{0}[{1}, {2}]", ("{g} placed at [{1}, {2}], zeros elsewhere", "", "")))


# softmax and logsumexp along the last axis
def _largest(x):
    """The largest entry along the last axis, for floats (subtracted before exp so it cannot overflow);
    0 for exact and interval values, which do not overflow."""
    if isinstance(x, np.ndarray) and x.dtype != object:
        return x.max(axis=-1, keepdims=True)
    return 0


def _shifted(x):
    return x - _largest(x)


def _softmax(ns, x):
    if not _shape(x):
        return ns.one  # one entry takes all the weight
    x = np.asarray(x, dtype=_dtype(x))
    e = ns.exp(_shifted(x))
    return e / e.sum(axis=-1, keepdims=True)


def _logsumexp(ns, x):
    if not _shape(x):
        return x
    x = np.asarray(x, dtype=_dtype(x))
    largest = _largest(x)
    total = ns.log(ns.exp(x - largest).sum(axis=-1))
    return _plain(total + largest[..., 0] if isinstance(largest, np.ndarray) else total)


_ops.append(tensor("softmax", "softmax", _softmax,
                   (lambda ns, g, ans, x: ans * (g - (g * ans).sum(axis=-1, keepdims=True)) if _shape(x) else ns.zero,),
                   "softmax({0})", ("{ans} ⊙ ({g} - Σ {g} ⊙ {ans})",)))
_ops.append(tensor("logsumexp", "logsumexp", _logsumexp,
                   (lambda ns, g, ans, x: np.expand_dims(g, -1) * _softmax(ns, x) if isinstance(g, np.ndarray)
                    else g * _softmax(ns, x),),
                   "logsumexp({0})", ("{g} · softmax({0})",)))


# losses: mse(ŷ, y) and cross_entropy(logits, labels)
def _mse_difference(ns, yhat, y):
    if _shape(yhat) != _shape(y):
        raise DomainError(f"mse needs equal shapes, got {_shape(yhat)} and {_shape(y)}")
    return yhat - y


_ops.append(tensor("mse", "mse", lambda ns, yhat, y: _plain(np.sum((d := _mse_difference(ns, yhat, y)) * d) / _size(d)),
                   (lambda ns, g, ans, yhat, y: 2 * (yhat - y) / _size(yhat) * g,
                    lambda ns, g, ans, yhat, y: -2 * (yhat - y) / _size(yhat) * g),
                   "mse({0}, {1})", ("2({0} - {1})/n · {g}", "-2({0} - {1})/n · {g}")))


def _targets(ns, logits, labels):
    """Labels as class probabilities of the logits' shape: one-hot rows from class indices."""
    shape, label_shape = _shape(logits), _shape(labels)
    if not shape:
        raise DomainError("cross_entropy needs logits that are a vector (one example) or a matrix "
                          "(one row per example), not a scalar")
    if label_shape == shape:
        return np.asarray(labels, dtype=_dtype(logits))
    if label_shape != shape[:-1]:
        raise DomainError(f"cross_entropy: labels of shape {label_shape} fit neither the logits' shape {shape} "
                          f"(probabilities) nor {shape[:-1]} (class indices)")
    onehot = _like(np.asarray(logits), ns.zero)
    for position in np.ndindex(*label_shape):
        label = labels[position] if label_shape else labels
        onehot[position + _position(ns, np.asarray(logits)[position], (label,), "class index")] = ns.one
    return onehot


def _log_softmax(ns, logits):
    x = np.asarray(logits, dtype=_dtype(logits))
    shifted = _shifted(x)
    return shifted - np.expand_dims(ns.log(ns.exp(shifted).sum(axis=-1)), -1)


def _batch(logits) -> int:
    return max(1, _size(logits) // _shape(logits)[-1]) if _shape(logits) else 1


_ops.append(tensor("cross_entropy", "cross_entropy",
                   lambda ns, logits, labels: _plain(-(_targets(ns, logits, labels) * _log_softmax(ns, logits)).sum()
                                                     / _batch(logits)),
                   (lambda ns, g, ans, logits, labels: (_softmax(ns, logits) - _targets(ns, logits, labels))
                    / _batch(logits) * g,
                    lambda ns, g, ans, logits, labels: (-_log_softmax(ns, logits) / _batch(logits) * g
                                                        if _shape(labels) == _shape(logits) else _like(labels, ns.zero))),
                   "cross_entropy({0}, {1})", ("(softmax({0}) - {1})/n · {g}", "-log softmax({0})/n · {g}")))

TENSOR: tuple[Op, ...] = tuple(_ops)
