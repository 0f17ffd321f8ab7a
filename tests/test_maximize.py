"""aelib.maximize: activation maximisation under a norm constraint, and top activating inputs."""
import numpy as np
import pytest

from aelib import ACTIVATIONS
from aelib.maximize import closed_form_maximizer, cosine, maximize_input, maximize_unit, top_activating


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "identity", "softplus", "elu"])
def test_gradient_ascent_finds_the_closed_form(activation):
    rng = np.random.default_rng(0)
    W = rng.normal(0, 0.3, size=(4, 25))
    b = rng.normal(size=4)
    for unit in range(4):
        res = maximize_unit(W, b, unit, activation, norm=2.0, steps=300, lr=0.5, seed=unit)
        best = closed_form_maximizer(W, unit, norm=2.0)
        assert np.linalg.norm(res.x) == pytest.approx(2.0)
        assert cosine(res.x, best) > 0.999
        assert res.values[-1] >= res.values[0]
        f = ACTIVATIONS[activation].f
        assert f(np.array([W[unit] @ best + b[unit]]))[0] >= res.value - 1e-9


def test_maximize_input_respects_the_norm_and_accepts_a_start():
    target = np.array([3.0, -4.0])
    res = maximize_input(lambda x: (float(target @ x), target), 2, norm=5.0, steps=100, lr=0.3,
                         x0=np.array([1.0, 1.0]))
    assert np.allclose(res.x, target, atol=1e-6)       # 5 * target / |target| = target


def test_top_activating_orders_largest_first():
    H = np.array([[0.1, 5.0], [0.9, 1.0], [0.5, 3.0], [0.7, 4.0]])
    assert list(top_activating(H, 0, k=3)) == [1, 3, 2]
    assert list(top_activating(H, 1, k=2)) == [0, 3]
    assert len(top_activating(H, 0, k=10)) == 4


def test_bad_input_raises_clear_errors():
    W = np.ones((2, 3))
    with pytest.raises(ValueError, match="'unit'.*between 0 and 1"):
        closed_form_maximizer(W, 2)
    with pytest.raises(ValueError, match="all zeros"):
        closed_form_maximizer(np.zeros((1, 3)), 0)
    with pytest.raises(TypeError, match="objective"):
        maximize_input("not a function", 3)
    with pytest.raises(ValueError, match="norm"):
        maximize_unit(W, np.zeros(2), 0, norm=0.0)
