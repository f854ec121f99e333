#!/usr/bin/env bash
# Create bench/.venv-peers with the peer tools cgrad is benchmarked against:
# sympy (+ mpmath), micrograd and polars.  Safe to run again: an existing venv is reused
# and pip only installs what is missing.  torch is deliberately not installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-peers"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "creating $venv"
    "$python" -m venv "$venv"
fi

"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    sympy mpmath micrograd polars

"$venv/bin/python" - <<'PY'
import importlib.metadata as md
for name in ("sympy", "mpmath", "micrograd", "polars"):
    print(f"{name} {md.version(name)}")
PY
