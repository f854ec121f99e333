"""LaTeX in: what parsing LaTeX costs next to cgrad's own syntax, next to sympy's LaTeX parser, and
what the replayed tables save over a plain Lark LALR parser; and that a plain `cgrad eval` does not
load the LaTeX grammar.

    .venv/bin/python bench/latex.py [--terms N]

One run; the figures are medians of a few repetitions within it. Per node: parse time divided by the
number of nodes of the graph the parse builds (the same for both syntaxes, checked).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from cgcli.language import lalr, lalr_build, latex, syntax  # noqa: E402


def inputs(terms: int) -> tuple[str, str]:
    """The same sum of products, powers, quotients and functions, in cgrad's syntax and in LaTeX."""
    cgrad = " + ".join(f"w_{i}*x_{i}^2 - sin(x_{i})/(1 + y_{i})" for i in range(terms))
    tex = " + ".join(rf"w_{{{i}}} x_{{{i}}}^{{2}} - \frac{{\sin{{\left(x_{{{i}}} \right)}}}}{{1 + y_{{{i}}}}}"
                     for i in range(terms))
    return cgrad, f"$${tex}$$"


def best_of(function, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class _Token(tuple):
    """cgcli's (kind, start, end) token with the attributes Lark's parser reads."""

    type = property(lambda token: token[0])
    start_pos = property(lambda token: token[1])
    end_pos = property(lambda token: token[2])
    line = column = end_line = end_column = None


def plain_lark(grammar: str, builder, tokens):
    """Lark's own LALR parser (transformer= mode, the builder's callbacks), fed cgcli's tokens: the
    parser alone compared, the lexer being the same."""
    import lark

    class Tokens(lark.lexer.Lexer):
        __future_interface__ = 1

        def __init__(self, lexer_conf) -> None:
            pass

        def lex(self, lexer_state, parser_state):
            return (_Token(token) for token in tokens(lexer_state.text.text) if token[0] != "$END")

    return lark.Lark(grammar, parser="lalr", lexer=Tokens, start="program", transformer=builder,
                     maybe_placeholders=True)


def imported_modules(*args: str) -> set[str]:
    """The modules loaded by the end of `cgrad ARGS` in a fresh process."""
    script = ("import sys\nfrom cgcli.cli.main import main\nsys.argv = ['cgrad', *sys.argv[1:]]\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\nsys.stderr.write(' '.join(sys.modules))")
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return set(done.stderr.split())


def import_cost(module: str) -> float:
    """Milliseconds to import `module` (cumulative, -X importtime) in a fresh process after cgcli.language.syntax."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import cgcli.language.syntax; import {module}"],
                          capture_output=True, text=True,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for line in done.stderr.splitlines():
        if line.rstrip().endswith(f"| {module}"):
            return int(line.split("|")[1]) / 1000
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--terms", type=int, default=2000)
    terms = parser.parse_args().terms
    cgrad, tex = inputs(terms)
    ours, theirs = syntax.parse(cgrad), syntax.parse(tex)
    nodes = len(ours.nodes)
    assert len(theirs.nodes) == nodes, (len(theirs.nodes), nodes)
    cgrad_time = best_of(lambda: syntax.parse(cgrad))
    latex_time = best_of(lambda: syntax.parse(tex))
    print(f"{terms} terms, {nodes} nodes, {len(cgrad)} and {len(tex)} characters")
    print(f"cgrad syntax   {cgrad_time / nodes * 1e6:6.2f} µs per node")
    print(f"LaTeX          {latex_time / nodes * 1e6:6.2f} µs per node   ({latex_time / cgrad_time:.2f}× cgrad's syntax)")

    def lark_speed(label: str, grammar: str, builder, lex, text: str, replay_time: float) -> None:
        """Lark's own LALR parser over the same tokens and builder as the replay, and how they compare."""
        parser = plain_lark(grammar, builder, lex)

        def parse():
            builder.start(text)
            return parser.parse(text)
        assert len(parse().nodes) == nodes
        lark_time = best_of(parse, 3)
        print(f"plain Lark LALR on {label:<12}{lark_time / nodes * 1e6:6.2f} µs per node: the replay is "
              f"{lark_time / replay_time:.1f}× faster")

    lark_speed("cgrad syntax", lalr_build.read_grammar(), syntax.GraphBuilder(), syntax.tokens, cgrad, cgrad_time)
    lexer = latex._lexer(lalr.tables("latex"))
    lark_speed("LaTeX", lalr_build.read_grammar("latex"), latex.LatexBuilder(),
               lambda text: lexer.lex(latex.unwrapped(text)), tex, latex_time)

    try:
        from sympy.parsing.latex import parse_latex

        # sympy's Lark grammar takes one-digit subscripts only: 20 terms over ten names (it takes a minute for 200)
        small = " + ".join(rf"w_{{{i % 10}}} x_{{{i % 10}}}^{{2}} - \frac{{\sin{{\left(x_{{{i % 10}}} \right)}}}}"
                           rf"{{1 + y_{{{i % 10}}}}}" for i in range(20))
        sympy_time = best_of(lambda: parse_latex(small, backend="lark"), 1)
        small_time = best_of(lambda: syntax.parse(f"${small}$"), 3)
        print(f"sympy parse_latex (lark backend), 20 terms: {sympy_time * 1e3:.0f} ms; cgrad: {small_time * 1e3:.1f} ms "
              f"({sympy_time / small_time:.0f}× faster; sympy builds an expression, cgrad a traced graph)")
    except ImportError:
        print("sympy is not installed: no comparison with sympy's parse_latex")

    plain = imported_modules("eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3", "--format", "json")
    pasted = imported_modules("eval", "$3(a+bc)$", "--at", "a=1,b=2,c=3", "--format", "json")
    latex_modules = {"cgcli.language.latex", "cgcli.language._latex_table"}
    print(f"a plain cgrad eval imports {sorted(latex_modules & plain) or 'none'} of {sorted(latex_modules)}; "
          f"a LaTeX one imports {sorted(latex_modules & pasted)}")
    print(f"importing them costs {import_cost('cgcli.language.latex'):.1f} ms (the module) + "
          f"{import_cost('cgcli.language._latex_table'):.1f} ms (its tables), only for LaTeX input; lark: "
          f"{'imported' if 'lark' in plain | pasted else 'never imported'}")


if __name__ == "__main__":
    main()
