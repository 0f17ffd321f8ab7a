#!/usr/bin/env python3
r"""How fast does aelib train, against PyTorch on the same CPU, and how long does the course take?

    python -m benchmarks.bench                 # everything; writes benchmarks/RESULTS.md (make bench)
    python -m benchmarks.bench --no-course     # only the training benchmark
    python -m benchmarks.bench --quick         # fewer epochs and rounds (a smoke test)

Run it from the repository's root, as a module (``-m``): it imports the scripts' toolkit as
``scripts.nbtools`` (the notebook runner of ``make times``, the paths), with no import-path edits.

What it measures, in one run:

1. **Matmul peak**: this machine's float32 matrix-multiply rate (GFLOP/s) through numpy's BLAS,
   best of several ``(N, N) @ (N, N)`` products, with the BLAS threads the models use.
2. **Two models, trained the same way in aelib and in PyTorch** (CPU, float32, same shapes,
   same initial weights, same minibatch order, same number of threads: ``torch.set_num_threads``
   is set to numpy's BLAS thread count read with threadpoolctl) on the 4,000 bundled training
   digits, minibatch 128:

   * ``784-128-784``: tied weights, sigmoid encoder and decoder, cross-entropy, SGD (lr 0.1);
   * ``784-128-64-2-64-128-784``: ReLU, identity bottleneck, sigmoid output, cross-entropy, Adam
     (lr 1e-3).

   PyTorch is written the way its users write it: ``F.linear``, ``torch.sigmoid``,
   ``binary_cross_entropy_with_logits``, ``loss.backward()``, ``torch.optim``; both sides compute
   the loss of every batch (aelib's ``fit`` records it) and shuffle every epoch. Each framework
   runs in its own subprocess (PyTorch's OpenMP threads would otherwise spin beside OpenBLAS's),
   alternating, several rounds; the figure per epoch is the best epoch over all rounds, the
   usual estimate of what the code costs when the machine is not busy elsewhere (the median is
   printed too). Achieved GFLOP/s counts the matmul FLOPs of forward and backward over an
   epoch (``2·n·n_in·n_out`` per product; the backward pass skips ``dX`` of the first layer).
   The *matmul-only* line times just those products, at the same shapes, with nothing else
   around them: the ceiling for these shapes.
3. **The whole course**: every notebook in ``notebooks/``, ``solutions/`` and ``exercises/``
   executed from a copy in memory (the files are never written) in a fresh kernel with its own
   folder as working directory, slowest first, with the kernel's CPU time beside the wall time.

Without PyTorch (it is the optional extra ``benchmark``: ``pip install -e '.[benchmark]'``, a CPU
build is enough) the PyTorch columns say so and the rest is reported. The machine (CPU, cores,
numpy and its BLAS, the load average at start and end) goes into RESULTS.md with the numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

if not __package__:  # run as a file: `scripts` is not importable from here
    sys.exit("Run the benchmark from the repository's root as a module: python -m benchmarks.bench (or make bench).")
from scripts import nbtools  # noqa: E402
from scripts.nbtools import FOLDERS, ROOT, THREAD_VARIABLES, cpu_model, load_average  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"

BATCH = 128
MODELS = {
    "shallow": {"title": "784-128-784 tied sigmoid/sigmoid, cross-entropy, SGD", "sizes": [784, 128, 784],
                "optimizer": "sgd", "lr": 0.1},
    "deep": {"title": "784-128-64-2-64-128-784 ReLU/identity/sigmoid, cross-entropy, Adam",
             "sizes": [784, 128, 64, 2, 64, 128, 784], "optimizer": "adam", "lr": 1e-3},
}
TARGETS = {"shallow_speedup": 1.2, "deep_speedup": 1.0, "shallow_matmul_ratio": 1.5, "shallow_peak_fraction": 0.5,
           "course_seconds": 120.0}


# ------------------------------------------------------------------------------ FLOP counting

def matmul_flops_per_epoch(sizes, n: int) -> float:
    """Matmul FLOPs of one epoch over ``n`` examples, forward and backward.

    Per layer ``(n_in -> n_out)``: forward ``A = X Wᵀ`` and backward ``dW = dAᵀ X`` cost
    ``2·n·n_in·n_out`` each; ``dX = dA W`` costs the same for every layer but the first.
    784-128-784: 5 products of 2·n·784·128 (4.0 GFLOP per epoch of 4,000 digits).
    """
    pairs = list(zip(sizes[:-1], sizes[1:]))
    macs = sum(2 * a * b for a, b in pairs) + sum(a * b for a, b in pairs[1:])
    return 2.0 * n * macs


# ------------------------------------------------------------------------------ threads, machine

def blas_info() -> dict:
    """numpy's BLAS: library, version, kernel ('architecture') and threads, via threadpoolctl if present."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return {"threads": os.cpu_count(), "note": "threadpoolctl not installed (pip install threadpoolctl)"}
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return {"library": pool.get("internal_api"), "version": pool.get("version"),
                    "kernel": pool.get("architecture"), "threads": pool.get("num_threads"),
                    "threading": pool.get("threading_layer"), "file": Path(pool.get("filepath", "")).name}
    return {"threads": os.cpu_count(), "note": "no BLAS thread pool found by threadpoolctl"}


