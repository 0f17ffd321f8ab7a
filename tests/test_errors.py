"""Bad input gets a clear error naming the argument, what was expected and what was given."""
import numpy as np
import pytest

import aelib
from aelib import Autoencoder, DeepAutoencoder

X_OK = np.random.default_rng(0).random((8, 6))

CASES = [
    # (call, exception, words the message must contain)
    (lambda: Autoencoder(6, 3, encoder="relu6"), ValueError, ["'encoder'", "Autoencoder", "'relu'", "'relu6'"]),
    (lambda: Autoencoder(6, 3, decoder=3), TypeError, ["'decoder'", "int"]),
    (lambda: Autoencoder(0, 3), ValueError, ["'n_visible'", ">= 1", "Got 0"]),
    (lambda: Autoencoder(6, -2), ValueError, ["'n_hidden'", "Got -2"]),
    (lambda: Autoencoder(6.5, 2), TypeError, ["'n_visible'", "integer", "6.5"]),
    (lambda: Autoencoder(6, 3, tied="yes"), TypeError, ["'tied'", "True or False"]),
    (lambda: Autoencoder(6, 3).loss_and_grads(X_OK, loss="mse"), ValueError,
     ["'loss'", "'cross_entropy'", "'mse'"]),
    (lambda: Autoencoder(5, 3).loss_and_grads(X_OK), ValueError, ["'X'", "5 columns", "(8, 6)"]),
    (lambda: Autoencoder(6, 3).loss_and_grads(X_OK[0]), ValueError, ["'X'", "2-d", "(6,)"]),
    # the fix is suggested (issue 19): one example as a row, or images flattened into rows
    (lambda: Autoencoder(6, 3).fit(X_OK[0]), ValueError, ["'X'", "(6,)", "X.reshape(1, -1), shape (1, 6)"]),
    (lambda: Autoencoder(6, 3).fit(X_OK.reshape(8, 2, 3)), ValueError,
     ["'X'", "(8, 2, 3)", "X.reshape(len(X), -1), shape (8, 6)"]),
    (lambda: Autoencoder(6, 3).fit(X_OK, X_val=X_OK.reshape(8, 3, 2)), ValueError,
     ["'X_val'", "X_val.reshape(len(X_val), -1)"]),
    (lambda: Autoencoder(6, 3).loss_and_grads(np.where(X_OK > 0.9, np.nan, X_OK)), ValueError,
     ["'X'", "finite", "NaN"]),
    (lambda: Autoencoder(6, 3).loss_and_grads(X_OK * 3), ValueError,
     ["'X'", "[0, 1]", "cross_entropy", "squared_error"]),
    (lambda: Autoencoder(6, 3).loss_and_grads(X_OK, target=X_OK[:3]), ValueError, ["'target'", "rows"]),
    (lambda: Autoencoder(6, 3, decoder="relu").loss_and_grads(X_OK), ValueError,
     ["'loss'", "'relu'", "sigmoid", "squared_error"]),
    (lambda: Autoencoder(6, 3).loss_and_grads("digits"), TypeError, ["'X'", "numeric array", "str"]),
    (lambda: Autoencoder(6, 3).fit(X_OK, lr=-0.1), ValueError, ["'lr'", "(0, inf)", "-0.1"]),
    (lambda: Autoencoder(6, 3).fit(X_OK, epochs=0), ValueError, ["'epochs'", ">= 1", "Got 0"]),
    (lambda: Autoencoder(6, 3).fit(X_OK, batch_size=0), ValueError, ["'batch_size'", ">= 1"]),
    (lambda: Autoencoder(6, 3).fit(X_OK, batch_size=2.5), TypeError, ["'batch_size'", "integer"]),
    (lambda: Autoencoder(6, 3).fit(X_OK, optimizer="rmsprop"), ValueError, ["'optimizer'", "'adam'", "'rmsprop'"]),
    (lambda: Autoencoder(6, 3).fit(X_OK, noise=0.3), TypeError, ["'noise'", "masking", "float"]),
    (lambda: Autoencoder(6, 3).fit(X_OK, X_val=X_OK[:, :4]), ValueError, ["'X_val'", "6 columns"]),
    (lambda: Autoencoder(6, 3).decode(np.zeros((2, 4))), ValueError, ["'H'", "3 columns"]),
    (lambda: Autoencoder(6, 3).set_params(W=np.zeros((6, 3))), ValueError, ["'W'", "(3, 6)", "(6, 3)"]),
    (lambda: Autoencoder(6, 3).set_params(V=1), ValueError, ["'parameter name'", "'W'", "'V'"]),
    (lambda: DeepAutoencoder([6, 2, 5]), ValueError, ["'sizes'", "end with the input size"]),
    (lambda: DeepAutoencoder([6, 3, 6], activations=["relu"]), ValueError, ["'activations'", "one entry per layer"]),
    (lambda: aelib.masking(1.5), ValueError, ["'fraction'", "[0, 1]", "1.5"]),
    (lambda: aelib.gaussian(-0.1), ValueError, ["'sigma'", "-0.1"]),
    (lambda: aelib.salt_and_pepper(0.1, seed="a"), TypeError, ["'seed'", "Generator", "'a'"]),
    (lambda: aelib.make_noise("speckle", 0.1), ValueError, ["'kind'", "'masking'", "'speckle'"]),
    (lambda: aelib.gradcheck(Autoencoder(6, 3), X_OK, eps=0), ValueError, ["'eps'", "(0, inf)"]),
]


@pytest.mark.parametrize("call,exc,words", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_bad_input_gets_a_clear_error(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    message = str(info.value)
    for w in words:
        assert w in message, f"{w!r} missing from: {message}"
