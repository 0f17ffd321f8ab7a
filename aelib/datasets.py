r"""Small data sets that ship with the course, so that nothing in a notebook downloads.

- :func:`load_digits`: 5,000 MNIST digits, 28x28 grey levels scaled to ``[0, 1]``,
  with a fixed stratified train/test split (4,000 / 1,000, i.e. 400 / 100 per digit).
- :func:`xor`: the four binary inputs and their XOR, the smallest problem a single
  layer cannot solve.
- :func:`bars`: "bars and stripes" images, a toy data set with an obvious hidden cause
  (which bars are on).
- :func:`noisy_circle`: 2-D points near a circle, a curve in the plane (lesson 08).

Only numpy and the standard library are imported here.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import _validate as v

__all__ = ["Digits", "DataFileError", "load_digits", "xor", "bars", "noisy_circle"]

_DATA_DIR = Path(__file__).resolve().parent / "data"
_MNIST_FILE = _DATA_DIR / "mnist_5k.npz"
_SPLITS = ("all", "test", "train")


# What the shipped file holds (aelib/data/README.md). ``_FILE_SHA256`` is the SHA-256 of the file's
# bytes; ``_CONTENT_SHA256`` the SHA-256 of the four arrays' bytes in this order, which stays the same
# when the file is rebuilt by scripts/convert_mnist.py with another zlib or numpy (other zip bytes).
_FILE_SHA256 = "dcd7b3ce59e0454c7030020126e9cb4227c2fdfb72ffa9d041d42bb13b68d15d"
_FILE_SIZE = 814_700  # bytes
_CONTENT_SHA256 = "d27028372c40f7e1d02baf2e43aa7393c90f7ad1608bd3a50ff238bb21ba93a4"
_EXPECTED = {  # name: (dtype, shape)
    "pixels": (np.dtype(np.uint8), (5000, 784)),
    "labels": (np.dtype(np.uint8), (5000,)),
    "train_idx": (np.dtype(np.int32), (4000,)),
    "test_idx": (np.dtype(np.int32), (1000,)),
}
_RESTORE = ("Restore it from the course's repository with `git checkout -- aelib/data/mnist_5k.npz` "
            "(in the repository's root folder), or rebuild it with scripts/convert_mnist.py "
            "(see aelib/data/README.md).")


class DataFileError(OSError):
    """The shipped digits file is missing or damaged. The message names the file, what is wrong
    with it and how to restore it."""


def _damaged(path: Path, problem: str) -> DataFileError:
    return DataFileError(f"The digits file {path} {problem}. {_RESTORE}")


def _sniff(head: bytes, size: int) -> str | None:
    """What is wrong with the file judged from its first bytes, or None when it looks like a zip."""
    if size == 0:
        return "is empty (0 bytes)"
    if head.startswith(b"version https://git-lfs"):
        return "is a Git LFS pointer (a small text file), not the data (`git lfs pull` fetches the data)"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        return "is an HTML page (saved from a web page?), not the data"
    if not head.startswith(b"PK\x03\x04"):
        return f"is not an npz archive (it does not start like a zip file; {size:,} bytes)"
    return None


def _read_checked(path: Path) -> dict[str, np.ndarray]:
    """Read the npz at ``path`` and check it: its SHA-256, else its arrays' names, dtypes, shapes and
    bytes. Any problem raises one :class:`DataFileError`."""
    if not path.is_file():
        raise _damaged(path, "is missing" if not path.exists() else "is not a file")
    raw = path.read_bytes()
    problem = _sniff(raw[:64], len(raw))
    if problem:
        raise _damaged(path, problem)
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except Exception as e:  # truncated or corrupt zip, bad .npy header, object arrays...
        why = str(e).split("\n")[0]
        if "pickle" in why:           # numpy's advice to allow pickles is unsafe and wrong here
            why = "an array holds Python objects instead of numbers"
        raise _damaged(path, f"is damaged: reading it failed with {type(e).__name__}: {why} "
                             f"({len(raw):,} bytes; the shipped file has {_FILE_SIZE:,})") from None
    if hashlib.sha256(raw).hexdigest() == _FILE_SHA256:
        return arrays
    missing = [name for name in _EXPECTED if name not in arrays]
    if missing:
        raise _damaged(path, f"lacks the array(s) {', '.join(map(repr, missing))} "
                             f"(it holds {sorted(arrays) or 'none'})")
    for name, (dtype, shape) in _EXPECTED.items():
        a = arrays[name]
        if a.dtype != dtype or a.shape != shape:
            raise _damaged(path, f"has '{name}' as {a.dtype} {a.shape}; expected {dtype} {shape}")
    content = hashlib.sha256()
    for name in _EXPECTED:
        content.update(np.ascontiguousarray(arrays[name]).tobytes())
    if content.hexdigest() != _CONTENT_SHA256:
        raise _damaged(path, "has the expected arrays, but their values differ from the course's "
                             f"(SHA-256 of the arrays {content.hexdigest()[:12]}..., expected "
                             f"{_CONTENT_SHA256[:12]}...)")
    return arrays


@functools.lru_cache(maxsize=1)
def _load_npz() -> dict[str, np.ndarray]:
    """Read the shipped npz once, checked (see :func:`_read_checked`). The cached arrays are made
    read-only; callers get copies."""
    arrays = _read_checked(_MNIST_FILE)
    arrays["X"] = arrays["pixels"].astype(np.float32) / np.float32(255)  # (5000, 784) in [0, 1]
    arrays["y"] = arrays["labels"].astype(np.int64)  # (5000,)
    for array in arrays.values():
        array.flags.writeable = False
    return arrays


@dataclass(frozen=True, repr=False)
class Digits:
    r"""A split of the MNIST subset.

    Attributes
    ----------
    X : float32 array, shape ``(n, 784)``
        Pixels scaled to ``[0, 1]`` (grey level / 255); row ``i`` is image ``i`` read
        row by row, so ``X[i].reshape(28, 28)`` is the picture.
    y : int64 array, shape ``(n,)``
        The digit, 0 to 9.
    split : str
        ``"train"``, ``"test"`` or ``"all"``.
    """

    X: np.ndarray
    y: np.ndarray
    split: str

    @property
    def images(self) -> np.ndarray:
        """The same pixels as ``X``, shaped ``(n, 28, 28)`` (a view, not a copy)."""
        return self.X.reshape(-1, 28, 28)  # (n, 28, 28)

    def __len__(self) -> int:
        return self.X.shape[0]

    def __repr__(self) -> str:
        n, d = self.X.shape
        lo, hi = (0, 1) if n == 0 else (float(self.X.min()), float(self.X.max()))
        fmt = lambda v: f"{v:g}"  # noqa: E731  (0.0 -> "0", 1.0 -> "1")
        return (
            f"Digits(split={self.split!r}, n={n}, X: ({n}, {d}) {self.X.dtype} "
            f"in [{fmt(lo)}, {fmt(hi)}], y: {len(np.unique(self.y))} classes)"
        )


def load_digits(split: str = "train") -> Digits:
    r"""Load the course's 5,000 MNIST digits.

    Parameters
    ----------
    split : {"train", "test", "all"}
        ``"train"``: 4,000 images (400 per digit); ``"test"``: the other 1,000
        (100 per digit); ``"all"``: all 5,000, in file order (sorted by digit).

    Returns
    -------
    Digits
        ``X`` float32 ``(n, 784)`` in ``[0, 1]``, ``y`` int64 ``(n,)``, and ``images``
        ``(n, 28, 28)``. The arrays are fresh copies: changing them does not affect
        later calls.

    The split is fixed (see ``scripts/convert_mnist.py``), so every learner sees the same
    4,000 training images. The file is read once per process, checked and cached.

    Raises
    ------
    DataFileError
        When ``aelib/data/mnist_5k.npz`` is missing or damaged: its SHA-256 differs from the
        shipped file's and its arrays are not the expected ``pixels`` uint8 ``(5000, 784)``,
        ``labels`` uint8 ``(5000,)``, ``train_idx`` int32 ``(4000,)``, ``test_idx`` int32
        ``(1000,)`` with the shipped values. The message names the file, what is wrong and how to
        restore it.

    >>> train = load_digits("train")
    >>> train.X.shape, train.y.shape
    ((4000, 784), (4000,))
    """
    v.check_choice(split, "split", _SPLITS, "load_digits")
    data = _load_npz()
    if split == "all":
        X, y = data["X"].copy(), data["y"].copy()  # (5000, 784), (5000,)
    else:
        rows = data[f"{split}_idx"]  # (n,)
        X, y = data["X"][rows], data["y"][rows]  # (n, 784), (n,): fancy indexing copies
    assert X.flags.writeable and y.flags.writeable, "callers must get their own arrays"
    return Digits(X=X, y=y, split=split)


def xor() -> tuple[np.ndarray, np.ndarray]:
    r"""The XOR problem: the four binary inputs and their exclusive or.

    Returns
    -------
    X : float32 array, shape ``(4, 2)``
        Rows ``[0, 0], [0, 1], [1, 0], [1, 1]``.
    y : float32 array, shape ``(4, 1)``
        ``y = x_1 \oplus x_2``: ``[0], [1], [1], [0]``.
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)  # (4, 2)
    y = (X[:, :1] != X[:, 1:]).astype(np.float32)  # (4, 1)
    return X, y


