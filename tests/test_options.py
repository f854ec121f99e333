"""The shared options (issue 19.3): --wrt, --output and the bindings options are declared once, as
click parameter types; every command that reads a program takes --output, every command that picks
derivatives takes --wrt, and the same mistake gives the same message in every command."""
from __future__ import annotations

import json
import math

import pytest

from cgcli.cli.main import COMMANDS, cli
from cgcli.cli.options import Bindings, Names, Outputs
from conftest import run_cgrad_inprocess

PROGRAM = "u = x*y; f = u + sin(x)"
AT = ["--at", "x=1,y=2"]
# each command as run on PROGRAM, with what it needs besides --wrt and --output
RUNS = {
    "eval": ["eval", PROGRAM, *AT],
    "eval --points": ["eval", PROGRAM, "--points", "-"],
    "eval --each": ["eval", "-", "--each", *AT],
    "eval --mode forward": ["eval", PROGRAM, *AT, "--mode", "forward"],
    "derive": ["derive", PROGRAM],
    "paths": ["paths", PROGRAM, *AT, "--wrt", "x"],
    "hessian": ["hessian", PROGRAM, *AT],
    "check": ["check", PROGRAM, *AT],
    "diagram": ["diagram", PROGRAM, *AT],
    "codegen": ["codegen", PROGRAM],
    "descend": ["descend", PROGRAM, "--params", "x=1,y=2", "--steps", "2"],
}
STDIN = {"eval --points": "x,y\n1,2\n", "eval --each": PROGRAM + "\n"}


def _run(case: str, *extra: str):
    return run_cgrad_inprocess(*RUNS[case], *extra, input=STDIN.get(case))


def _command(name: str):
    return cli.get_command(None, name)


def test_every_command_that_reads_a_program_takes_output():
    for name in set(COMMANDS) - {"notes"}:  # notes reads Markdown notes, whose blocks are commands
        types = {type(param.type) for param in _command(name).params if "--output" in getattr(param, "opts", ())}
        assert types == {Outputs}, name


def test_every_command_that_picks_derivatives_takes_wrt():
    for name in ("eval", "derive", "paths", "hessian", "check", "diagram"):
        types = {type(param.type) for param in _command(name).params if "--wrt" in getattr(param, "opts", ())}
        assert types == {Names}, name


def test_every_bindings_option_is_one_type():
    found = {}
    for name in COMMANDS:
        for param in _command(name).params:
            if set(getattr(param, "opts", ())) & {"--at", "--params", "--tangent", "--hvp"}:
                found[(name, param.opts[0])] = type(param.type)
    assert len(found) >= 10 and set(found.values()) == {Bindings}, found


UNKNOWN_WRT = "--wrt x,q: no node named q (known: x, y, u, f, t1)"
ZERO_OFFERED = "; --ignore-unused takes the derivative with respect to a name the program does not have as 0"


@pytest.mark.parametrize("case", sorted(set(RUNS) - {"codegen", "descend", "diagram", "eval --mode forward"}))
def test_an_unknown_wrt_name_is_the_same_error_everywhere(case):
    code, out, err = _run(case, "--wrt", "x,q")
    assert code == 2, (case, err)
    said = err if case != "eval --each" else json.loads(out)["error"]  # --each: the line's record says it
    offered = case in ("eval", "eval --each", "derive")  # where --ignore-unused can answer 0 for it
    assert said.rstrip("\n").endswith(UNKNOWN_WRT + ZERO_OFFERED * offered), (case, said)


# u = x*y at x=1, y=2, by hand: u = 2, ∂u/∂x = y = 2, ∂u/∂y = x = 1, ∂²u/∂x∂y = 1 (f = u + sin(x) differs in each)
U_GRADIENT = {"x": 2, "y": 1}
U_ANSWERS = {
    "eval": (["--format", "json", "--no-trace"], lambda out: (json.loads(out)["output"], json.loads(out)["value"],
                                                              json.loads(out)["gradient"]) == ("u", 2, U_GRADIENT)),
    "eval --points": ([], lambda out: out == "u,du/dx,du/dy\n2,2,1\n"),
    "eval --each": ([], lambda out: (json.loads(out)["value"], json.loads(out)["gradient"]) == (2, U_GRADIENT)),
    "eval --mode forward": (["--format", "json", "--no-trace"],
                            lambda out: (json.loads(out)["output"], json.loads(out)["value"],
                                         json.loads(out)["gradient"]) == ("u", 2, U_GRADIENT)),
    "derive": (["--format", "json"],
               lambda out: json.loads(out)["derivatives"] == {"x": "du_dx = y\n", "y": "du_dy = x\n"}),
    "hessian": (["--format", "json"], lambda out: (json.loads(out)["value"], json.loads(out)["hessian"])
                == (2, [[0, 1], [1, 0]])),
    "check": (["--format", "json"], lambda out: {name: entry["gradient"] for name, entry in
                                                 json.loads(out)["variables"].items()} == U_GRADIENT),
    "paths": (["--format", "json"], lambda out: [(report["output"], report["gradient"]) for report in
                                                 json.loads(out)["paths"]] == [("u", 2)]),
    "descend": (["--format", "json"], lambda out: (json.loads(out)["trace"][0]["loss"],
                                                   json.loads(out)["trace"][0]["gradient"]) == (2, U_GRADIENT)),
    "codegen": ([], lambda out: _generated(out)(1.0, 2.0) == (2.0, (2.0, 1.0))),
    "diagram": ([], lambda out: '"u = x · y = 2<br/>∂u/∂u = 1"' in out and "sin" not in out),
}


