"""The sympy way to the `cgrad eval --points` job: parse the formula, differentiate it, lambdify
the value and partials to NumPy, read the CSV (header x,y) with np.loadtxt, and write with np.savetxt
at full precision (%.17g), as a sympy user typically would."""
import sys

import numpy as np
import sympy

x, y = sympy.symbols("x y")
formula = sympy.sympify(sys.argv[1].replace("^", "**"))
function = sympy.lambdify([x, y], [formula, sympy.diff(formula, x), sympy.diff(formula, y)], "numpy")
xs, ys = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1, unpack=True, ndmin=2)
results = np.column_stack(function(xs, ys))
np.savetxt(sys.stdout, results, fmt="%.17g", delimiter=",", header="f,df/dx,df/dy", comments="")
