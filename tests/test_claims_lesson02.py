"""Lesson 02's claim module: the pieces it adds to the protocol (the score, the data, the kept runs)."""
import numpy as np

from aelib.claims import lesson02, registry, run_arms


def test_squared_error_sums_over_pixels_and_averages_over_digits():
    X = np.array([[0.0, 1.0, 0.5], [1.0, 1.0, 0.0]], np.float32)
    Z = np.array([[0.5, 1.0, 0.0], [0.0, 0.0, 0.0]], np.float32)
    # digit 1: 0.25 + 0 + 0.25 = 0.5; digit 2: 1 + 1 + 0 = 2; mean 1.25 (worked by hand)
    assert lesson02.squared_error(X, Z) == 1.25


def test_sgd_subset_is_50_fit_digits_per_class_and_never_validation_digits():
    small, val, test = lesson02.sgd_subset()
    assert small.X.shape == (500, 784) and np.all(np.bincount(small.y) == 50)
    fit, val2, _ = lesson02._data()
    rows = {r.tobytes() for r in fit.X}
    assert all(r.tobytes() in rows for r in small.X)
    assert not {r.tobytes() for r in small.X} & {r.tobytes() for r in val.X}
    assert test.X.shape == (1000, 784)


def test_keeper_returns_the_seed_0_run_at_the_chosen_rate():
    keep = lesson02._Keeper()

    def train(lr, seed):                      # validation best at lr 0.1; the "model" records its run
        return (lr, seed), f"history {lr} {seed}", abs(lr - 0.1), 10 * seed + lr

    arms = run_arms({"arm": keep.arm("arm", train)}, [0.01, 0.1, 1.0], seeds=(0, 1, 2), tuning_seeds=(0,))
    assert arms["arm"].lr == 0.1
    assert keep.extras(arms) == {"arm": {"model": (0.1, 0), "history": "history 0.1 0"}}


def test_every_lesson_02_claim_is_registered_with_lesson_and_curriculum():
    ids = {cid for cid, c in registry.load_all().items() if c.lesson == "02"}
    assert ids == {"02.pca-linear", "02.pca-nonlinear", "02.pca-deep", "02.sgd"}
    assert all(registry.REGISTRY[cid].curriculum for cid in ids)


def test_continued_fit_is_one_fit_of_the_last_checkpoint():
    """The 10-epoch score of the nonlinear check is a checkpoint of the 40-epoch run: stopping and
    going on with the same optimiser and generator must give exactly one uninterrupted fit."""
    from aelib.model import Autoencoder
    fit, _, _ = lesson02._data()
    X = fit.X[:300]
    a = Autoencoder(784, 8, encoder="sigmoid", decoder="sigmoid", tied=False, seed=3)
    a.fit(X, epochs=3, batch_size=64, lr=0.01, optimizer="adam", loss="squared_error", seed=3)
    b = Autoencoder(784, 8, encoder="sigmoid", decoder="sigmoid", tied=False, seed=3)
    seen = [e for e, _ in lesson02.continued_fit(b, X, [1, 3], lr=0.01, seed=3, batch_size=64,
                                                  loss="squared_error")]
    assert seen == [1, 3]
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
