r"""Checks for the exercise notebooks: one function per exercise, feedback that teaches.

Each ``check_N_M`` takes what the learner wrote (a function, a prediction, or the results of an
experiment), prints **one line** and returns ``True`` (correct) or ``False`` (a :class:`Result`, an int equal to
them that a notebook does not echo):

    ✓ Exercise 2.1: correct (tested on batches of 1, 4 and 33 rows, float32 and float64).
    ✗ Exercise 2.1: the result is 784 times too small: you averaged over the pixels too; ...
    Exercise 2.1: not answered yet — write your code in the cell above, then run this cell again.

How a check judges a function the learner wrote:

* it calls it on several seeded inputs (batch sizes 4, 33 and 1; float32 and float64) and compares
  with a reference computed here, in float64, with a tolerance that a float32 answer meets;
* when the answer differs, it compares it with the *typical wrong answers* (flipped sign,
  transposed weights, forgotten bias, sum instead of mean, wrong axis, noisy target, ...) and
  names the one that matches; otherwise it reports the shape or the largest difference;
* an answer that still raises ``NotImplementedError`` (the learner copy's placeholder), or a
  top-level answer still set to ``...``, is "not answered yet", never a traceback;
* any other error raised by the learner's code is reported in one line (type and message), with
  a hint when it is a shape mismatch in a matrix product.

How a check judges a prediction or an exploration: it re-runs the notebook's experiment with the
notebook's seeds (cached, a few seconds at most) and compares the numbers it was given with its own,
so made-up, rounded, float64 or mis-scored numbers (against the noisy input, on the training
digits...) are named; the verdict and the message are phrased from the measured numbers.

Any answer of any type (lists, strings, 0-d arrays, None, NaN, float16...) gets one line, never
a traceback. Checks never change the learner's arrays, and use their own seeded generators.
Only numpy is imported here (a check that trains a small model imports ``aelib`` when it runs).

The package: ``framework.py`` (the verdict, calling and comparing) and one module per lesson,
``lessonNN.py``; this file only re-exports them. A new lesson adds one line below.
"""
from __future__ import annotations

from .framework import BATCHES, DTYPES, TESTED_ON, NotAnswered, Result, Wrong  # noqa: F401
from .lesson01 import *  # noqa: F401,F403
from .lesson02 import *  # noqa: F401,F403
from .lesson03 import *  # noqa: F401,F403
from .lesson04 import *  # noqa: F401,F403
from .lesson05 import *  # noqa: F401,F403
from .lesson06 import *  # noqa: F401,F403
from .lesson07 import *  # noqa: F401,F403
from .lesson08 import *  # noqa: F401,F403
from .lesson09 import *  # noqa: F401,F403

# every check_N_M imported above, in lesson then exercise order
__all__ = sorted((name for name in dir() if name.startswith("check_")),
                 key=lambda name: tuple(int(part) for part in name.split("_")[1:]))
