"""Hardening, round 2 (issue 23), the classes beyond codegen and the row readers: user text escaped
in every message, long name lists cut, bounded readers, --timeout's domain, whole output files, one
rule for missing folders, the "smaller" items, confusable names, --ignore-unused, newcomer hints."""
from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys

import pytest

from cgcli.text import READ_LIMIT, escape, listing
from conftest import REPO, run_cgrad_inprocess

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ESC_TITLE = "\x1b]0;owned\x07"  # what retitles a terminal
CLIPBOARD = "\x1b]52;c;b3duZWQ=\x07"  # what writes its clipboard
BIDI = "\u202e"


# ---- every message escapes the user's text ----

def _hostile_runs(tmp_path):
    keyed = tmp_path / "keys.json"
    keyed.write_text(json.dumps({f"x{ESC_TITLE}": 1}))
    theirs = tmp_path / "theirs.json"
    theirs.write_text(json.dumps({f"q{CLIPBOARD}": 1}))
    named = tmp_path / f"prog{ESC_TITLE}.txt"
    return [
        ["eval", "x", "--at", f"x{ESC_TITLE}=1"],  # an option value
        ["eval", "x", "--at", f"x=1{CLIPBOARD}"],
        ["eval", "x", "--at", f"x=1", "--wrt", f"x{ESC_TITLE}"],
        ["eval", "x", "--at", "x=1", "--output", f"y{BIDI}"],
        ["eval", "x", "--at", "x=1", "--format", f"json{ESC_TITLE}"],  # click's own message
        ["eval", "x", "--at", f"@{keyed}"],  # a JSON key
        ["check", "x", "--at", "x=1", "--against", str(theirs)],
        ["eval", f"x + {ESC_TITLE}", "--at", "x=1"],  # the caret line of a syntax error
        ["eval", f"x +\n y{CLIPBOARD}", "--at", "x=1"],
        ["eval", "-f", str(named)],  # a file name
        ["descend", "x^2", "--params", f"x=1{ESC_TITLE}"],
        ["hessian", "x*y", "--at", "x=1,y=2", "--hvp", f"{BIDI}x=1"],
        ["paths", "x", "--at", "x=1", "--wrt", f"{CLIPBOARD}"],
        ["derive", "x", "--wrt", f"x,{ESC_TITLE}"],
        [f"x{ESC_TITLE}^2"],  # no such command
        ["eval", "x", "--at", "x=1", "--timeout", f"1{ESC_TITLE}"],
    ]


def test_no_control_character_of_the_user_reaches_stderr(tmp_path):
    for args in _hostile_runs(tmp_path):
        code, out, err = run_cgrad_inprocess(*args)
        assert code == 2 and err.startswith("error: "), (args, err)
        assert not RAW_CONTROL.search(err), (args, err)
        assert "\\x1b" in err or "\\u202e" in err, (args, err)  # shown, not dropped


def test_the_caret_stands_under_the_escaped_character():
    code, out, err = run_cgrad_inprocess("eval", "x + \x1b + y", "--at", "x=1,y=2")
    source, caret = err.splitlines()[1:3]
    assert source == "  x + \\x1b + y" and caret.index("^") == source.index("\\x1b")


def test_escape_is_visible_and_idempotent():
    assert escape("a\x1bb\x07c\x9bd\u202ee\tf\ng") == "a\\x1bb\\x07c\\x9bd\\u202ee\tf\ng"
    assert escape(escape("\x1b]0;t\x07")) == escape("\x1b]0;t\x07")
    assert escape("θ₁ 変数 é") == "θ₁ 変数 é"


# ---- long lists of names: the first few, and how many more ----

N = 100_000


