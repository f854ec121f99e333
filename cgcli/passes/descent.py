"""The seeds' training loop: evaluate the loss, differentiate it, update the parameters
(W = W − lr·∂L/∂W, or momentum, or Adam), until a stop criterion holds."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..errors import DomainError, InputError, MathError
from ..text import listing
from .broadcasting import with_tensors
from ..graph.nodes import Graph
from ..numbers import Number
from ..ops import OPS
from .forward_backward import differentiate

DIVERGENCE_FACTOR = 10 ** 8  # a loss this many times its start (or 1, if larger) has diverged


@dataclass
class Step:
    step: int
    loss: Number
    params: dict[str, Number]
    gradient: dict[str, Number]


class LossSamples:
    """The losses a loss curve needs, in memory that does not grow with the number of steps: every
    `stride`-th loss, at most `capacity` of them (the stride doubles, and every other sample goes,
    when they fill up), and the latest loss."""

    def __init__(self, capacity: int = 1024) -> None:
        self.capacity, self.stride = capacity, 1
        self.kept: list[tuple[int, Number]] = []
        self.latest: tuple[int, Number] | None = None

    def add(self, step: int, loss: Number) -> None:
        self.latest = (step, loss)
        if step % self.stride:
            return
        if len(self.kept) == self.capacity:
            self.kept, self.stride = self.kept[::2], 2 * self.stride
            if step % self.stride:
                return
        self.kept.append((step, loss))

    def losses(self) -> list[Number]:
        """The kept losses in step order, ending with the latest."""
        tail = [self.latest] if self.latest is not None and (not self.kept or self.kept[-1][0] != self.latest[0]) else []
        return [loss for _, loss in self.kept + tail]


@dataclass
class Descent:
    params: dict[str, Number]  # at the end
    loss: Number  # at the final parameters, over all the data
    gradient: dict[str, Number]  # of that loss
    updates: int
    stopped: str  # why the loop ended
    start: dict[str, Number] = field(default_factory=dict)  # the parameters at step 0
    curve: LossSamples = field(default_factory=LossSamples)
    numbers: object = None


@dataclass
class Settings:
    lr: Number
    steps: int
    tol: Number | None  # on the change of the loss between steps
    grad_tol: Number | None  # on the gradient's Euclidean norm
    optimizer: str  # a key of OPTIMIZERS
    hyper: dict[str, Number]  # momentum: mu; adam: beta1, beta2, eps
    reduce: str = "mean"  # how per-row losses combine: mean or sum
    batch_size: int | None = None  # rows per update; None: all of them


class GradientDescent:
    """The seeds' rule: W = W − lr·∂L/∂W."""

    def __init__(self, settings: Settings, numbers) -> None:
        self.lr = settings.lr

    def update(self, params: dict, gradient: dict, step: int) -> dict:
        return {name: value - self.lr * gradient[name] for name, value in params.items()}


class Momentum(GradientDescent):
    """v = μ·v + g; W = W − lr·v (torch.optim.SGD with momentum, no dampening)."""

    def __init__(self, settings: Settings, numbers) -> None:
        super().__init__(settings, numbers)
        self.mu, self.velocity = settings.hyper["momentum"], {}

    def update(self, params: dict, gradient: dict, step: int) -> dict:
        for name, g in gradient.items():
            self.velocity[name] = g if name not in self.velocity else self.mu * self.velocity[name] + g
        return {name: value - self.lr * self.velocity[name] for name, value in params.items()}


class Adam(GradientDescent):
    """Kingma and Ba's Adam with bias correction, as torch.optim.Adam computes it."""

    def __init__(self, settings: Settings, numbers) -> None:
        super().__init__(settings, numbers)
        self.numbers = numbers
        self.beta1, self.beta2, self.eps = (settings.hyper[key] for key in ("beta1", "beta2", "eps"))
        self.first, self.second = {}, {}

    def update(self, params: dict, gradient: dict, step: int) -> dict:
        one, new = self.numbers.one, {}
        for name, value in params.items():
            g = gradient[name]
            self.first[name] = (one - self.beta1) * g + (self.beta1 * self.first[name] if name in self.first else 0)
            self.second[name] = ((one - self.beta2) * g * g
                                 + (self.beta2 * self.second[name] if name in self.second else 0))
            corrected_first = self.first[name] / (one - self.beta1 ** step)
            corrected_second = self.second[name] / (one - self.beta2 ** step)
            try:
                root = self.numbers.sqrt(corrected_second)
            except DomainError as failure:
                raise MathError(f"adam needs square roots: {failure}") from None
            new[name] = value - self.lr * corrected_first / (root + self.eps)
        return new


OPTIMIZERS = {"gd": GradientDescent, "momentum": Momentum, "adam": Adam}


