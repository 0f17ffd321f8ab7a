"""Ctrl-C during fit, resuming with the same optimiser, and a learning rate too small to train (issue 19).

The interrupt is simulated deterministically: an optimiser whose ``step`` raises KeyboardInterrupt,
or sends the process a real SIGINT (what Ctrl-C and Jupyter's "interrupt the kernel" do) halfway
through its parameters, at a chosen step. The oracle for the parameters is a hand-written SGD loop
(the same shuffles, ``model.loss_and_grads`` and ``p -= lr * g``), not fit.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import aelib
from aelib import Autoencoder
from aelib.optim import SGD, Adam
from aelib.train import TrainingInterrupted

REPO = Path(__file__).resolve().parent.parent
X = np.random.default_rng(0).random((40, 12)).astype(np.float32)   # 40 examples: 4 batches of 10
LR, BATCH, SEED = 0.5, 10, 3


def model():
    return Autoencoder(12, 5, seed=1)


def hand_sgd(steps: int):
    """``steps`` SGD steps done by hand, with fit's shuffles (one permutation per epoch from ``SEED``)."""
    m = model()
    rng = np.random.default_rng(SEED)
    done = 0
    while done < steps:
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH):
            _, grads = m.loss_and_grads(X[order[start:start + BATCH]])
            for k, p in m.params.items():
                p -= np.float32(LR) * grads[k]
            done += 1
            if done == steps:
                break
    return m


class InterruptAt(SGD):
    """SGD that is interrupted at step ``at``: before it updates anything (``how="before"``), or by a
    real SIGINT sent after it updated its first parameter (``how="sigint"``)."""

    def __init__(self, lr, at, how):
        super().__init__(lr)
        self.at, self.how, self.calls = at, how, 0

    def step(self, params, grads):
        self.calls += 1
        if self.calls == self.at and self.how == "before":
            raise KeyboardInterrupt
        for i, (k, p) in enumerate(params.items()):
            p -= self.lr * grads[k]
            if self.calls == self.at and self.how == "sigint" and i == 0:
                signal.raise_signal(signal.SIGINT)   # Python runs the handler right here, mid-step


def same_params(a, b):
    return all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


def test_the_oracle_is_fit_itself_when_nothing_interrupts():
    m = model()
    m.fit(X, epochs=2, batch_size=BATCH, lr=LR, seed=SEED)
    assert same_params(m, hand_sgd(8)) and not same_params(m, hand_sgd(7))


@pytest.mark.parametrize("how, steps_applied", [("before", 9), ("sigint", 10)])
def test_interrupt_keeps_the_finished_epochs_and_whole_steps(how, steps_applied):
    """Interrupted at step 10 (epoch 3, its 2nd batch): 2 epochs are kept. A SIGINT halfway through step
    10 is held until the step is done, so the model is exactly 10 hand steps, not W updated and b not."""
    m = model()
    with pytest.raises(TrainingInterrupted) as info:
        m.fit(X, epochs=5, batch_size=BATCH, optimizer=InterruptAt(LR, at=10, how=how), seed=SEED)
    assert isinstance(info.value, KeyboardInterrupt)        # a loop over fits (a cell) still stops
    hist = info.value.history
    assert hist.interrupted and not hist.diverged
    clean = model().fit(X, epochs=2, batch_size=BATCH, lr=LR, seed=SEED)
    assert hist.train_loss == clean.train_loss and len(hist.time) == 2
    assert same_params(m, hand_sgd(steps_applied))
    assert not same_params(m, hand_sgd(steps_applied - 1))
    message = str(info.value)
    assert "\n" not in message and "interrupted" in message and "after 2 of 5 epochs" in message
    assert "sys.last_value.history" in message
    assert hist.status == hist.message and "after 2 of 5 epochs" in repr(hist)


def test_without_the_guard_a_mid_step_sigint_would_leave_W_updated_and_b_not():
    """The same optimiser outside fit: the SIGINT interrupts it between parameters. This is what the
    guard in fit prevents, and shows that the test above can fail."""
    m = model()
    opt = InterruptAt(LR, at=1, how="sigint")
    _, grads = m.loss_and_grads(X[:10])
    before = {k: p.copy() for k, p in m.params.items()}
    with pytest.raises(KeyboardInterrupt):
        opt.step(m.params, grads)
    changed = [not np.array_equal(m.params[k], before[k]) for k in m.params]
    assert changed[0] and not any(changed[1:])


def test_on_interrupt_stop_returns_the_history_and_prints_one_line(capsys):
    hist = model().fit(X, epochs=5, batch_size=BATCH, optimizer=InterruptAt(LR, at=14, how="before"),
                       seed=SEED, on_interrupt="stop")
    assert hist.interrupted and len(hist.train_loss) == 3
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [hist.message] and "after 3 of 5 epochs" in out[0]
    assert "sys.last_value" not in out[0]                  # nothing was raised


