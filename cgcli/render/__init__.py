"""Renderers: derivation.py decides once what every row of a derivation shows; each format module
only escapes and lays those rows out (json.py writes the trace's records as they are)."""

BLANK_CHOICES = ("grads", "all")  # --blank: the backward pass's numbers; those and the computed values
