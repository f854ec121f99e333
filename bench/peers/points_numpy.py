"""The hand-written NumPy job that `cgrad eval --points` replaces: the value and both partial
derivatives of sin(x*y) + x^2/(1 + y^2) at every row of a CSV file (header x,y), derived by hand,
written as CSV with the shortest round-trip decimals (what repr gives; faster than np.savetxt)."""
import sys

import numpy as np

x, y = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, unpack=True, ndmin=2)
q = 1 + y * y
value = np.sin(x * y) + x * x / q
dx = y * np.cos(x * y) + 2 * x / q
dy = x * np.cos(x * y) - 2 * x * x * y / (q * q)
columns = [map(repr, column.tolist()) for column in (value, dx, dy)]
sys.stdout.write("f,df/dx,df/dy\n" + "".join(row + "\n" for row in map(",".join, zip(*columns))))