def machine() -> dict:
    info = {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()} {platform.machine()}",
            "numpy": np.__version__, "blas": blas_info(),
            "openblas_env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                                        "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
                             if k in os.environ}}
    try:
        mem = [l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")][0]
        info["memory_gib"] = round(int(mem.split()[1]) / 2**20, 1)
    except (OSError, IndexError):
        pass
    return info


# ------------------------------------------------------------------------------ workers (subprocesses)

def best_time(f, repeats: int, number: int = 1) -> float:
    """Best wall time of ``number`` calls of ``f``, over ``repeats`` tries (seconds per call)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            f()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def worker_peak(args) -> dict:
    """float32 GEMM peak, and the model's own matmuls alone (the ceiling at those shapes)."""
    rng = np.random.default_rng(0)
    peak = {}
    for N in (1024, 2048):
        a = rng.standard_normal((N, N), dtype=np.float32)
        b = rng.standard_normal((N, N), dtype=np.float32)
        out = np.empty((N, N), np.float32)
        a @ b  # warm up
        t = best_time(lambda: np.matmul(a, b, out=out), repeats=args.peak_repeats, number=2 if N < 2048 else 1)
        peak[str(N)] = 2.0 * N**3 / t / 1e9
    shapes = {}
    X = rng.random((4000, 784), dtype=np.float32)
    for name, spec in MODELS.items():
        sizes = spec["sizes"]
        Ws = [rng.standard_normal((o, i), dtype=np.float32) * 0.05 for i, o in zip(sizes[:-1], sizes[1:])]

        def products():
            for start in range(0, X.shape[0], BATCH):
                H = X[start:start + BATCH]
                acts = [H]
                for W in Ws:                                  # forward: A = H Wᵀ
                    H = H @ W.T
                    acts.append(H)
                dA = H
                for l in range(len(Ws) - 1, -1, -1):          # backward: dW = dAᵀ H_in, dX = dA W
                    dA.T @ acts[l]
                    if l > 0:
                        dA = dA @ Ws[l]
        t = best_time(products, repeats=args.peak_repeats)
        shapes[name] = {"seconds": t, "gflops": matmul_flops_per_epoch(sizes, X.shape[0]) / t / 1e9}
    return {"peak_gflops": peak, "matmul_only": shapes, "blas": blas_info()}


def worker_aelib(args) -> dict:
    """aelib's own ``fit``, one call per epoch with one shuffling Generator (the same batches as a
    single ``fit(epochs=...)`` call): wall time of the epoch as ``History.time`` records it, and the
    process CPU time of the call (which also covers fit's input checks, a few ms). ``--reference``
    trains with the plain reference formulas (``aelib.fast.reference()``) instead of the fast paths."""
    import contextlib

    import aelib
    import aelib.layers
    if args.uncut:                              # plain A @ B: faster, but its bits depend on the thread count
        aelib.layers.K_BLOCK.update({dt: 10**9 for dt in aelib.layers.K_BLOCK})
    path = aelib.fast.reference if args.reference else contextlib.nullcontext
    X = aelib.load_digits("train").X
    spec = MODELS[args.model]
    model = make_aelib_model(args.model)
    rng = np.random.default_rng(0)
    opt = aelib.make_optimizer(spec["optimizer"], spec["lr"])          # its state carries over epochs
    times, cpu, losses = [], [], []
    for _ in range(args.epochs + 1):
        c0 = time.process_time()
        with path():
            hist = model.fit(X, epochs=1, batch_size=BATCH, optimizer=opt, lr=spec["lr"], loss="cross_entropy",
                             seed=rng)
        cpu.append(time.process_time() - c0)
        times.append(hist.time[-1])
        losses.append(hist.train_loss[-1])
    return {"epoch_seconds": times[1:], "epoch_cpu_seconds": cpu[1:], "losses": losses, "blas": blas_info()}


def worker_anatomy(args) -> dict:
    """Where an epoch of the 784-128-784 model goes: each step of aelib's batch, timed on its own
    over the 32 batches of an epoch (best of several tries), on the arrays a real epoch makes.
    The steps are aelib's own (its sigmoid, its loss from the logits, its layer order). Besides
    the steps: the output head written as its plain reference (``aelib.losses``), and the fast
    head split over two Python threads (half the rows each), the lever numpy offers for using both
    cores in elementwise work, since a ufunc releases the interpreter lock inside its loop."""
    import aelib
    from aelib.activations import ACTIVATIONS
    from aelib.fast import cross_entropy_from_logits
    from aelib.layers import matmul
    from aelib.losses import cross_entropy_from_logits as reference_head

    sigmoid = ACTIVATIONS["sigmoid"].f
    X = aelib.load_digits("train").X
    p = make_aelib_model("shallow").params
    W, b, b_prime = p["W"], p["b"], p["b_prime"]
    order = np.random.default_rng(0).permutation(X.shape[0])
    idxs = [order[s:s + BATCH] for s in range(0, X.shape[0], BATCH)]
    Xs = [X[i] for i in idxs]                                           # (batch, 784) each
    A1s = [matmul(x, W.T) + b for x in Xs]                              # (batch, 128)
    Hs = [sigmoid(a) for a in A1s]
    A2s = [h @ W + b_prime for h in Hs]                                 # (batch, 784), tied: W' = Wᵀ
    dA2s = [cross_entropy_from_logits(a, x, grad=True)[1] for a, x in zip(A2s, Xs)]
    dHs = [matmul(d, W.T) for d in dA2s]                                # (batch, 128)
    dA1s = [dh * (h * (1 - h)) for dh, h in zip(dHs, Hs)]
    grads = {"W": W.copy(), "b": b.copy(), "b_prime": b_prime.copy()}
    dW_decT = Hs[0].T @ dA2s[0]                                         # (128, 784): dW_dec.T, contiguous as in the model
    params = {k: v.copy() for k, v in p.items()}
    sgd = aelib.make_optimizer("sgd", 1e-9)
    batches = list(range(len(Xs)))

    def each(f):
        def run():                                  # results dropped at once, as in fit: keeping 32 of
            for i in batches:                       # them alive would time fresh pages, not the step
                f(i)
        return run

    steps = {
        "gather X[idx]": each(lambda i: X[idxs[i]]),
        "forward matmuls (2; K = 784 cut in two)": each(lambda i: (matmul(Xs[i], W.T), Hs[i] @ W)),
        "backward matmuls (3; K = 784 cut in two)": each(
            lambda i: ((Hs[i].T @ dA2s[i]).T, matmul(dA2s[i], W.T), dA1s[i].T @ Xs[i])),
        "bias adds (2)": each(lambda i: (A1s[i].__iadd__(0 * b), A2s[i].__iadd__(0 * b_prime))),
        "hidden sigmoid": each(lambda i: sigmoid(A1s[i])),
        "output head: sigmoid, loss and delta in one pass": each(
            lambda i: cross_entropy_from_logits(A2s[i], Xs[i], grad=True)),
        "hidden delta dH * h(1 - h)": each(lambda i: dHs[i] * (Hs[i] * (1 - Hs[i]))),
        "bias gradients (2 sums)": each(lambda i: (dA2s[i].sum(axis=0), dA1s[i].sum(axis=0))),
        "tied add dW_enc + dW_dec.T": each(lambda i: grads["W"].__iadd__(dW_decT)),
        "SGD step (3 arrays)": each(lambda i: sgd.step(params, grads)),
    }
    out = {name: best_time(f, repeats=args.peak_repeats) for name, f in steps.items()}
    # Python and numpy's per-call overhead: a whole epoch of fit on an 8-4-8 model with the same
    # 32 batches of 128, where the arithmetic is negligible and only the calls remain.
    tiny = aelib.Autoencoder(8, 4, encoder="sigmoid", decoder="sigmoid", tied=True, seed=0)
    X8 = np.ascontiguousarray(X[:, 300:308])
    opt = aelib.make_optimizer("sgd", 0.1)
    rng = np.random.default_rng(0)
    out["Python and per-call overhead (an 8-4-8 epoch)"] = min(
        tiny.fit(X8, epochs=1, batch_size=BATCH, optimizer=opt, seed=rng).time[-1]
        for _ in range(5 * args.peak_repeats))
    head = out["output head: sigmoid, loss and delta in one pass"]
    extra = {"reference head": best_time(each(lambda i: reference_head(A2s[i], Xs[i], grad=True)),
                                         repeats=args.peak_repeats),
             "threaded head": threaded_head_time(cross_entropy_from_logits, A2s, Xs, args.peak_repeats),
             "fast head": head}
    return {"steps": out, "extra": extra}


def threaded_head_time(head, A2s, Xs, repeats: int) -> float:
    """The output head of every batch of an epoch, each batch's rows split in two halves: one half on a
    waiting worker thread, the other on the calling thread, joined before the next batch (as a training
    step would have to). Both halves' numpy calls release the interpreter lock inside their loops."""
    import queue
    import threading

    jobs, done = queue.SimpleQueue(), queue.SimpleQueue()

    def worker():
        while (job := jobs.get()) is not None:
            done.put(head(*job, grad=True))
    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    def epoch():
        for a, x in zip(A2s, Xs):
            h = a.shape[0] // 2                     # the last batch of an epoch is shorter
            jobs.put((a[:h], x[:h]))
            head(a[h:], x[h:], grad=True)
            done.get()
    try:
        return best_time(epoch, repeats=repeats)
    finally:
        jobs.put(None)
        thread.join()


def make_aelib_model(name):
    import aelib
    if name == "shallow":
        return aelib.Autoencoder(784, 128, encoder="sigmoid", decoder="sigmoid", tied=True, seed=0)
    return aelib.DeepAutoencoder(MODELS[name]["sizes"], hidden="relu", bottleneck="identity", output="sigmoid",
                                 seed=0)


def worker_torch(args) -> dict:
    try:
        import torch
    except ImportError:
        return {"missing": "PyTorch is not installed (the optional extra: pip install -e '.[benchmark]')"}
    import torch.nn.functional as F
    import aelib

    torch.set_num_threads(args.threads)
    X_np = aelib.load_digits("train").X
    X = torch.from_numpy(np.array(X_np))                                  # (4000, 784) float32
    n = X.shape[0]
    spec = MODELS[args.model]
    start_params = make_aelib_model(args.model).params                     # the same initial weights

    if args.model == "shallow":
        W = torch.nn.Parameter(torch.from_numpy(start_params["W"].copy()))          # (128, 784)
        b = torch.nn.Parameter(torch.from_numpy(start_params["b"].copy()))          # (128,)
        b_prime = torch.nn.Parameter(torch.from_numpy(start_params["b_prime"].copy()))  # (784,)
        params = [W, b, b_prime]

        def logits(x):
            h = torch.sigmoid(F.linear(x, W, b))                         # (batch, 128)
            return F.linear(h, W.t(), b_prime)                           # (batch, 784), tied: W' = Wᵀ
        opt = torch.optim.SGD(params, lr=spec["lr"])
    else:
        sizes = spec["sizes"]
        code = int(np.argmin(sizes[1:-1])) + 1
        layers = []
        for l, (i, o) in enumerate(zip(sizes[:-1], sizes[1:]), 1):
            lin = torch.nn.Linear(i, o)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(start_params[f"W{l}"]))
                lin.bias.copy_(torch.from_numpy(start_params[f"b{l}"]))
            layers.append(lin)
            if l < len(sizes) - 1 and l != code:
                layers.append(torch.nn.ReLU())                           # identity at the bottleneck
        net = torch.nn.Sequential(*layers)                               # last layer: logits
        logits = net
        opt = torch.optim.Adam(net.parameters(), lr=spec["lr"])

    rng = np.random.default_rng(0)                                       # aelib's fit shuffles the same way
    times, losses = [], []
    cpu = []
    for _ in range(args.epochs + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        order = torch.from_numpy(rng.permutation(n))
        total = 0.0
        for start in range(0, n, BATCH):
            xb = X[order[start:start + BATCH]]                            # (batch, 784)
            loss = F.binary_cross_entropy_with_logits(logits(xb), xb, reduction="sum") / xb.shape[0]
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        losses.append(total / n)
    return {"epoch_seconds": times[1:], "epoch_cpu_seconds": cpu[1:], "losses": losses, "torch": torch.__version__,
            "threads": torch.get_num_threads(), "torch_blas": torch_blas(torch)}


def torch_blas(torch) -> str:
    cfg = torch.__config__.show()
    m = re.search(r"BLAS_INFO=(\w+)", cfg)
    cap = re.search(r"CPU capability usage: (\w+)", cfg)
    return f"{m.group(1) if m else '?'}" + (f", CPU capability {cap.group(1)}" if cap else "")


def run_worker(kind: str, *extra, threads: int | None = None, timeout: float = 1800) -> dict:
    """Run one measurement in a fresh interpreter; ``threads`` sets the BLAS/OpenMP thread variables."""
    cmd = [sys.executable, "-m", "benchmarks.bench", "--worker", kind, *map(str, extra)]   # from ROOT
    env = dict(os.environ)
    if threads is not None:
        cmd += ["--threads", str(threads)]
        env.update({k: str(threads) for k in THREAD_VARIABLES})
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------ the course

def run_notebook(path: Path, timeout: int = 900) -> dict:
    """Execute a copy of ``path`` (in memory; the file is never written) in a fresh kernel, with
    ``make times``'s runner (``nbtools.execute``): the notebook's folder as working directory, the
    wall time including the kernel's start, and the kernel's own CPU time, which depends much less
    than the wall time on other load."""
    import nbformat

    run = nbtools.execute(nbformat.read(path, as_version=4), path.parent, timeout)
    error = None
    if run.error is not None:
        text = str(run.error).strip()
        error = text.splitlines()[-1][:200] if text else type(run.error).__name__
    return {"path": path.relative_to(ROOT).as_posix(), "seconds": run.seconds, "cpu_seconds": run.cpu_seconds,
            "error": error}


def course_times(verbose=True) -> list[dict]:
    rows = []
    for p in nbtools.all_notebooks():
        r = run_notebook(p)
        rows.append(r)
        if verbose:
            cpu = f"CPU {r['cpu_seconds']:5.1f} s" if r["cpu_seconds"] is not None else "CPU   ?"
            print(f"  {r['seconds']:6.1f} s  {cpu}  {r['path']}" + (f"  ERROR {r['error']}" if r["error"] else ""),
                  flush=True)
    return sorted(rows, key=lambda r: -r["seconds"])


# ------------------------------------------------------------------------------ the report

def summarise(runs: list[dict]) -> dict | None:
    if not runs or any("missing" in r for r in runs):
        return None
    epochs = [t for r in runs for t in r["epoch_seconds"]]
    cpu = [t for r in runs for t in r["epoch_cpu_seconds"]]
    return {"best": min(epochs), "median": float(np.median(epochs)), "n_epochs": len(epochs), "cpu_best": min(cpu),
            "final_loss": runs[0]["losses"][-1], "first_loss": runs[0]["losses"][0]}


def fmt_ms(s) -> str:
    return "n/a" if s is None else f"{1e3 * s:.1f} ms"


def fmt_s(s) -> str:
    return "" if s is None else f"{s:.1f} s"


RESULTS_HEAD = """# Benchmark results

One section per kind of CPU the project has been measured on (the machines differ between sessions).
`make bench` (`python -m benchmarks.bench`) rewrites the section of the CPU it runs on and keeps the
others; what is measured and how: the docstring of [bench.py](bench.py).
"""
SECTION = re.compile(r"<!-- cpu: (?P<key>[^>]+?) -->\n(?P<body>.*?)<!-- end cpu -->\n", re.S)


def cpu_kind(cpu: str) -> str:
    """The name of a CPU's section: its vendor and family (``Intel(R) Xeon(R) Platinum 8481C`` ->
    ``Intel Xeon``, ``AMD EPYC 7B13`` -> ``AMD EPYC``)."""
    words = re.sub(r"\((R|TM)\)", " ", cpu, flags=re.I).replace("CPU", " ").split()
    return " ".join(words[:2]) or "unknown CPU"


def merge_results(old: str, key: str, section: str) -> str:
    """RESULTS.md with ``key``'s section replaced by ``section`` (added if new), the others kept."""
    sections = {m["key"]: m["body"] for m in SECTION.finditer(old)}
    sections[key] = section.rstrip("\n") + "\n"
    body = "".join(f"\n<!-- cpu: {k} -->\n{v}<!-- end cpu -->\n" for k, v in sorted(sections.items()))
    return RESULTS_HEAD + body


def report(res: dict) -> str:
    m = res["machine"]
    blas = m["blas"]
    peak = res["peak"]["peak"]
    lines = [
        f"## {cpu_kind(m['cpu'])}, measured {res['date'][:10]}",
        "",
        f"Written by [bench.py](bench.py) from one run on {res['date']}, in {res['wall_seconds']:.0f} s.",
        "",
        "### Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores" + (f", {m['memory_gib']} GiB" if "memory_gib" in m else ""),
        f"- {m['system']}, Python {m['python']}",
        f"- numpy {m['numpy']}, BLAS: " + (", ".join(f"{k} {v}" for k, v in blas.items() if v is not None)),
        f"- PyTorch: {res['torch_version'] or 'not installed'}"
        + (f" ({res['torch_blas']}), {res['torch_threads']} threads" if res["torch_version"] else ""),
        f"- OpenBLAS variables set: {m['openblas_env'] or 'none'}",
        f"- 1-minute load average: {res['load_start']} at the start, {res['load_end']} at the end "
        f"({m['cores']} cores; the end includes this benchmark's own work).",
        "",
    ]
    if res["load_start"] is not None and res["load_start"] > 0.5 * m["cores"]:
        lines += [
            f"> **The machine was busy** (load average {res['load_start']:.1f} at the start, on "
            f"{m['cores']} cores): other processes shared the CPU, so every time here is pessimistic and noisy. "
            "The best epoch over several rounds is less affected than the median, and the kernels' CPU "
            "times (course table) less than the wall times.",
            "",
        ]
    lines += [
        "### float32 matmul peak",
        "",
        "Best of several square products `(N, N) @ (N, N)` through numpy's BLAS, "
        f"{res['threads']} thread(s):",
        "",
        "| N | GFLOP/s |", "|---|---|",
        *[f"| {n} | {g:.1f} |" for n, g in peak.items()],
        "",
        f"Peak used below: **{res['peak_gflops']:.1f} GFLOP/s**.",
        "",
        "### Training: aelib against PyTorch (CPU, float32, minibatch 128, 4,000 digits)",
        "",
        f"Per epoch, best of {res['rounds']} rounds x {res['epochs']} epochs (median in brackets), "
        f"{res['threads']} thread(s) on both sides; speed-up = PyTorch time / aelib time (above 1: aelib is "
        "faster). CPU = best process CPU time per epoch (all threads; less sensitive to other load than "
        "the wall time, but it counts threads spinning while they wait).",
        "",
        "| model | aelib / epoch | PyTorch / epoch | speed-up | CPU aelib / PyTorch | aelib GFLOP/s | of peak | "
        "matmuls alone | loss after last epoch (aelib / PyTorch) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, spec in MODELS.items():
        r = res["models"][name]
        a, t = r["aelib"], r["torch"]
        mo = r["matmul_only"]
        sp = f"**{t['best'] / a['best']:.2f}x** ({t['median'] / a['median']:.2f}x)" if t else "n/a"
        tt = f"{fmt_ms(t['best'])} ({fmt_ms(t['median'])})" if t else "not installed"
        cpu = f"{fmt_ms(a['cpu_best'])} / {fmt_ms(t['cpu_best']) if t else 'n/a'}"
        lt = f"{t['final_loss']:.2f}" if t else "n/a"
        lines.append(
            f"| {spec['title']} | {fmt_ms(a['best'])} ({fmt_ms(a['median'])}) | {tt} | {sp} | {cpu} | "
            f"{r['gflops']:.1f} | **{r['gflops'] / res['peak_gflops']:.0%}** | {fmt_ms(mo['seconds'])} = "
            f"{mo['gflops']:.1f} GFLOP/s ({mo['gflops'] / res['peak_gflops']:.0%} of peak) | "
            f"{a['final_loss']:.2f} / {lt} |")
    lines += [
        "",
        f"FLOPs per epoch: 784-128-784 {res['models']['shallow']['flops'] / 1e9:.2f} GFLOP, "
        f"deep {res['models']['deep']['flops'] / 1e9:.2f} GFLOP (matmuls of forward and backward). "
        "\"Matmuls alone\" times only those products at the same shapes (minibatch 128), nothing around them: "
        "the ceiling for these shapes with this BLAS, whatever the code around them does. Both frameworks "
        "start from the same weights and see the same batches, so their losses agree (a check that the "
        "two do the same work).",
        "",
        "**What thread-reproducibility costs.** aelib cuts every product whose inner dimension is longer "
        "than 448 (here the 784 pixels) into two BLAS calls at a fixed place, so that training gives the same "
        "bits with 1 and 2 threads (`aelib.layers.matmul`; issue 9). The same runs with plain `A @ B` "
        "(faster, but thread-dependent):",
        "",
        "| model | aelib, cut (the default) | aelib, plain products | cost of the cuts | speed-up over PyTorch without the cuts |",
        "|---|---|---|---|---|",
        *[f"| {MODELS[n]['title'].split(' ')[0]} | {fmt_ms(r['aelib']['best'])} | {fmt_ms(r['uncut']['best'])} | "
          f"{r['aelib']['best'] / r['uncut']['best'] - 1:+.0%} | "
          + (f"{r['torch']['best'] / r['uncut']['best']:.2f}x" if r["torch"] else "n/a") + " |"
          for n, r in res["models"].items() if r.get("uncut")],
        "",
    ]
    if all(r.get("reference") for r in res["models"].values()):
        heads = res.get("heads") or {}
        lines += [
            "**What readability costs.** Training runs the fast paths of [aelib/fast.py](../aelib/fast.py) by "
            "default; inside `with aelib.fast.reference():` it runs the plain formulas a learner reads in "
            "aelib/losses.py instead (the same gradients to float32 rounding, and losses within the bound "
            "the fast head's docstring states: tests/test_fast.py). "
            "The same runs with the reference formulas:",
            "",
            "| model | aelib, fast paths (the default) | aelib, reference formulas | price of the reference | "
            "speed-up over PyTorch with the reference |",
            "|---|---|---|---|---|",
            *[f"| {MODELS[n]['title'].split(' ')[0]} | {fmt_ms(r['aelib']['best'])} | {fmt_ms(r['reference']['best'])} | "
              f"{r['reference']['best'] / r['aelib']['best'] - 1:+.0%} | "
              + (f"{r['torch']['best'] / r['reference']['best']:.2f}x" if r["torch"] else "n/a") + " |"
              for n, r in res["models"].items()],
            "",
        ]
        if heads:
            lines += [
                f"The output head alone, over an epoch of 784-128-784: {fmt_ms(heads['fast head'])} fast, "
                f"{fmt_ms(heads['reference head'])} as the reference "
                f"({heads['reference head'] / heads['fast head']:.1f}x).",
                "",
            ]
    if res.get("anatomy"):
        steps = res["anatomy"]
        total = sum(steps.values())
        epoch = res["models"]["shallow"]["aelib"]["best"]
        lines += [
            "#### Where an aelib epoch goes (784-128-784)",
            "",
            "Each step of a batch timed on its own over the 32 batches of an epoch (best of several tries), "
            "on the arrays of a real epoch:",
            "",
            "| step | per epoch | share of the steps |", "|---|---|---|",
            *[f"| {k} | {fmt_ms(v)} | {v / total:.0%} |" for k, v in sorted(steps.items(), key=lambda kv: -kv[1])],
            f"| sum of the steps | {fmt_ms(total)} | |",
            f"| a whole epoch of `fit` (best) | {fmt_ms(epoch)} | |",
            "",
        ]
    lines += ["#### What limits it", "", *limits(res), ""]
    lines += [
        "### Targets",
        "",
        "| target | measured | met |", "|---|---|---|",
    ]
    for row in res["targets"]:
        lines.append(f"| {row['target']} | {row['measured']} | {row['met']} |")
    lines += [""]
    if res.get("course") is not None:
        rows = res["course"]
        total = sum(r["seconds"] for r in rows)
        cpu_total = sum(r["cpu_seconds"] or 0.0 for r in rows)
        lines += [
            "### The whole course",
            "",
            f"Each notebook of {', '.join(f'`{f}/`' for f in FOLDERS)} executed from a copy in a fresh kernel "
            "(wall time includes starting the kernel; CPU = the kernel's own CPU time), slowest first:",
            "",
            "| notebook | wall | kernel CPU | |", "|---|---|---|---|",
            *[f"| {r['path']} | {r['seconds']:.1f} s | {fmt_s(r['cpu_seconds'])} | "
              f"{'ERROR: ' + r['error'] if r['error'] else ''} |" for r in rows],
            f"| **total ({len(rows)} notebooks)** | **{total:.1f} s** | **{cpu_total:.1f} s** | |",
            "",
        ]
    if res.get("notes"):
        lines += ["### Notes", "", *res["notes"], ""]
    return "\n".join(lines)


def limits(res: dict) -> list[str]:
    """Sentences computed from the numbers: how much of each epoch the matmuls are, and the rest."""
    out = []
    peak = res["peak_gflops"]
    for name, spec in MODELS.items():
        r = res["models"][name]
        a, t, mo = r["aelib"]["best"], r["torch"]["best"] if r["torch"] else None, r["matmul_only"]
        small = (" (small products: one dimension is 128 or less, so they run below the rate of big square ones)"
                 if mo["gflops"] < 0.8 * peak else "")
        line = (f"- {'-'.join(map(str, spec['sizes']))}: the matmuls alone, at minibatch {BATCH}, "
                f"reach {mo['gflops'] / peak:.0%} of the peak{small}. They take {fmt_ms(mo['seconds'])} of aelib's "
                f"{fmt_ms(a)} epoch ({mo['seconds'] / a:.0%}); the other {fmt_ms(a - mo['seconds'])} "
                "go to the elementwise steps (activations, loss, deltas, optimiser), the minibatch gather, "
                "Python, and the extra BLAS calls of the cut products (next table).")
        if t is not None:
            line += (f" PyTorch's epoch takes {fmt_ms(t)}, {fmt_ms(abs(t - mo['seconds']))} "
                     f"{'more' if t >= mo['seconds'] else 'less'} than numpy's time for the same products, against "
                     f"aelib's {fmt_ms(a - mo['seconds'])} more (PyTorch multiplies with its own BLAS, so this split "
                     "is only indicative for it).")
        out.append(line)
    shallow = res["models"]["shallow"]
    a, mo = shallow["aelib"]["best"], shallow["matmul_only"]["seconds"]
    cuts = shallow["aelib"]["best"] - shallow["uncut"]["best"] if shallow.get("uncut") else None
    steps = res.get("anatomy") or {}
    rest = sorted(((k, v) for k, v in steps.items() if "matmul" not in k), key=lambda kv: -kv[1])[:3]
    largest = ("The largest steps besides the products: " + ", ".join(f"{k} {fmt_ms(v)}" for k, v in rest) + "."
               if rest else "")
    if shallow["torch"]:
        t = shallow["torch"]["best"]
        need = t / TARGETS["shallow_speedup"]
        if a <= need:
            verdict = "met."
        elif need <= mo:
            verdict = (f"missed by {fmt_ms(a - need)}, and out of reach with these products: they alone take "
                       f"{fmt_ms(mo)}.")
        else:
            verdict = (f"missed by {fmt_ms(a - need)}: everything but the products would have to fit in "
                       f"{fmt_ms(need - mo)} instead of {fmt_ms(a - mo)}.")
        line = (f"- The {TARGETS['shallow_speedup']:g}x target on 784-128-784 needs an epoch of at most "
                f"{fmt_ms(need)} here; it is {verdict}")
        if a > need:
            line += (f" {largest} One likely reason for the gap: numpy runs each elementwise step on one core (its "
                     f"ufuncs have no threads), while PyTorch's elementwise kernels use its "
                     f"{res.get('torch_threads') or '?'} threads.")
        out.append(line)
    heads = res.get("heads")
    if heads:
        h1, h2 = heads["fast head"], heads["threaded head"]
        line = (f"- Two threads for the elementwise work: the output head of an epoch, each batch's rows split "
                f"over two Python threads, took {fmt_ms(h2)} against {fmt_ms(h1)} on one thread ")
        if h2 < h1:
            line += f"(a saving of {fmt_ms(h1 - h2)} per epoch, {(h1 - h2) / h1:.0%} of the head)."
        else:
            line += (f"({h2 / h1:.2f}x the time): no gain. One likely reason: each of the head's dozen numpy calls "
                     "releases the interpreter lock only inside its loop, so between calls the two threads take "
                     "turns for it, and every batch needs a hand-over and a join.")
        out.append(line)
    ratio_need = TARGETS["shallow_matmul_ratio"] * mo
    line = (f"- The {TARGETS['shallow_matmul_ratio']:g}x-its-matmuls target on 784-128-784 needs an epoch of at most "
            f"{fmt_ms(ratio_need)} here ({TARGETS['shallow_matmul_ratio']:g} x {fmt_ms(mo)}); it is ")
    if a <= ratio_need:
        line += "met."
    else:
        line += f"missed by {fmt_ms(a - ratio_need)}."
        if cuts is not None:
            line += (f" Of the {fmt_ms(a - mo)} outside the products, the cuts that keep the bits thread-independent "
                     f"take {fmt_ms(cuts)} (the plain-products run above).")
    out.append(line)
    return out


def targets(res: dict) -> list[dict]:
    out = []
    for name, goal, label in (
            ("shallow", TARGETS["shallow_speedup"],
             f"784-128-784: PyTorch's epoch >= {TARGETS['shallow_speedup']:g}x aelib's"),
            ("deep", TARGETS["deep_speedup"], f"deep model: PyTorch's epoch >= {TARGETS['deep_speedup']:g}x aelib's")):
        a, t = res["models"][name]["aelib"], res["models"][name]["torch"]
        if t is None:
            out.append({"target": label, "measured": "PyTorch not installed", "met": "not measured"})
        else:
            s = t["best"] / a["best"]
            out.append({"target": label, "measured": f"{s:.2f}x", "met": "yes" if s >= goal else "no"})
    shallow = res["models"]["shallow"]
    ratio = shallow["aelib"]["best"] / shallow["matmul_only"]["seconds"]
    out.append({"target": f"784-128-784: an epoch <= {TARGETS['shallow_matmul_ratio']:g}x its matmuls alone",
                "measured": f"{ratio:.2f}x", "met": "yes" if ratio <= TARGETS["shallow_matmul_ratio"] else "no"})
    frac = res["models"]["shallow"]["gflops"] / res["peak_gflops"]
    out.append({"target": f"784-128-784: >= {TARGETS['shallow_peak_fraction']:.0%} of the matmul peak",
                "measured": f"{frac:.0%}",
                "met": "yes" if frac >= TARGETS["shallow_peak_fraction"] else "no"})
    if res.get("course") is not None:
        total = sum(r["seconds"] for r in res["course"])
        errors = sum(1 for r in res["course"] if r["error"])
        out.append({"target": f"whole course < {TARGETS['course_seconds']:g} s", "measured": f"{total:.1f} s" + (f" ({errors} with errors)" if errors else ""),
                    "met": "yes" if total < TARGETS["course_seconds"] and not errors else "no"})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=8, help="timed epochs per round (after one warm-up epoch)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating aelib/PyTorch rounds per model")
    ap.add_argument("--peak-repeats", type=int, default=7)
    ap.add_argument("--no-course", action="store_true", help="skip executing the course's notebooks")
    ap.add_argument("--no-torch", action="store_true", help="skip PyTorch even if installed")
    ap.add_argument("--quick", action="store_true", help="2 epochs x 1 round, fewer peak repeats (smoke test)")
    ap.add_argument("--output", type=Path, default=RESULTS, help="where to write the markdown (default: %(default)s)")
    ap.add_argument("--note", action="append", default=[], help="a line added under Notes in the report")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--model", help=argparse.SUPPRESS)
    ap.add_argument("--uncut", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, help="BLAS/PyTorch threads for the training benchmark "
                    "(default: numpy's own BLAS thread count)")
    args = ap.parse_args(argv)

    if args.worker:
        fn = {"peak": worker_peak, "aelib": worker_aelib, "torch": worker_torch, "anatomy": worker_anatomy}[args.worker]
        print(json.dumps(fn(args)))
        return 0
    if args.quick:
        args.epochs, args.rounds, args.peak_repeats = 2, 1, 2

    t_start = time.perf_counter()
    res = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "load_start": load_average(),
           "machine": machine(), "epochs": args.epochs, "rounds": args.rounds, "models": {}, "notes": args.note}
    threads = args.threads or res["machine"]["blas"].get("threads") or os.cpu_count()
    res["threads"] = threads
    print(f"load average {res['load_start']}; BLAS {res['machine']['blas']}", flush=True)

    print("matmul peak ...", flush=True)
    res["peak"] = {"peak": {}, "matmul_only": {}}
    pk = run_worker("peak", "--peak-repeats", args.peak_repeats, threads=threads)
    res["peak"]["peak"] = pk["peak_gflops"]
    res["peak_gflops"] = max(pk["peak_gflops"].values())
    print(f"  {', '.join(f'N={n}: {g:.1f}' for n, g in pk['peak_gflops'].items())} GFLOP/s", flush=True)

    have_torch = not args.no_torch
    res["torch_version"] = res["torch_blas"] = res["torch_threads"] = None
    for name, spec in MODELS.items():
        print(f"{spec['title']} ...", flush=True)
        runs = {"aelib": [], "torch": [], "uncut": [], "reference": []}
        for r in range(args.rounds):
            runs["aelib"].append(run_worker("aelib", "--model", name, "--epochs", args.epochs, threads=threads))
            runs["uncut"].append(run_worker("aelib", "--model", name, "--epochs", args.epochs, "--uncut",
                                            threads=threads))
            runs["reference"].append(run_worker("aelib", "--model", name, "--epochs", args.epochs, "--reference",
                                                threads=threads))
            if have_torch:
                t = run_worker("torch", "--model", name, "--epochs", args.epochs, threads=threads)
                if "missing" in t:
                    have_torch = False
                    print(f"  {t['missing']}", flush=True)
                else:
                    runs["torch"].append(t)
                    res["torch_version"], res["torch_blas"], res["torch_threads"] = t["torch"], t["torch_blas"], t["threads"]
            a = summarise(runs["aelib"])
            tt = summarise(runs["torch"])
            print(f"  round {r + 1}: aelib best {fmt_ms(a['best'])}, PyTorch best {fmt_ms(tt['best'] if tt else None)}",
                  flush=True)
        flops = matmul_flops_per_epoch(spec["sizes"], 4000)
        a, tt = summarise(runs["aelib"]), summarise(runs["torch"])
        res["models"][name] = {"aelib": a, "torch": tt, "uncut": summarise(runs["uncut"]),
                               "reference": summarise(runs["reference"]), "flops": flops,
                               "gflops": flops / a["best"] / 1e9,
                               "matmul_only": pk["matmul_only"][name]}
        if tt:
            print(f"  speed-up {tt['best'] / a['best']:.2f}x; aelib {flops / a['best'] / 1e9:.1f} GFLOP/s = "
                  f"{flops / a['best'] / 1e9 / res['peak_gflops']:.0%} of peak; losses aelib {a['final_loss']:.3f}, "
                  f"PyTorch {tt['final_loss']:.3f}", flush=True)

    print("anatomy of a 784-128-784 epoch in aelib ...", flush=True)
    anatomy = run_worker("anatomy", "--peak-repeats", args.peak_repeats, threads=threads)
    res["anatomy"], res["heads"] = anatomy["steps"], anatomy["extra"]

    if not args.no_course:
        print("the course, one fresh kernel per notebook ...", flush=True)
        res["course"] = course_times()
        print(f"  total {sum(r['seconds'] for r in res['course']):.1f} s", flush=True)
    else:
        res["course"] = None
    res["load_end"] = load_average()
    res["wall_seconds"] = time.perf_counter() - t_start
    res["targets"] = targets(res)
    for row in res["targets"]:
        print(f"{row['target']}: {row['measured']} ({row['met']})")
    old = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
    args.output.write_text(merge_results(old, cpu_kind(res["machine"]["cpu"]), report(res)), encoding="utf-8")
    print(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
