"""aelib.probe: softmax regression (gradients, a hand-worked example, training) and nearest neighbours."""
import numpy as np
import pytest

import aelib
from aelib.probe import SoftmaxRegression, knn_accuracy, one_hot, softmax, softmax_cross_entropy, standardize


def _probe(n_features=6, n_classes=4, seed=0):
    r = np.random.default_rng(seed)
    p = SoftmaxRegression(n_features, n_classes, dtype="float64")
    p.set_params(W=r.normal(0, 1, (n_classes, n_features)), b=r.normal(0, 1, n_classes))
    X = r.normal(0, 1, (9, n_features))
    y = r.integers(0, n_classes, 9)
    return p, X, y


def test_probe_gradients_pass_finite_differences_in_float64():
    p, X, y = _probe()
    report = aelib.gradcheck(p, X, target=one_hot(y, 4), loss="softmax_cross_entropy")
    assert report.passed(1e-6), report


def test_probe_gradient_matches_a_hand_worked_two_class_example():
    # one example x = (1, 2), two classes, W = [[1, 0], [0, 1]], b = 0: logits (1, 2).
    # softmax: p = (1, e) / (1 + e); label 1 -> loss = -log(e / (1 + e)) = log(1 + e^-1)
    # dA = p - t = (1/(1+e), e/(1+e) - 1) = (0.26894, -0.26894); dW = dAᵀ x; db = dA
    p = SoftmaxRegression(2, 2, dtype="float64")
    p.set_params(W=np.eye(2), b=0)
    value, g = p.loss_and_grads(np.array([[1.0, 2.0]]), target=np.array([[0.0, 1.0]]))
    s = 1 / (1 + np.e)
    assert value == pytest.approx(np.log(1 + np.exp(-1.0)))
    np.testing.assert_allclose(g["b"], [s, -s])
    np.testing.assert_allclose(g["W"], [[s, 2 * s], [-s, -2 * s]])


def test_softmax_cross_entropy_is_stable_for_huge_logits_and_matches_the_direct_formula():
    A = np.array([[1000.0, 0.0, -1000.0], [0.5, 0.2, -0.1]])
    T = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    value = softmax_cross_entropy(A, T)
    direct_row2 = -np.log(np.exp(0.5) / np.exp([0.5, 0.2, -0.1]).sum())
    assert value == pytest.approx((1000.0 + direct_row2) / 2)
    np.testing.assert_allclose(softmax(A).sum(axis=1), 1.0)


def test_probe_learns_separable_classes_and_fit_uses_the_one_training_loop():
    r = np.random.default_rng(1)
    centres = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    y = r.integers(0, 3, 300)
    X = (centres[y] + 0.5 * r.normal(size=(300, 2))).astype(np.float32)
    p = SoftmaxRegression(2, 3)
    hist = p.fit(X, y, epochs=30, batch_size=32, lr=0.05)
    assert isinstance(hist, aelib.History) and hist.train_loss[-1] < 0.1 * hist.train_loss[0]
    assert p.accuracy(X, y) > 0.98
    np.testing.assert_array_equal(p.predict(X), p.predict_proba(X).argmax(axis=1))


def test_l2_penalty_shrinks_the_probe_weights():
    r = np.random.default_rng(2)
    X = r.normal(size=(200, 5)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    free, shrunk = SoftmaxRegression(5, 2), SoftmaxRegression(5, 2)
    free.fit(X, y, epochs=20, lr=0.05)
    shrunk.fit(X, y, epochs=20, lr=0.05, l2=0.1)
    assert np.abs(shrunk.params["W"]).sum() < 0.7 * np.abs(free.params["W"]).sum()


def test_knn_accuracy_agrees_with_a_brute_force_loop():
    r = np.random.default_rng(3)
    Htr, Hte = r.normal(size=(40, 3)), r.normal(size=(25, 3))
    ytr, yte = r.integers(0, 3, 40), r.integers(0, 3, 25)
    for k in (1, 3, 5):
        right = 0
        for q, label in zip(Hte, yte):
            d = ((Htr - q) ** 2).sum(axis=1)
            near = np.argsort(d, kind="stable")[:k]
            votes = np.bincount(ytr[near], minlength=3)
            right += int(np.argmax(votes) == label)
        assert knn_accuracy(Htr, ytr, Hte, yte, k=k, chunk=7) == pytest.approx(right / 25)


def test_knn_of_the_training_set_itself_is_perfect_for_k1():
    H = np.random.default_rng(4).normal(size=(30, 4))
    y = np.arange(30) % 5
    assert knn_accuracy(H, y, H, y, k=1) == 1.0


def test_standardize_uses_the_training_statistics_only():
    tr = np.array([[0.0, 10.0], [2.0, 30.0]])
    te = np.array([[1.0, 20.0], [5.0, 20.0]])
    ztr, zte = standardize(tr, te)
    np.testing.assert_allclose(ztr, [[-1, -1], [1, 1]])
    np.testing.assert_allclose(zte, [[0, 0], [4, 0]])          # (5 - 1) / 1, (20 - 20) / 10


@pytest.mark.parametrize("call, words", [
    (lambda: SoftmaxRegression(0), "'n_features'"),
    (lambda: SoftmaxRegression(4, 1), "'n_classes'"),
    (lambda: SoftmaxRegression(4, dtype="int8"), "'dtype'"),
    (lambda: SoftmaxRegression(4).fit(np.zeros((3, 5)), [0, 1, 2]), "'X'"),
    (lambda: SoftmaxRegression(4).fit(np.zeros((3, 4)), [0, 1]), "'y'"),
    (lambda: SoftmaxRegression(4).fit(np.zeros((3, 4)), [0, 1, 10]), "labels from 0 to 9"),
    (lambda: SoftmaxRegression(4).fit(np.zeros((3, 4)), [0, 1.5, 2]), "integer class labels"),
    (lambda: SoftmaxRegression(4).fit(np.zeros((3, 4)), [0, 1, 2], X_val=np.zeros((2, 4))), "'y_val'"),
    (lambda: SoftmaxRegression(4).loss(np.zeros((3, 4))), "'target'"),
    (lambda: SoftmaxRegression(4, 2).loss(np.zeros((2, 4)), target=np.ones((2, 2))), "sum to 1"),
    (lambda: SoftmaxRegression(4).loss(np.zeros((2, 4)), target=np.eye(10)[:2], loss="squared_error"), "'loss'"),
    (lambda: SoftmaxRegression(4).accuracy(np.zeros((3, 4)), [0, 1]), "'y'"),
    (lambda: knn_accuracy(np.zeros((3, 2)), [0, 1, 1], np.zeros((2, 3)), [0, 1]), "'H_test'"),
    (lambda: knn_accuracy(np.zeros((3, 2)), [0, 1, 1], np.zeros((2, 2)), [0, 1], k=4), "'k'"),
    (lambda: standardize(np.zeros((3, 2)), np.zeros((2, 3))), "'others[0]'"),
])
def test_bad_input_gets_an_error_naming_the_argument(call, words):
    with pytest.raises((ValueError, TypeError)) as e:
        call()
    assert words in str(e.value), str(e.value)
