"""The hand-written NumPy job that `cgrad uncertainty --monte-carlo N` replaces: GUM H.2 (R, X, Z from V, I, phi
with correlated inputs), N correlated normal draws by Cholesky, the model at every draw, each output's mean,
standard deviation and shortest 95 % coverage interval (GUM S1 7.7.2), printed as JSON."""
import json
import sys

import numpy as np

count, seed = int(sys.argv[1]), int(sys.argv[2])
value = np.array([4.999, 19.661e-3, 1.04446])
u = np.array([3.2e-3, 9.5e-6, 7.5e-4])
correlation = np.array([[1, -0.36, 0.86], [-0.36, 1, -0.65], [0.86, -0.65, 1]])
draws = np.linalg.cholesky(correlation) @ np.random.default_rng(seed).standard_normal((3, count))
V, I, phi = (value[:, None] + u[:, None] * draws)
q = int(0.95 * count + 0.5)
result = {}
for name, y in (("R", V * np.cos(phi) / I), ("X", V * np.sin(phi) / I), ("Z", V / I)):
    ordered = np.sort(y)
    low = int(np.argmin(ordered[q:] - ordered[:count - q]))
    result[name] = {"value": float(y.mean()), "u": float(y.std(ddof=1)),
                    "interval": [float(ordered[low]), float(ordered[low + q])]}
print(json.dumps(result))