def bars(n: int, size: int = 4, seed: int | np.random.Generator = 0) -> np.ndarray:
    r"""Bars-and-stripes images: each image shows a random subset of horizontal bars,
    or a random subset of vertical bars (never a mix).

    For each image, the orientation is horizontal or vertical with probability 1/2, and
    each of the ``size`` bars of that orientation is on (1) with probability 1/2;
    everything else is 0.

    Parameters
    ----------
    n : int
        Number of images, at least 1.
    size : int
        Images are ``size x size`` pixels, at least 1.
    seed : int or numpy.random.Generator
        Seed for ``np.random.default_rng``, or a Generator to draw from.

    Returns
    -------
    X : float32 array, shape ``(n, size * size)``
        Values in ``{0, 1}``; ``X[i].reshape(size, size)`` is image ``i``.
    """
    n = v.check_int(n, "n", "bars")
    size = v.check_int(size, "size", "bars")
    rng = v.check_rng(seed, "seed", "bars")
    on = rng.random((n, size)) < 0.5  # (n, size)  which bars are lit
    horizontal = rng.random(n) < 0.5  # (n,)
    rows = np.broadcast_to(on[:, :, None], (n, size, size))  # (n, size, size)  bar i = row i
    cols = np.broadcast_to(on[:, None, :], (n, size, size))  # (n, size, size)  bar j = column j
    images = np.where(horizontal[:, None, None], rows, cols)  # (n, size, size)
    return images.reshape(n, size * size).astype(np.float32)  # (n, size*size)


def noisy_circle(n: int, radius: float = 1.0, noise: float = 0.05, seed: int | np.random.Generator = 0) -> np.ndarray:
    r"""2-D points near a circle (lesson 08: what a denoising autoencoder estimates).

    Angle :math:`\theta \sim U(0, 2\pi)` and radius :math:`r = \text{radius} + \text{noise}\,\varepsilon`,
    :math:`\varepsilon \sim N(0, 1)`: the point :math:`(r\cos\theta, r\sin\theta)`. So the data lie within
    about ``noise`` of a curve, a 1-D manifold in the plane. Returns ``(n, 2)`` float32.
    """
    n = v.check_int(n, "n", "noisy_circle")
    radius = v.check_float(radius, "radius", "noisy_circle", low_open=True)
    noise = v.check_float(noise, "noise", "noisy_circle")
    rng = v.check_rng(seed, "seed", "noisy_circle")
    theta = rng.uniform(0.0, 2 * np.pi, n)                      # (n,)
    r = radius + noise * rng.standard_normal(n)                 # (n,)
    return np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1).astype(np.float32)   # (n, 2)