@pytest.mark.parametrize("args, names", [
    (["eval", " + ".join(f"v{i}" for i in range(N // 10))], "'v0', 'v1', 'v2', 'v3', 'v4' and 9995 more"),
    (["eval", "x", "--at", "x=1," + ",".join(f"w{i}=1" for i in range(N // 5))], "--at w0: the expression has no variable"),
    (["check", "x", "--at", "x=1", "--against", "-"], "no value for x; w0, w1, w2, w3, w4 and 19995 more is not"),
    (["eval", "x", "--at", "x=1", "--wrt", ",".join(f"w{i}" for i in range(N))], "w0, w1, w2, w3, w4 and 99995 more"),
    (["descend", " + ".join(f"v{i}" for i in range(2000)), "--params", "v0=1"], "v1, v2, v3, v4, v5 and 1994 more"),
])
def test_an_error_about_many_names_names_a_few_and_counts_the_rest(args, names):
    theirs = json.dumps({f"w{i}": 1 for i in range(N // 5)})
    code, out, err = run_cgrad_inprocess(*args, input=theirs)
    assert code == 2 and names in err, err[:500]
    assert len(err) < 2000, len(err)


def test_listing():
    assert listing([]) == "" and listing(["a"]) == "a" and listing("abcdef") == "a, b, c, d, e and 1 more"
    assert listing(["x" * 100]) == "x" * 20 + "…" + "x" * 19  # each name shortened too


# ---- bounded readers ----

@pytest.mark.parametrize("args", [
    ["eval", "-f", "/dev/zero"],
    ["eval", "x", "--at", "@/dev/zero"],
    ["check", "x", "--at", "x=1", "--against", "/dev/zero"],
    ["hessian", "x", "--hvp", "@/dev/zero", "--at", "x=1"],
])
def test_an_endless_input_is_refused_after_the_limit(args):
    code, out, err = run_cgrad_inprocess(*args)
    assert code == 2 and "is larger than 32 MiB, the most cgrad reads from one input" in err, err


@pytest.mark.parametrize("args, status", [
    (["eval", "-f", "a\x00b"], 2), (["eval", "x", "--at", "@a\x00b"], 2), (["check", "x", "--at", "x=1", "--against", "\x00"], 2),
    (["eval", "-f", "/tmp"], 2), (["eval", "x", "--at", "x=1", "-o", "a\x00b"], 74),
    (["diagram", "x", "--at", "x=1", "--steps", "-o", "a\x00/"], 74),
])
def test_a_file_name_no_system_accepts_is_a_clear_error(args, status):
    code, out, err = run_cgrad_inprocess(*args)
    assert code == status and err.startswith("error: ") and err.count("\n") == 1, err


def test_stdin_over_the_limit_is_refused():
    code, out, err = run_cgrad_inprocess("eval", "-", input=b"x" * (READ_LIMIT + 1))
    assert (code, err) == (2, "error: standard input is larger than 32 MiB, the most cgrad reads from one input\n")


def test_dev_zero_does_not_eat_memory():
    """A process with 400 MB of address space reads -f /dev/zero and --at @/dev/zero to the limit and stops."""
    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20))

    for args in (["eval", "x", "--at", "@/dev/zero"],):  # -f and --against read through the same function
        done = subprocess.run([sys.executable, "-m", "cgcli", *args], capture_output=True, text=True, cwd=REPO,
                              preexec_fn=limited, timeout=60)
        assert done.returncode == 2 and "larger than 32 MiB" in done.stderr, done.stderr


# ---- --timeout ----

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1", "1e400", "abc", "1e10", ""])
def test_timeout_outside_its_domain_is_bad_input(value):
    for command in (["eval", "x", "--at", "x=1"], ["check", "x", "--at", "x=1"], ["derive", "x"]):
        code, out, err = run_cgrad_inprocess(*command, "--timeout", value)
        assert code == 2 and err.startswith(f"error: --timeout {value}: give a number of seconds above 0"), err


# ---- output files: whole or absent; one rule for missing folders ----

def _full_disk(args: list[str], cwd, limit: int = 200) -> subprocess.CompletedProcess:
    """cgrad with a file size limit of `limit` bytes: every write past it fails, as on a full disk."""
    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = dict(os.environ, PYTHONPATH=REPO, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "cgcli", *args], capture_output=True, text=True, cwd=cwd,
                          preexec_fn=limited, env=env, timeout=60)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_new_one(tmp_path):
    old = tmp_path / "out.json"
    old.write_text("the old result\n")
    big = " + ".join(f"x{i}" for i in range(50))
    at = ",".join(f"x{i}=1" for i in range(50))
    done = _full_disk(["eval", big, "--at", at, "--format", "json", "-o", "out.json"], tmp_path)
    assert done.returncode == 74 and "cannot write out.json" in done.stderr, done.stderr
    assert old.read_text() == "the old result\n"
    done = _full_disk(["eval", big, "--at", at, "--format", "json", "-o", "new.json"], tmp_path)
    assert done.returncode == 74
    assert sorted(os.listdir(tmp_path)) == ["out.json"]  # no new.json, no temporary file


def test_a_failed_frame_is_absent(tmp_path):
    done = _full_disk(["diagram", "a = x; b = a + a; c = b*b", "--at", "x=2", "--steps", "-o", "frames/"], tmp_path,
                      limit=300)
    assert done.returncode == 74 and "cannot write frames/frame-001.md" in done.stderr, done.stderr
    assert os.listdir(tmp_path / "frames") == []  # not a cut frame, nor a temporary file


def test_points_stopped_by_a_bad_row_keep_the_rows_before_it(tmp_path):
    (tmp_path / "p.csv").write_text("x\n1\n2\nabc\n4\n")
    code, out, err = run_cgrad_inprocess("eval", "x^2", "--points", str(tmp_path / "p.csv"), "-o", str(tmp_path / "o.csv"))
    assert code == 2 and "row 3" in err
    assert (tmp_path / "o.csv").read_text() == "f,df/dx\n1,2\n4,4\n"  # the input failed, not the output
    assert sorted(os.listdir(tmp_path)) == ["o.csv", "p.csv"]


def test_a_written_file_keeps_its_mode_and_a_symlink_keeps_pointing(tmp_path):
    target = tmp_path / "result.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=2", "--format", "json", "--no-trace", "-o", str(link))
    assert code == 0 and json.loads(target.read_text())["value"] == 2
    assert link.is_symlink() and os.stat(target).st_mode & 0o777 == 0o640
    code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=2", "-o", os.devnull)  # written in place
    assert code == 0 and os.path.exists(os.devnull) and not os.path.isfile(os.devnull)


def test_one_rule_for_missing_folders(tmp_path):
    program = ["diagram", "a = x; b = a + a", "--at", "x=2"]
    code, out, err = run_cgrad_inprocess(*program, "-o", str(tmp_path / "missing" / "g.mmd"))
    assert code == 74 and "No such file or directory" in err
    code, out, err = run_cgrad_inprocess(*program, "--steps", "-o", str(tmp_path / "missing" / "frames") + "/")
    assert code == 74 and "No such file or directory" in err and not (tmp_path / "missing").exists()
    code, out, err = run_cgrad_inprocess(*program, "--steps", "-o", str(tmp_path / "frames") + "/")
    assert code == 0 and len(os.listdir(tmp_path / "frames")) == 6  # -o DIR/ makes DIR, as -o FILE makes FILE
    (tmp_path / "plain").write_text("")
    code, out, err = run_cgrad_inprocess(*program, "--steps", "-o", str(tmp_path / "plain") + "/")
    assert code == 74


# ---- the smaller items ----

def test_an_astronomical_literal_says_how_many_digits():
    code, out, err = run_cgrad_inprocess("eval", "x*1e99999999999999999999", "--at", "x=1")
    assert code == 1 and "about 1e+20 digits" in err and "more than 1e308" not in err
    code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=1e-12345678901234567", "--exact")
    assert code == 2 and "about 1.23e+16 digits" in err, err


def test_check_with_a_range_says_what_check_does():
    code, out, err = run_cgrad_inprocess("check", "x^2", "--at", "x=1..2", "--interval")
    assert code == 2 and "needs --interval" not in err and "check checks the gradient at a point" in err, err


def test_a_statement_over_several_lines_gets_no_discard_note():
    code, out, err = run_cgrad_inprocess("eval", "-", "--at", "x=1,y=2", "--no-trace", input="u = x +\n  y\nu*2\n")
    assert code == 0 and err == ""
    code, out, err = run_cgrad_inprocess("eval", "-", "--at", "x=1,y=2", "--no-trace",
                                         input="f = x*(\n  y + 1\n)\nf\n")
    assert code == 0 and err == ""
    code, out, err = run_cgrad_inprocess("eval", "-", "--at", "x=2", "--no-trace", input="x^2\nx^3\n")
    assert code == 0 and "only its last statement is answered" in err


@pytest.mark.parametrize("name", ["e", "pi", "π"])
def test_one_rule_for_the_constants_names(name):
    rule = f"'{name}' is the constant"
    code, out, err = run_cgrad_inprocess("eval", f"{name} = x; {name}*2", "--at", "x=1")
    assert code == 2 and rule in err, err
    code, out, err = run_cgrad_inprocess("eval", f"{name}*x", "--at", f"x=1,{name}=2")
    assert code == 2 and rule in err, err


@pytest.mark.parametrize("text, value", [("pi", 3.141592653589793), ("-pi", -3.141592653589793), ("π", 3.141592653589793),
                                         ("e", 2.718281828459045), (" -e ", -2.718281828459045)])
def test_at_takes_the_constants(text, value):
    code, out, err = run_cgrad_inprocess("eval", "2*x", "--at", f"x={text}", "--format", "json", "--no-trace")
    assert code == 0 and json.loads(out)["value"] == 2 * value, err


def test_at_constants_in_every_number_system():
    import mpmath

    code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=pi", "--digits", "30", "--format", "json", "--no-trace")
    assert json.loads(out)["value"] == mpmath.nstr(mpmath.mpf(mpmath.pi), 30, strip_zeros=False) or \
        json.loads(out)["value"].startswith("3.14159265358979323846264338")
    code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=pi", "--interval", "--format", "json", "--no-trace")
    low, high = map(float, json.loads(out)["value"])
    assert low <= 3.141592653589793 <= high
    code, out, err = run_cgrad_inprocess("eval", "x", "--at", "x=pi", "--exact")
    assert code == 2 and "--at x=pi: pi is irrational" in err


# ---- confusable names ----

@pytest.mark.parametrize("other, latin, script", [("х", "x", "Cyrillic (U+0445)"), ("ο", "o", "Greek (U+03BF)"),
                                                 ("𝑥", "x", "Mathematical (U+1D465)"), ("ｘ", "x", "Fullwidth (U+FF58)"),
                                                 ("Аb", "Ab", "Cyrillic/Latin (U+0410)")])
def test_a_name_that_looks_like_another_is_named_with_its_script(other, latin, script):
    code, out, err = run_cgrad_inprocess("eval", f"{other} + {latin}", "--at", f"{latin}=1")
    assert code == 2 and (f"'{other}' looks like '{latin}' but is another name: '{other}' is {script}, "
                          f"'{latin}' is Latin") in err, err
    code, out, err = run_cgrad_inprocess("eval", f"{latin}^2", "--at", f"{other}=1")
    assert code == 2 and f"looks like '{latin}'" in err, err
    code, out, err = run_cgrad_inprocess("eval", f"{latin}^2", "--at", f"{latin}=1", "--wrt", other)
    assert code == 2 and f"looks like '{latin}'" in err, err
    code, out, err = run_cgrad_inprocess("eval", f"{latin} = 2*q; {latin}^2", "--at", "q=1", "--output", other)
    assert code == 2 and f"looks like '{latin}'" in err, err


def test_names_of_other_scripts_alone_get_no_note():
    code, out, err = run_cgrad_inprocess("eval", "θ + y", "--at", "y=1")
    assert code == 2 and "looks like" not in err


# ---- --ignore-unused everywhere a shared --at meets a formula ----

@pytest.mark.parametrize("command", [
    ["eval", "x^2"], ["derive", "x^2"], ["check", "x^2"], ["diagram", "x^2"], ["paths", "x^2", "--wrt", "x"],
    ["hessian", "x^2"], ["descend", "x^2", "--params", "x=1", "--steps", "2"],
])
def test_ignore_unused_in_every_command_with_at(command):
    code, out, err = run_cgrad_inprocess(*command, "--at", "x=1,unused=3" if command[0] != "descend" else "unused=3")
    assert code == 2 and "--at unused: the expression has no variable of that name" in err, err
    assert "--ignore-unused" in err
    code, out, err = run_cgrad_inprocess(*command, "--at", "x=1,unused=3" if command[0] != "descend" else "unused=3",
                                         "--ignore-unused")
    assert code == 0, err


def test_a_shared_at_over_a_loop_of_formulas(tmp_path):
    results = []
    for formula in ("x*y", "x^2", "sin(z)"):
        code, out, err = run_cgrad_inprocess("eval", formula, "--at", "x=2,y=3,z=0", "--ignore-unused",
                                             "--format", "json", "--no-trace")
        assert code == 0, err
        results.append(json.loads(out)["gradient"])
    assert results == [{"x": 3, "y": 2}, {"x": 4}, {"z": 1}]


def test_each_error_records_keep_their_expression():
    code, out, err = run_cgrad_inprocess("eval", "-", "--each", "--at", "x=0", input="x^2\nlog(x)\nx +\n")
    records = [json.loads(line) for line in out.splitlines()]
    assert [record.get("expression") for record in records] == ["x^2", "log(x)", "x +"]
    assert "error" in records[1] and "error" in records[2]
    code, out, err = run_cgrad_inprocess("eval", "-", "--each", "--at", "x=0", "--format", "csv", input="log(x)\n")
    assert out.splitlines()[1].startswith("1,log(x),,,")


# ---- a newcomer's first typos ----

@pytest.mark.parametrize("args, hint", [
    (["eval", "x*y", "--at", "x=1", "y=2"], "--at x=1 y=2: separate the values with commas, not spaces: --at x=1,y=2"),
    (["eval", "--at", "x=1", "y=2", "x*y"], "--at x=1 y=2: separate the values with commas"),
    (["descend", "x*y", "--params", "x=1", "y=2"], "--params x=1 y=2: separate the values with commas"),
    (["x^2"], "no command 'x^2'; to evaluate a formula: cgrad eval 'x^2' --at NAME=VALUE,…"),
    (["3*(a+b*c)", "--at", "a=1"], "cgrad eval '3*(a+b*c)'"),
    (["evl", "x"], "no command 'evl'; did you mean eval?"),
    (["eval", "x", "--at", "x=tau"], "not a number"),
])
def test_hints_for_a_newcomer(args, hint):
    code, out, err = run_cgrad_inprocess(*args)
    assert code == 2 and hint in err and err.count("\n") == 1, err
