"""The shipped digits checked against independent oracles: the image orientation, every field of
every split, and the toy data sets' definitions (issue 23). The file format and the damaged-file
errors are tested in test_datasets.py."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aelib.datasets import bars, load_digits, xor

NPZ = Path(__file__).resolve().parent.parent / "aelib" / "data" / "mnist_5k.npz"


@pytest.fixture(scope="module")
def raw():
    """The file's own arrays, read with numpy directly (not through aelib)."""
    with np.load(NPZ, allow_pickle=False) as npz:
        return {k: npz[k] for k in ("pixels", "labels", "train_idx", "test_idx")}


@pytest.mark.parametrize("split", ["train", "test", "all"])
def test_images_are_the_rows_read_row_by_row(split):
    """images[i, r, c] is pixel 28 r + c of X[i] (row-major), for a few pixels picked by hand."""
    d = load_digits(split)
    for i, r, c in ((0, 5, 20), (len(d) - 1, 20, 5), (17 % len(d), 14, 3)):
        assert d.images[i, r, c] == d.X[i, 28 * r + c]
    np.testing.assert_array_equal(d.images[3], d.X[3].reshape(28, 28))


def test_digit_one_is_upright():
    """An independent look at the orientation: the stroke of a '1' runs from top to bottom, so in
    each image the ink varies far more along the rows (axis 1 of images) than along the columns
    (transposed, it would lie on its side). Measured: the median variance ratio is about 7."""
    d = load_digits("all")
    ink = d.images[d.y == 1].astype(np.float64)                 # (500, 28, 28) rows, columns
    pos = np.arange(28.0)

    def variance(profile):                                      # (500, 28) ink per row (or column)
        w = profile / profile.sum(axis=1, keepdims=True)
        mean = (w * pos).sum(axis=1, keepdims=True)
        return (w * (pos - mean) ** 2).sum(axis=1)

    ratio = variance(ink.sum(axis=2)) / variance(ink.sum(axis=1))
    assert np.median(ratio) > 3 and np.mean(ratio > 2) > 0.9


def test_digit_seven_has_its_bar_at_the_top():
    """A '7': the horizontal bar is in the upper half (flipped upside down, it would be at the bottom)."""
    d = load_digits("all")
    sevens = d.images[d.y == 7].mean(axis=0)                    # (28, 28)
    widest_row = int(np.argmax((sevens > 0.2).sum(axis=1)))
    assert widest_row < 14, widest_row


@pytest.mark.parametrize("split", ["train", "test", "all"])
def test_every_field_of_every_split_against_the_file(split, raw):
    d = load_digits(split)
    rows = {"train": raw["train_idx"], "test": raw["test_idx"], "all": np.arange(5000)}[split]
    np.testing.assert_array_equal(d.X, raw["pixels"][rows].astype(np.float32) / np.float32(255))
    np.testing.assert_array_equal(d.y, raw["labels"][rows])
    np.testing.assert_array_equal(d.images, raw["pixels"][rows].reshape(-1, 28, 28) / np.float32(255))
    assert d.split == split and len(d) == len(rows)
    assert d.X.dtype == np.float32 and d.y.dtype == np.int64


def test_train_and_test_fields_are_different_rows_of_all(raw):
    """test.X with test.y and train.X with train.y stay paired: each pair is the same row of 'all'."""
    all_, train, test = load_digits("all"), load_digits("train"), load_digits("test")
    for part, idx in ((train, raw["train_idx"]), (test, raw["test_idx"])):
        for i in (0, 1, len(part) // 2, len(part) - 1):
            j = idx[i]
            np.testing.assert_array_equal(part.X[i], all_.X[j])
            assert part.y[i] == all_.y[j]
    assert not np.array_equal(train.X[:1000], test.X)
    assert len(train) == 4000 and len(test) == 1000


def test_xor_worked_by_hand():
    X, y = xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [[0], [1], [1], [0]])
    assert X.dtype == y.dtype == np.float32


def test_bars_are_whole_rows_or_whole_columns_and_both_kinds_appear():
    X = bars(200, size=5, seed=1)
    imgs = X.reshape(-1, 5, 5)
    horizontal = vertical = 0
    for im in imgs:
        rows_whole = np.all((im == 0) | (im == 1)) and np.all(im == im[:, :1])     # each row constant
        cols_whole = np.all(im == im[:1, :])                                      # each column constant
        assert rows_whole or cols_whole
        horizontal += rows_whole and not cols_whole
        vertical += cols_whole and not rows_whole
    assert horizontal > 50 and vertical > 50                    # about half each of 200 (blank/full: both)
    # the bar states: the first column of a horizontal image, the first row of a vertical one
    states = np.concatenate([im[:, 0] if np.all(im == im[:, :1]) else im[0] for im in imgs])
    assert abs(states.mean() - 0.5) < 3 * np.sqrt(0.25 / states.size)     # each bar on with probability 1/2
