"""Beyond one process: docs/points.md's GNU parallel recipe and its Dask recipe give exactly what one
`cgrad eval --points` process gives. A missing `parallel` or Dask skips with the reason (a failure
under CI, which installs both)."""
from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, _environment, run_cgrad_inprocess

FORMULA = "sin(x*y) + x^2/(1 + y^2)"


def _require(available: bool, reason: str) -> None:
    if not available:
        if os.environ.get("CI"):
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def points_csv(tmp_path_factory) -> str:
    rng = random.Random(12)
    path = tmp_path_factory.mktemp("scale") / "points.csv"
    rows = [f"{rng.uniform(-3, 3)!r},{rng.uniform(-3, 3)!r},{i}\n" for i in range(3000)]
    path.write_text("x,y,id\n" + "".join(rows))
    return str(path)


def _one_process(path: str) -> str:
    code, out, err = run_cgrad_inprocess("eval", FORMULA, "--points", path)
    assert (code, err) == (0, "")
    return out


def test_gnu_parallel_recipe_equals_one_process(points_csv):
    _require(shutil.which("parallel") is not None, "GNU parallel is not installed (Debian: apt install parallel)")
    cgrad = [sys.executable, "-m", "cgcli"]
    # the recipe in docs/points.md: the header once, then the blocks on every core, in order, without their headers
    script = ('{ "$@" eval "$F" --points - < /dev/null; '
              'parallel --pipe --keep-order --header : --block 70k -q "$@" eval "$F" --points - --no-header; '
              '} < "$POINTS"')
    env = _environment({"F": FORMULA, "POINTS": points_csv})
    done = subprocess.run(["sh", "-c", script, "sh", *cgrad], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == _one_process(points_csv)
    assert done.stdout.count("\n") == 3001


def test_dask_recipe_equals_one_process(points_csv):
    try:
        import dask.dataframe as dd
        from dask.distributed import Client, LocalCluster
    except ImportError:
        _require(False, "Dask is not installed (pip install 'cgrad[dask]')")
    import pandas as pd

    import cgcli

    f = cgcli.compile(FORMULA)
    # decimals read back to the same doubles: pandas 3's default, an option before
    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster):
        frame = dd.read_csv(points_csv, blocksize="30KB", **exact)
        assert frame.npartitions > 1
        result = frame.map_partitions(f.frame, meta=f.frame_meta()).compute()
    expected = pd.read_csv(io.StringIO(_one_process(points_csv)), **exact)
    assert list(result.columns) == ["f", "df/dx", "df/dy"]
    assert (result.to_numpy() == expected.to_numpy()).all()  # the same kernel: the same bits