def descend(graph: Graph, start: dict[str, Number], fixed: dict[str, Number], data: dict[str, Number],
            rows: int, numbers, settings: Settings,
            on_step: Callable[[Step, object], None] | None = None) -> Descent:
    """Minimise the graph's output over the `start` parameters; `data` columns (1-D tensors of
    `rows` values) bind the remaining variables per row, `fixed` the constant ones. Each step goes
    to `on_step` with the number system it was computed in; only the latest one is kept here."""
    names = list(start)
    batches = _batches(data, rows, settings.batch_size)
    cache: dict[object, tuple] = {}
    # All rows in one evaluation, the columns as vectors, works when every op is elementwise and
    # every parameter a scalar; otherwise (sum(v*x), a layer's X @ W) the rows go one by one.
    vectorised = (all(not hasattr(value, "shape") for value in (*start.values(), *fixed.values()))
                  and all(OPS[graph.nodes[i].op].partials for i in graph.order if graph.nodes[i].op in OPS))

    def evaluated(bindings: dict, key, step: int):
        if key not in cache:
            cache[key] = with_tensors(graph, bindings, numbers)
        tensor_numbers, shaped_graph = cache[key]
        try:
            trace = differentiate(shaped_graph, bindings, tensor_numbers, names, record=False)
        except MathError as failure:
            raise MathError(f"diverged at step {step}: {failure.message}") if step else failure from None
        return tensor_numbers, _total(trace.value), trace.gradient

    def loss_and_gradient(params: dict, batch: dict, step: int):
        size = len(next(iter(batch.values()))) if batch else 0
        if vectorised or not batch:
            tensor_numbers, loss, gradient = evaluated({**fixed, **batch, **params}, size, step)
        else:
            loss, gradient = None, {}
            for row in range(size):
                cells = {name: _element(column, row) for name, column in batch.items()}
                tensor_numbers, row_loss, row_gradient = evaluated({**fixed, **cells, **params}, "row", step)
                loss = row_loss if loss is None else loss + row_loss
                gradient = {name: g + gradient[name] if name in gradient else g for name, g in row_gradient.items()}
        if settings.reduce == "mean" and size:
            loss = loss / size
            gradient = {name: g / size for name, g in gradient.items()}
        return tensor_numbers, loss, gradient

    params, curve, last = dict(start), LossSamples(), None
    optimizer, first_loss, previous, stopped = None, None, None, "--steps reached"
    updates = 0
    for step in range(settings.steps + 1):
        batch = batches[step % len(batches)]
        tensor_numbers, loss, gradient = loss_and_gradient(params, batch, step)
        first_loss = loss if first_loss is None else first_loss
        _check_divergence(loss, first_loss, step, tensor_numbers)
        last = Step(step, loss, params, gradient)
        curve.add(step, loss)
        if on_step:
            on_step(last, tensor_numbers)
        if settings.grad_tol is not None and _squared_norm(gradient) < settings.grad_tol * settings.grad_tol:
            stopped = "the gradient's norm is below --grad-tol"
            break
        if settings.tol is not None and previous is not None and abs(loss - previous) < settings.tol:
            stopped = "the loss changed by less than --tol"
            break
        if step == settings.steps:
            break
        optimizer = optimizer or OPTIMIZERS[settings.optimizer](settings, tensor_numbers)
        params = optimizer.update(params, gradient, step + 1)
        previous, updates = loss, updates + 1
    if len(batches) == 1:
        final, final_gradient = last.loss, last.gradient
    else:
        _, final, final_gradient = loss_and_gradient(params, _batches(data, rows, None)[0], updates)
    return Descent(params, final, final_gradient, updates, stopped, dict(start), curve, tensor_numbers)


def _element(column, row: int):
    value = column[row]
    return float(value) if column.dtype != object else value


def _batches(data: dict, rows: int, size: int | None) -> list[dict]:
    if not data or not size or size >= rows:
        return [data]
    return [{name: column[start:start + size] for name, column in data.items()} for start in range(0, rows, size)]


def _total(value):
    """A loss per data row adds up to one number; a scalar loss is itself."""
    if hasattr(value, "shape") and value.shape:
        total = value.sum()
        return float(total) if value.dtype != object else total
    return value


def _squared_norm(gradient: dict):
    total = 0
    for g in gradient.values():
        square = g * g
        total = total + (square.sum() if hasattr(square, "shape") and square.shape else square)
    return total


def _check_divergence(loss, first_loss, step: int, numbers) -> None:
    if not numbers.is_finite(loss):
        raise MathError(f"diverged at step {step}: the loss is {numbers.format(loss)}; try a smaller --lr")
    if step and loss > DIVERGENCE_FACTOR * max(abs(first_loss), numbers.one):
        raise MathError(f"diverged at step {step}: the loss grew from {numbers.format(first_loss)} to "
                        f"{numbers.format(loss)}; try a smaller --lr")


def check_names(program, params: list[str], fixed: list[str], columns: list[str], data_name: str | None) -> list[str]:
    """The data columns the loss needs; an error for the variables nothing binds (a --params name the
    expression lacks is refused by bindings.bind, as every bindings option's)."""
    needed = [name for name in program.variables if name not in params and name not in fixed]
    missing = [name for name in needed if name not in columns]
    if missing:
        where = f"a column of {data_name}" if data_name else "--data FILE with such a column"
        raise InputError(f"no value for {listing(missing)}: give {'it' if len(missing) == 1 else 'them'} "
                         f"with --params, --at or {where}")
    return needed
