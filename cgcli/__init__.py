"""cgrad: values, gradients and textbook derivations of formulas, from the command line."""

__version__ = "0.1.0"
