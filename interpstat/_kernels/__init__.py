"""Numba kernels: plain arrays in, arrays out; no validation, no randomness.

Kernels import nothing of interpstat's but :mod:`interpstat._jit`.  Callers
validate, fix dtype/contiguity and allocate outputs.
"""
