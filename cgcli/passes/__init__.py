"""What runs over a graph: the forward and backward passes and their trace, forward mode and the Hessian, the symbolic adjoint, paths, gradient checks, certification of digits, descent."""
