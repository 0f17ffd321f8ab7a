"""Run the collected tests in another order, to show that no test depends on what ran before it.

    PYTHONPATH=tests python -m pytest -p order_plugin --test-order=reverse tests/test_core.py ...
    PYTHONPATH=tests python -m pytest -p order_plugin --test-order=random:7 tests/test_core.py ...

``reverse`` runs the whole collection back to front (modules and the tests inside them);
``random:SEED`` shuffles it with a seeded generator (module-scoped fixtures may then be set up
more than once). Loaded only with ``-p order_plugin``; the normal run keeps the file order.
"""
from __future__ import annotations

import random


def pytest_addoption(parser):
    parser.addoption("--test-order", default="file", metavar="ORDER",
                     help="file (default), reverse, or random:SEED")


def pytest_collection_modifyitems(session, config, items):
    order = config.getoption("--test-order")
    if order == "file":
        return
    if order == "reverse":
        items.reverse()
    elif order.startswith("random:"):
        random.Random(int(order.split(":", 1)[1])).shuffle(items)
    else:
        raise ValueError(f"The '--test-order' option must be file, reverse or random:SEED. Got {order!r} instead.")


def pytest_report_header(config):
    return f"test order: {config.getoption('--test-order')}"