def test_an_interrupt_between_an_epochs_records_keeps_the_lists_aligned():
    """Ctrl-C during epoch 3's held-out evaluation: its training loss was appended, its held-out loss not."""
    m = model()
    calls = {"n": 0}
    real = m.objective

    def objective(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args)

    m.objective = objective
    hist = m.fit(X, epochs=5, batch_size=BATCH, lr=LR, seed=SEED, X_val=X[:8], on_interrupt="stop")
    assert len(hist.train_loss) == len(hist.val_loss) == len(hist.time) == 2


@pytest.mark.parametrize("interrupt", [False, True])
def test_fit_puts_back_the_sigint_handler(interrupt):
    before = signal.getsignal(signal.SIGINT)
    opt = InterruptAt(LR, at=3, how="sigint" if interrupt else "never")
    model().fit(X, epochs=2, batch_size=BATCH, optimizer=opt, seed=SEED, on_interrupt="stop")
    assert signal.getsignal(signal.SIGINT) is before


def test_the_same_optimizer_object_continues_its_state():
    """Two fits of 2 epochs with one Adam object (and one shuffling Generator) are one fit of 4 epochs,
    bit for bit. A fresh optimizer="adam" restarts the moments and gives other numbers."""
    one = model()
    one.fit(X, epochs=4, batch_size=BATCH, optimizer=Adam(0.01), seed=np.random.default_rng(SEED))
    two, opt, rng = model(), Adam(0.01), np.random.default_rng(SEED)
    h1 = two.fit(X, epochs=2, batch_size=BATCH, optimizer=opt, seed=rng)
    h2 = two.fit(X, epochs=2, batch_size=BATCH, optimizer=opt, seed=rng)
    assert same_params(one, two) and opt.t == 16
    restarted, rng = model(), np.random.default_rng(SEED)
    restarted.fit(X, epochs=2, batch_size=BATCH, optimizer="adam", lr=0.01, seed=rng)
    restarted.fit(X, epochs=2, batch_size=BATCH, optimizer="adam", lr=0.01, seed=rng)
    assert not same_params(one, restarted)
    assert len(h1.train_loss) == len(h2.train_loss) == 2


def test_an_optimizer_object_from_another_model_is_refused():
    opt = Adam(0.01)
    model().fit(X, epochs=1, batch_size=BATCH, optimizer=opt)
    other = Autoencoder(12, 3, seed=0)
    with pytest.raises(ValueError, match=r"'optimizer' parameter of fit holds state \(m\) for a parameter 'W'"):
        other.fit(X, epochs=1, optimizer=opt)
    with pytest.raises(ValueError, match=r"optimizer options \['momentum'\] of fit must not be given"):
        model().fit(X, epochs=1, optimizer=SGD(0.1), momentum=0.9)


def test_a_learning_rate_too_small_to_change_anything_warns():
    m = model()
    W = m.params["W"].copy()
    with pytest.warns(RuntimeWarning, match=r"no weight changed in epoch 1: lr=1e-12 .* float32"):
        m.fit(X, epochs=2, batch_size=BATCH, lr=1e-12, seed=SEED)
    assert np.array_equal(m.params["W"], W)                 # independent: nothing moved indeed
    # why: each update is below half the spacing of float32 numbers around the weights
    _, grads = m.loss_and_grads(X[:BATCH])
    assert np.all(np.abs(1e-12 * grads["W"]) < np.spacing(np.abs(W)) / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                     # a small but effective lr: no warning
        m.fit(X, epochs=1, batch_size=BATCH, lr=1e-4, seed=SEED)
    assert not np.array_equal(m.params["W"], W)


def test_zero_gradients_are_not_blamed_on_the_learning_rate():
    """Dead ReLU units: every weight gradient is 0, nothing moves at any lr; the lr warning stays quiet."""
    m = Autoencoder(12, 5, encoder="relu", decoder="sigmoid", tied=False, seed=1)
    m.params["W"][:] = -1.0                                 # X >= 0, b = 0: every pre-activation < 0
    W = m.params["W"].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.fit(X, epochs=1, batch_size=BATCH, lr=0.1, seed=SEED)
    assert np.array_equal(m.params["W"], W)


def test_on_interrupt_is_checked():
    with pytest.raises(ValueError, match=r"'on_interrupt' parameter of fit must be one of \{'raise', 'stop'\}"):
        model().fit(X, epochs=1, on_interrupt="ignore")


CTRL_C_SCRIPT = """
import numpy as np, aelib
X = np.random.default_rng(0).random((2000, 64)).astype(np.float32)
m = aelib.Autoencoder(64, 32, seed=0)
h = m.fit(X, epochs=100000, batch_size=1, lr=0.01, progress=True, on_interrupt="stop")
print("returned", h.interrupted, len(h.train_loss) == len(h.time), np.isfinite(m.params["W"]).all(), flush=True)
"""


def test_a_real_ctrl_c_in_a_python_process():
    """As a learner meets it: a long fit in a fresh interpreter, a SIGINT once it printed its first
    progress line; the process returns the history and exits normally."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C_SCRIPT], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    first = proc.stdout.readline()
    assert first.startswith("epoch"), first + proc.stderr.read()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    lines = out.strip().splitlines()
    assert "training interrupted (KeyboardInterrupt)" in lines[-2]
    assert lines[-1] == "returned True True True"
