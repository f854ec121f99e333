"""`cgrad uncertainty`: the GUM uncertainty budget of a measurement equation, and where it comes from."""
from __future__ import annotations

import click

from ..options import ExpressionCommand, bindings_option, expression_input, format_option, output_option, read_program
from .shared import emit, out_option


def _listed(texts: tuple[str, ...]) -> list[str]:
    """`("A=4,B=9", "C=2")` → ["A=4", "B=9", "C=2"]."""
    return [part.strip() for text in texts for part in text.split(",") if part.strip()]


@click.command("uncertainty", cls=ExpressionCommand)
@expression_input
@bindings_option("--at", "The inputs: V=4.999±0.0032 (or +-, or the concise 4.9990(32)); a value without an "
                 "uncertainty is an exact constant; @FILE.json gives {\"V\": {\"value\": 4.999, \"u\": 0.0032}} "
                 "(repeatable).", objects=True, metavar="NAME=VALUE±U[,...]")
@click.option("--correlation", multiple=True, metavar="A,B=r", help="The correlation coefficient of two inputs "
              "(repeatable).")
@click.option("--dof", multiple=True, metavar="NAME=ν[,...]", help="Degrees of freedom of an input's uncertainty "
              "(others: infinite); adds ν_eff by Welch–Satterthwaite and takes k from the t-distribution.")
@output_option("The outputs (assigned names, or all of them) to propagate to [default: the last statement]; with "
               "several, the correlation between them.", dest="outputs", metavar="NAME[,NAME...]|all")
@click.option("--k", "k", type=click.FloatRange(min=0, min_open=True), metavar="K",
              help="Coverage factor: adds the expanded uncertainty U = k·u_c (with --dof: the t-distribution's k "
                   "for the coverage probability K has for a normal distribution, 2 → 95.45 %).")
@click.option("--coverage", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True), metavar="P",
              help="Coverage probability of U (0.95: k = 1.96, or t_p(ν_eff) with --dof) and of the Monte Carlo "
                   "interval [default with --monte-carlo: 0.95].")
@click.option("--second-order", "second", is_flag=True,
              help="Also u_c with GUM 5.1.2's higher-order terms (Hessian and third derivatives; independent inputs).")
@click.option("--monte-carlo", "monte_carlo", type=click.IntRange(min=2), metavar="N",
              help="Also N Monte Carlo draws (GUM Supplement 1) through the compiled NumPy kernel, and whether they "
                   "validate the linear result (S1 §8).")
@click.option("--seed", type=click.IntRange(min=0), metavar="S", help="Seed of the Monte Carlo draws (the same seed, "
              "the same numbers) [default: a fresh one, printed].")
@click.option("--distribution", multiple=True, metavar="NAME=rect|tri[,...]",
              help="With --monte-carlo: draw this input from a rectangular or triangular distribution of standard "
                   "deviation u [default: normal].")
@click.option("--interval", type=click.Choice(["shortest", "symmetric"]), default="shortest", show_default=True,
              help="The Monte Carlo coverage interval: the shortest, or the probabilistically symmetric one.")
@format_option("uncertainty")
@out_option
def uncertainty_command(expression, program_file, at, correlation, dof, outputs, k, coverage, second, monte_carlo,
                        seed, distribution, interval, output_format, out_file):
    """The uncertainty budget of EXPR (GUM, JCGM 100:2008): each input's sensitivity coefficient
    cᵢ = ∂f/∂xᵢ from the backward pass, its contribution cᵢ·u(xᵢ) and share of u_c², correlated pairs
    as their own rows, the combined standard uncertainty and the result in concise notation.

    \b
    Examples:
      cgrad uncertainty "V/I" --at V=4.999±0.0032,I=19.661e-3±9.5e-6
      cgrad uncertainty "R = V*cos(phi)/I; X = V*sin(phi)/I; Z = V/I" --output R,X,Z \\
          --at V=4.999±3.2e-3,I=19.661e-3±9.5e-6,phi=1.04446±7.5e-4 \\
          --correlation V,I=-0.36 --correlation V,phi=0.86 --correlation I,phi=-0.65
      cgrad uncertainty "x*y" --at x=0±1,y=0±1 --second-order --monte-carlo 100000 --seed 1
      cgrad uncertainty "m*g*h" --at "m=2.500(12),g=9.81,h=1.20±0.01" --dof m=9 --k 2
    """
    from ...api.uncertainty import budget_of

    program = read_program(expression, program_file)
    budget = budget_of(program, at, list(correlation), _listed(dof),
                       _listed(distribution), outputs, k, coverage, second, monte_carlo, seed, interval,
                       record=output_format in ("markdown", "latex"))
    from ...render.formats import RenderOptions, render
    from .. import output

    terminal = output_format == "table" and out_file in (None, "-") and output.is_terminal()
    emit(render(output_format, budget, RenderOptions(terminal=terminal), kind="budget"), out_file)
