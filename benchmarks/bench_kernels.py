"""Numba kernels against the numpy expressions they replace (asv-compatible)."""

from typing import ClassVar

import numpy as np

from interpstat._kernels.linalg import weighted_row_sq_norms


class RowNorms:
    """``weighted_row_sq_norms`` against ``(A**2) @ w`` and ``einsum``."""

    params: ClassVar[list] = [(20000, 500), (2000, 2000)]
    param_names: ClassVar[list] = ["shape"]

    def setup(self, shape):
        rng = np.random.default_rng(0)
        self.A = rng.standard_normal(shape)
        self.AF = np.asfortranarray(self.A)
        self.w = rng.uniform(size=shape[1])
        self.out = np.empty(shape[0])
        weighted_row_sq_norms(self.A, self.w, self.out)  # compile (or load the cache)
        weighted_row_sq_norms(self.AF, self.w, self.out)

    def time_kernel_c(self, shape):
        weighted_row_sq_norms(self.A, self.w, self.out)

    def time_kernel_f(self, shape):
        weighted_row_sq_norms(self.AF, self.w, self.out)

    def time_numpy_square_matmul(self, shape):
        (self.A**2) @ self.w

    def time_numpy_einsum(self, shape):
        np.einsum("ij,ij,j->i", self.A, self.A, self.w)
