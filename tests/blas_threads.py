"""Does this machine's BLAS keep the promise "the same bits with 1 or 2 threads"? (issue 19)

aelib.layers.matmul cuts every float32 product with an inner dimension K > 448 into pieces of at
most 448 (784 = 392 + 392), because the OpenBLAS builds we measured add products up to that length
in the same order with 1 and 2 threads. That holds for numpy 2.1.0 and 2.1.3 (OpenBLAS 0.3.27),
2.2.6 and 2.3.0 (0.3.29) and 2.4.6 (0.3.31), Haswell kernels, measured with this probe; it does not hold for
numpy 2.0.0's OpenBLAS 0.3.27 build (Zen kernels: K = 328 to 440 differ) or numpy 1.24's
OpenBLAS 0.3.21 (K = 392 differs). The promise's tests skip, naming the BLAS and the lengths, where
the BLAS itself differs at K <= 448: no cut at fixed places can help there.

The probe multiplies seeded float32 matrices (128 x K times K x 128, K = 8, 16, ..., 448) in two
fresh interpreters, with 1 and 2 BLAS threads, and compares the bits; once per test session.
"""
from __future__ import annotations

import functools
import os
import subprocess
import sys

import pytest

PROBE = """
import hashlib, numpy as np
rng = np.random.default_rng(0)
out = []
for K in range(8, 449, 8):
    A = rng.random((128, K)).astype(np.float32)
    B = rng.standard_normal((K, 128)).astype(np.float32)
    out.append(hashlib.sha256((A @ B).tobytes() + (B.T @ A.T).tobytes()).hexdigest()[:16])
print(" ".join(out))
"""
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def blas_name() -> str:
    import numpy as np
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"numpy {np.__version__}, {blas.get('openblas configuration') or blas.get('name')}".strip()
    except Exception:                    # numpy 1.x without mode="dicts"
        return f"numpy {np.__version__}"


@functools.lru_cache(maxsize=1)
def thread_dependent_lengths() -> tuple[int, ...]:
    """The K <= 448 at which a plain float32 product differs between 1 and 2 BLAS threads here."""
    results = []
    for threads in ("1", "2"):
        env = dict(os.environ, **{k: threads for k in THREAD_VARS})
        run = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        results.append(run.stdout.split())
    return tuple(K for K, a, b in zip(range(8, 449, 8), *results) if a != b)


def skip_unless_thread_stable_blas():
    """Skip (with the reason) when this BLAS gives thread-dependent bits below matmul's cut."""
    bad = thread_dependent_lengths()
    if bad:
        pytest.skip(f"this BLAS ({blas_name()}) gives different bits with 1 and 2 threads already at "
                    f"K = {', '.join(map(str, bad))} <= 448, below aelib.layers.matmul's cut, so the "
                    f"same-bits promise does not hold here (it holds for the OpenBLAS builds the README lists)")
