"""aelib: the small numpy library behind the autoencoder course.

    >>> import aelib
    >>> data = aelib.load_digits("train")
    >>> ae = aelib.Autoencoder(784, 64, encoder="sigmoid", decoder="sigmoid", tied=True, seed=0)
    >>> history = ae.fit(data.X, epochs=5, batch_size=64, lr=0.1)

Importing aelib loads numpy only; plotting (``aelib.viz``), symbolic maths (``aelib.symbolic``)
and widgets (``aelib.widgets``) are imported on demand.

The modules are layered, each importing only from the layers below it (``tests/test_layering.py``
holds the list): ``_validate`` -> ``fast`` (the optimised versions of a few formulas, each beside
nothing else and tested equal to its reference) -> formulas (``activations``, ``noise``, ``optim``,
``penalties``, ``datasets``, ...) -> ``layers`` and ``losses`` -> ``train`` and ``gradcheck``, which use only a
model's protocol (``prepare``, ``objective``, ``objective_and_grads``; see :class:`aelib.model.Model`)
-> ``model`` -> ``vae``, ``probe``, ``stacked`` -> this package -> ``viz``, ``widgets``, ``symbolic``
-> ``claims`` -> ``checks``.
"""
from . import fast
from ._env import use_writable_matplotlib_dir as _use_writable_matplotlib_dir
from .activations import ACTIVATIONS, Activation, get_activation, register
from .datasets import bars, load_digits, xor
from .gradcheck import GradcheckReport, gradcheck
from .losses import LOSSES, Loss, get_loss
from .model import Autoencoder, DeepAutoencoder, Network
from .noise import NOISES, Noise, gaussian, make_noise, masking, salt_and_pepper
from .optim import OPTIMIZERS, make_optimizer
from .train import History, TrainingDiverged, TrainingInterrupted, fit

_use_writable_matplotlib_dir()   # a read-only home: one fixed matplotlib folder, no warnings (aelib/_env.py)

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation", "register",
    "bars", "load_digits", "xor",
    "GradcheckReport", "gradcheck",
    "LOSSES", "Loss", "get_loss",
    "Autoencoder", "DeepAutoencoder", "Network",
    "NOISES", "Noise", "gaussian", "make_noise", "masking", "salt_and_pepper",
    "OPTIMIZERS", "make_optimizer",
    "History", "TrainingDiverged", "TrainingInterrupted", "fit",
]
