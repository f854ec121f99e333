"""The polars job issue 24 measures `eval --points` against: sin(x*y) + x^2/(1 + y^2) and its partials by hand."""
import sys, polars as pl
x, y = pl.col("x"), pl.col("y")
q = 1 + y * y
frame = pl.read_csv(sys.argv[1]).select(f=(x * y).sin() + x * x / q, **{"df/dx": y * (x * y).cos() + 2 * x / q,
                                        "df/dy": x * (x * y).cos() - 2 * x * x * y / (q * q)})
frame.write_csv(sys.stdout.buffer)
