"""The computational graph: nodes in topological order, programs of named statements, and the formula builder that simplifies as it builds."""
