"""The fast paths (aelib/fast.py) against the plain references they stand in for (issue 20).

What is promised, and checked here: the fast output head gives the reference's gradient to 3
float32 roundings of 1/B, and its loss to an absolute 2 eps (sum |a| + n) / B per example (the
reference is exact to rounding, also where the loss is tiny); the registry picks the fast version by
default and the reference inside ``aelib.fast.reference()``; and training with either path ends
at the same weights and losses up to that rounding, amplified by a few epochs (measured: 2e-7
on the weights after 3 epochs of a 784-64-784 model).
"""
import threading

import numpy as np
import pytest

import aelib
from aelib import fast, losses

F32 = float(np.finfo(np.float32).eps)


def logits_and_targets(shape, scale, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    a = rng.normal(0, scale, shape)
    a.flat[::11] = rng.choice([-100.0, -20.0, 0.0, 20.0, 100.0], size=a.flat[::11].shape)   # saturated too
    return a.astype(dtype), rng.random(shape).astype(dtype)


def exact(a, x):
    """The loss in float64 from the textbook form: an independent oracle for both heads."""
    a64, x64 = a.astype(np.float64), x.astype(np.float64)
    return float((np.logaddexp(0, a64) - x64 * a64).sum()) / (a.shape[0] if a.ndim > 1 else 1)


@pytest.mark.parametrize("shape", [(128, 784), (7, 13), (3, 64), (1, 1), (5,)])
@pytest.mark.parametrize("scale", [0.1, 4.0, 40.0])
@pytest.mark.parametrize("targets", ["grey", "binary, matching the logits"])
def test_fast_head_matches_the_reference_in_float32(shape, scale, targets):
    a, x = logits_and_targets(shape, scale)
    if targets != "grey":                          # a confident, nearly right output: the loss is tiny
        x = (a > 0).astype(np.float32)
    v_ref, g_ref = losses.cross_entropy_from_logits(a, x, grad=True)
    v_fast, g_fast = fast.cross_entropy_from_logits(a, x, grad=True)
    B = shape[0] if len(shape) > 1 else 1
    truth = exact(a, x)
    assert v_ref == pytest.approx(truth, rel=1e-5, abs=1e-30) and v_ref >= 0     # the reference: relative
    bound = 2 * F32 * (np.abs(a.astype(np.float64)).sum() + a.size) / B          # the fast head: absolute
    assert abs(v_fast - truth) <= bound
    assert g_fast.dtype == g_ref.dtype == np.float32 and g_fast.shape == g_ref.shape == shape
    # dA = (σ(a) - x) / B: σ from tanh(a/2) and from exp(-a) differ by about one rounding of σ
    assert np.abs(g_fast - g_ref).max() <= 3 * F32 / B


def test_fast_head_matches_the_reference_in_float64():
    a, x = logits_and_targets((64, 50), 5.0, dtype=np.float64)
    v_ref, g_ref = losses.cross_entropy_from_logits(a, x, grad=True)
    v_fast, g_fast = fast.cross_entropy_from_logits(a, x, grad=True)
    assert v_fast == pytest.approx(v_ref, rel=1e-12)
    np.testing.assert_allclose(g_fast, g_ref, rtol=0, atol=1e-15)


def test_a_solved_xor_net_gets_its_small_loss_from_the_reference_to_rounding():
    """The case where the fast value's absolute error shows: four outputs, confident and right."""
    a = np.array([[-9.0], [8.5], [8.0], [-9.5]], np.float32)
    x = np.array([[0.0], [1.0], [1.0], [0.0]], np.float32)
    truth = exact(a, x)                                                          # about 1.5e-4
    assert losses.cross_entropy_from_logits(a, x) == pytest.approx(truth, rel=1e-6)
    assert abs(fast.cross_entropy_from_logits(a, x) - truth) <= 2 * F32 * (np.abs(a).sum() + 4) / 4


def test_both_heads_against_the_probability_form_worked_by_hand():
    """One logit, one target, worked by hand: a = 0 gives z = 1/2, so the loss is log 2 whatever x is,
    and dL/da = 1/2 - x; a = log 3 gives z = 3/4, loss = -(x log 3/4 + (1 - x) log 1/4)."""
    for head in (losses.cross_entropy_from_logits, fast.cross_entropy_from_logits):
        v, g = head(np.array([[0.0]]), np.array([[0.3]]), grad=True)
        assert v == pytest.approx(np.log(2), rel=1e-12) and g[0, 0] == pytest.approx(0.2, rel=1e-12)
        v, g = head(np.array([[np.log(3)]]), np.array([[0.3]]), grad=True)
        assert v == pytest.approx(-(0.3 * np.log(0.75) + 0.7 * np.log(0.25)), rel=1e-12)
        assert g[0, 0] == pytest.approx(0.75 - 0.3, rel=1e-12)


def test_the_registry_picks_fast_by_default_and_the_reference_when_asked():
    chosen = aelib.LOSSES["cross_entropy"].value_from_logits
    assert chosen.fast is fast.cross_entropy_from_logits
    assert chosen.reference is losses.cross_entropy_from_logits
    a, x = logits_and_targets((16, 100), 4.0)
    assert fast.enabled()
    assert chosen(a, x) == fast.cross_entropy_from_logits(a, x)
    with fast.reference():
        assert not fast.enabled()
        assert chosen(a, x) == losses.cross_entropy_from_logits(a, x)
        assert chosen(a, x) != fast.cross_entropy_from_logits(a, x)      # so the switch is really thrown
    assert fast.enabled()
    assert "running: fast" in repr(chosen) and "aelib.fast.cross_entropy_from_logits" in repr(chosen)


def test_reference_in_one_thread_leaves_another_on_the_fast_path():
    seen, inside, release = [], threading.Event(), threading.Event()

    def other():
        inside.wait()
        seen.append(fast.enabled())
        release.set()
    t = threading.Thread(target=other)
    t.start()
    with fast.reference():
        inside.set()
        release.wait(10)
        assert not fast.enabled()
    t.join()
    assert seen == [True]


def test_reference_restores_the_fast_path_after_an_error_and_when_nested():
    with pytest.raises(ZeroDivisionError):
        with fast.reference():
            1 / 0
    assert fast.enabled()
    with fast.reference():
        with fast.reference():
            pass
        assert not fast.enabled()
    assert fast.enabled()


@pytest.mark.parametrize("make", [
    lambda: aelib.Autoencoder(784, 32, seed=0),
    lambda: aelib.Autoencoder(784, 16, encoder="relu", decoder="sigmoid", tied=False, seed=1),
    lambda: aelib.DeepAutoencoder([784, 32, 4, 32, 784], seed=2),
], ids=["tied-sigmoid", "untied-relu", "deep"])
def test_training_with_either_path_ends_at_the_same_weights(make):
    X = aelib.load_digits("train").X[:600]

    def train():
        model = make()
        hist = model.fit(X, epochs=2, batch_size=50, lr=0.05, optimizer="adam", seed=0, X_val=X[:100])
        return model, hist

    m_fast, h_fast = train()
    with fast.reference():
        m_ref, h_ref = train()
    np.testing.assert_allclose(h_fast.train_loss, h_ref.train_loss, rtol=1e-5)
    np.testing.assert_allclose(h_fast.val_loss, h_ref.val_loss, rtol=1e-5)
    for k in m_fast.params:
        np.testing.assert_allclose(m_fast.params[k], m_ref.params[k], rtol=0, atol=1e-4, err_msg=k)
    assert any(not np.array_equal(m_fast.params[k], m_ref.params[k]) for k in m_fast.params), \
        "the two paths gave the same bits: the reference was not used"


def test_gradcheck_passes_on_the_reference_path():
    ae = aelib.Autoencoder(12, 5, seed=3)
    X = np.random.default_rng(3).random((6, 12))
    with fast.reference():
        assert aelib.gradcheck(ae, X).max_error < 1e-7


def test_the_plain_sigmoid_keeps_float32_and_saturates_without_warnings():
    a = np.array([-1e4, -100.0, 0.0, 100.0, 1e4], np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # underflow is numpy's silent default
        h = aelib.activations.sigmoid(a)
    assert h.dtype == np.float32
    np.testing.assert_array_equal(h, np.array([0.0, 0.0, 0.5, 1.0, 1.0], np.float32))
