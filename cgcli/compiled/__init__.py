"""Graphs compiled to code: the NumPy kernel of --points and cgcli.compile, and the generated Python, NumPy and C of `cgrad codegen`."""
