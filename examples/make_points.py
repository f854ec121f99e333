"""Write examples/points.csv: 50 points near the line y = 2.5·x − 1 with small fixed noise (no
random numbers, so the file is the same everywhere), for the README's `cgrad descend` example.

    python examples/make_points.py
"""
from __future__ import annotations

import math
from pathlib import Path

SLOPE, INTERCEPT, COUNT = 2.5, -1.0, 50


def points() -> list[tuple[float, float]]:
    rows = []
    for i in range(COUNT):
        x = -2 + 4 * ((i * 0.6180339887) % 1)  # golden-ratio steps spread x over [-2, 2)
        noise = 0.3 * math.sin(12.9898 * i + 78.233)  # small and fixed
        rows.append((round(x, 4), round(SLOPE * x + INTERCEPT + noise, 4)))
    return rows


def main() -> None:
    lines = ["x,y"] + [f"{x:.4f},{y:.4f}" for x, y in points()]
    Path(__file__).with_name("points.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