def _generated(source: str):
    scope: dict = {}
    exec(source, scope)
    return scope["value_and_grad"]


@pytest.mark.parametrize("case", sorted(RUNS))
def test_output_takes_an_assigned_name_everywhere(case):
    extra, answered = U_ANSWERS[case]
    code, out, err = _run(case, "--output", "u", *extra)
    assert code == 0, (case, err)
    assert answered(out), (case, out)


SEVERAL = {"eval", "eval --mode forward", "diagram"}  # they answer several outputs: the Jacobian, the shared graph


@pytest.mark.parametrize("case", sorted(set(RUNS) - SEVERAL))
def test_several_outputs_are_refused_clearly_where_one_is_answered(case):
    code, out, err = _run(case, "--output", "u,f")
    assert code == 2 and out == "", (case, err)
    assert err.startswith("error: --output u,f names several outputs") or case in ("eval --each", "eval --points"), err


@pytest.mark.parametrize("case", sorted(SEVERAL))
def test_several_outputs_are_answered_where_they_can_be(case):
    extra = [] if case == "diagram" else ["--format", "json", "--no-trace"]
    code, out, err = _run(case, "--output", " u , f ", *extra)  # the type gives the normalised list
    assert code == 0, err
    if case == "diagram":  # both outputs drawn as outputs in the one graph
        assert '"u = x · y = 2"]):::out' in out and f'"f = u + t1 = {2 + math.sin(1):.12}…"]):::out' in out, out
        return
    # by hand: f = x*y + sin(x), ∂f/∂x = y + cos(x), ∂f/∂y = x
    document = json.loads(out)
    assert document["outputs"] == ["u", "f"] and document["values"] == {"u": 2, "f": 2 + math.sin(1)}
    assert document["jacobian"] == {"u": U_GRADIENT, "f": {"x": 2 + math.cos(1), "y": 1}}


@pytest.mark.parametrize("case", sorted(RUNS))
def test_an_unknown_output_is_the_same_error_everywhere(case):
    code, out, err = _run(case, "--output", "nope")
    said = err if case != "eval --each" else json.loads(out)["error"]
    assert code == 2 and "--output nope: the program assigns no such name (assigned: u, f)" in said, (case, said)


@pytest.mark.parametrize("value, message", [
    ("", "--wrt: give the name of a variable or node"),
    (",", "--wrt: give the name of a variable or node"),
    ("x,,y", "--wrt x,,y: an empty name between commas"),
    ("x, x", "--wrt x, x: x is given twice"),
])
def test_the_names_parser_is_one(value, message):
    for command in (["eval", PROGRAM, *AT], ["derive", PROGRAM], ["paths", PROGRAM, *AT], ["check", PROGRAM, *AT]):
        code, out, err = run_cgrad_inprocess(*command, "--wrt", value)
        assert (code, err) == (2, f"error: {message}\n"), (command, err)


def test_wrt_names_are_nfc_normalised_as_the_parser_does():
    decomposed = "e\u0301"  # é as e + combining acute
    code, out, err = run_cgrad_inprocess("eval", "\u00e9*y", "--at", "\u00e9=2,y=3", "--wrt", decomposed,
                                         "--format", "json", "--no-trace")
    assert code == 0 and json.loads(out)["gradient"] == {"\u00e9": 3}, err


