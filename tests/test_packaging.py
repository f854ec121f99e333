"""Packaging: the wheel carries the grammar, and a non-editable install into a fresh venv works
from another directory (issue 2: "pip install . (not editable) into a fresh venv, then
cgrad eval ... from another directory, must work").

The wheel is built with `pip wheel` (without build isolation when this interpreter's
environment has hatchling, so no download is needed); the fresh-venv test installs the wheel
alone and takes its dependencies from this environment, so it needs no network.
"""
from __future__ import annotations

import configparser
import email.parser
import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile

import pytest

import cgcli
from conftest import REPO

GRAMMAR_IN_WHEEL = "cgcli/language/cgrad.lark"


def _clean_env() -> dict:
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "NO_COLOR", "FORCE_COLOR"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("wheel")
    # Without build isolation when this environment has the build backend (no download);
    # otherwise (e.g. a venv made by `pip install ".[test]"`) pip fetches hatchling itself.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    completed = subprocess.run([sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", *isolation,
                                "--disable-pip-version-check", "-q", "-w", str(out)],
                               capture_output=True, text=True, env=_clean_env(), cwd=str(out), timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    wheels = [name for name in os.listdir(out) if name.endswith(".whl")]
    assert len(wheels) == 1, wheels
    return str(out / wheels[0])


def test_wheel_contains_the_grammar(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for grammar in (GRAMMAR_IN_WHEEL, "cgcli/language/latex.lark"):
            assert grammar in names
            # the packaged grammar is the repository's grammar, byte for byte
            with open(os.path.join(REPO, *grammar.split("/")), "rb") as source:
                assert archive.read(grammar) == source.read()


def test_wheel_contents_and_metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for module in ("cgcli/__init__.py", "cgcli/__main__.py", "cgcli/cli/main.py", "cgcli/language/syntax.py",
                       "cgcli/ops/__init__.py", "cgcli/ops/elementwise.py", "cgcli/numbers/system.py",
                       "cgcli/passes/forward_backward.py", "cgcli/render/json.py", "cgcli/render/table.py"):
            assert module in names, module
        assert not any(name.startswith(("tests/", "bench/", ".venv/")) for name in names)
        metadata_name = next(name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode("utf-8"))
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert metadata["Name"] == "cgrad"
    assert metadata["Version"] == cgcli.__version__
    requirements = " ".join(metadata.get_all("Requires-Dist") or [])
    for dependency in ("click", "lark", "rich"):
        assert dependency in requirements
    scripts = configparser.ConfigParser()
    scripts.read_string(entry_points)
    assert scripts["console_scripts"]["cgrad"].strip() == "cgcli.cli.main:main"


@pytest.mark.slow
def test_fresh_venv_install_runs_from_another_directory(wheel, tmp_path):
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, clear=True).create(environment)
    python = str(environment / "bin" / "python")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
                              "--disable-pip-version-check", "-q", wheel],
                             capture_output=True, text=True, env=_clean_env(), cwd=str(tmp_path), timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    # The dependencies come from this environment's site-packages, appended behind the fresh
    # venv's own (a .pth line), so the wheel installed above is the cgcli that gets imported; the
    # README's install command, which CI runs, is what resolves them from the index. (Written after
    # the install: pip would otherwise see this environment's cgrad and install nothing.)
    own_site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(own_site, "dependencies.pth"), "w", encoding="utf-8") as handle:
        handle.write(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run([str(environment / "bin" / "cgrad"), "eval", "3*(a+b*c)", "--at", "a=1,b=2,c=3",
                          "--format", "json"], capture_output=True, text=True, env=_clean_env(),
                         cwd=str(elsewhere), timeout=120)
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["value"] == 21 and document["gradient"] == {"a": 3, "b": 9, "c": 6}

    # it really is the installed copy, reading the grammar from inside the package
    probe = ("import cgcli, importlib.resources as r; "
             "print(cgcli.__file__); print(r.files('cgcli').joinpath('language/cgrad.lark').is_file())")
    shown = subprocess.run([python, "-c", probe], capture_output=True, text=True, env=_clean_env(),
                           cwd=str(elsewhere), timeout=60)
    location, grammar_found = shown.stdout.split()
    assert location.startswith(str(environment)), location
    assert grammar_found == "True"

    # python -m cgcli and the table output work there too
    table = subprocess.run([python, "-m", "cgcli", "eval", "p = x + y; g = p*z", "--at", "x=1,y=3,z=-3"],
                           capture_output=True, text=True, env=_clean_env(), cwd=str(elsewhere), timeout=120)
    assert table.returncode == 0, table.stderr
    assert "Forward pass" in table.stdout and "-12" in table.stdout
