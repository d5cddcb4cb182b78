"""NumPy reference twins of the cores/ kernels (tests only, never on the fast path)."""