@pytest.mark.parametrize("option, command", [
    ("--tangent", ["eval", "x*y", "--at", "x=1,y=2", "--mode", "forward"]),
    ("--hvp", ["hessian", "x*y", "--at", "x=1,y=2"]),
    ("--params", ["descend", "x*y", "--at", "y=2"]),
    ("--at", ["eval", "x*y"]),
])
def test_a_bindings_error_blames_its_own_option(option, command):
    for value, piece in (("x", "expected NAME=VALUE"), ("2x=1", "expected NAME=VALUE"), ("x=", "expected NAME=VALUE"),
                         ("@/nonexistent.json", "cannot read it")):
        code, out, err = run_cgrad_inprocess(*command, option, value)
        assert code == 2 and err.startswith(f"error: {option} ") and piece in err, (option, value, err)


def test_derive_takes_the_rule_of_every_command_and_ignore_unused_keeps_its_zero():
    code, out, err = run_cgrad_inprocess("derive", "3*x", "--wrt", "y")
    assert code == 2 and "--wrt y: no node named y" in err
    code, out, err = run_cgrad_inprocess("derive", "3*x", "--wrt", "x,y", "--ignore-unused")
    assert code == 0 and "df_dy = 0" in out and "y does not occur" in err
    code, out, err = run_cgrad_inprocess("eval", "3*x", "--at", "x=1", "--wrt", "x,y", "--ignore-unused",
                                         "--format", "json", "--no-trace")
    assert code == 0 and json.loads(out)["gradient"] == {"x": 3, "y": 0}


def test_check_wrt_checks_only_those_variables():
    code, out, err = run_cgrad_inprocess("check", "x*y + z", "--at", "x=1,y=2,z=3", "--wrt", "y", "--format", "json")
    assert code == 0 and list(json.loads(out)["variables"]) == ["y"]
    code, out, err = run_cgrad_inprocess("check", "u = x*y; u + z", "--at", "x=1,y=2,z=3", "--wrt", "u")
    assert code == 2 and "check perturbs the variables" in err
    # --against: theirs may give every variable; only the --wrt ones are compared
    code, out, err = run_cgrad_inprocess("check", "x*y + z", "--at", "x=1,y=2,z=3", "--wrt", "x", "--against", "-",
                                         input='{"x": 2, "y": 1, "z": 1}')
    assert code == 0, err


# ---- 19.5: one format registry, one renderer protocol, the API's __all__ ----

def test_every_commands_format_choices_come_from_the_registry():
    import click

    from cgcli.render.formats import FORMATS

    for name in COMMANDS:
        formats = [param for param in _command(name).params if "--format" in getattr(param, "opts", ())]
        if not formats:
            continue
        (option,) = formats
        assert isinstance(option.type, click.Choice) and tuple(option.type.choices) == FORMATS[name].choices, name
        assert option.default == FORMATS[name].default and option.help == FORMATS[name].help, name
    assert set(FORMATS) <= set(COMMANDS)


def test_every_derivation_renderer_takes_the_derivation_and_one_options_object():
    import importlib
    import inspect

    from cgcli.render.formats import RENDERERS, RenderOptions

    for kind, formats in RENDERERS.items():
        for module, function in formats.values():
            renderer = getattr(importlib.import_module(f"cgcli.render.{module}"), function)
            parameters = list(inspect.signature(renderer).parameters.values())
            assert len(parameters) == 2 and parameters[1].default == RenderOptions(), (kind, module, function)


def test_the_renderers_answer_what_the_options_ask():
    from cgcli.api import trace_of
    from cgcli.language.syntax import parse
    from cgcli.numbers import number_system
    from cgcli.render.derivation import derive
    from cgcli.render.formats import RenderOptions, render

    trace = trace_of(parse("u = b*c; J = 3*(a + u)"), [("a", "1"), ("b", "2"), ("c", "3")], number_system("float"))
    derivation = derive(trace, None, 60)
    full, short = render("markdown", derivation), render("markdown", derivation, RenderOptions(with_trace=False))
    assert "```mermaid" in full and "```mermaid" not in short and "### Gradient" in short
    assert "```mermaid" not in render("markdown", derivation, RenderOptions(graph=False))
    assert render("latex", derivation, RenderOptions(title="Worksheet")).startswith("% Worksheet")
    assert render("table", derivation, RenderOptions(terminal=True, width=60)).count("\n") > 10


def test_the_python_api_declares_what_it_exports():
    import cgcli.api
    import cgcli.api.compiled
    import cgcli.api.uncertainty

    for module in (cgcli.api, cgcli.api.compiled, cgcli.api.uncertainty):
        assert module.__all__ and all(callable(getattr(module, name)) for name in module.__all__), module
    assert {"parse", "evaluate", "jacobian", "Result"} <= set(cgcli.api.__all__)
