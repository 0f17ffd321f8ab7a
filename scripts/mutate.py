#!/usr/bin/env python3
"""Mutation testing of aelib's core (``make mutate``): plant one small bug at a time, run the
fast unit tests that cover it, and count the bugs they catch.

    python scripts/mutate.py                 # every mutant; prints a table and the score
    python scripts/mutate.py --list          # the mutants, without running anything
    python scripts/mutate.py --only optim    # mutants whose id starts with "optim"
    python scripts/mutate.py --worktree      # mutate the working tree's files instead of HEAD's
    python scripts/mutate.py --all-failures  # run each mutant's tests to the end; name every failing test
    python scripts/mutate.py --issue         # only the bugs listed in issue 23

Each mutant is an exact piece of source text and its replacement (the kind of slip a refactor
introduces: a flipped sign, a dropped factor, a swapped argument, an off-by-one), listed in
MUTANTS below with the unit-test files that should catch it. The ``issue`` mutants are the bugs
of issue 23 that the unit tests once let through.

Nothing in the repository is touched: the committed tree (``git archive HEAD``; or the working
tree with ``--worktree``) is copied into a temporary folder, one file is mutated there, and
``python -m pytest -x`` runs in that folder (so ``import aelib`` finds the mutated copy, not the
editable install), niced, with one BLAS thread and without nbval. A mutant is *killed* when a
test fails, *survives* when all pass; one whose text is no longer in the file is reported as
*stale* (the source changed: update the list) and left out of the score. The unmutated copy is
run first and must pass, so a failure always means the mutant was caught.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COPY = ["aelib", "tests", "pyproject.toml"]

# The unit tests each module's mutants run (fast ones only: no notebooks, no subprocess-heavy files).
T_CORE = ["tests/test_oracles.py", "tests/test_core.py"]
TESTS = {
    "activations": T_CORE,
    "losses": T_CORE,
    "layers": T_CORE,
    "model": T_CORE + ["tests/test_errors.py"],
    "optim": T_CORE,
    "train": T_CORE + ["tests/test_errors.py"],
    "noise": T_CORE,
    "pca": ["tests/test_pca.py", "tests/test_oracles.py"],
    "datasets": ["tests/test_data_oracles.py", "tests/test_datasets.py"],
    "gradcheck": T_CORE,
    "widgets": ["tests/test_widgets.py"],
    "viz": ["tests/test_viz.py"],
}
CORE = ("activations", "losses", "layers", "model", "optim", "train", "noise", "pca", "datasets")


@dataclass
class Mutant:
    id: str                     # "<module>.<what>"
    old: str                    # exact text in aelib/<module>.py (must occur once)
    new: str
    issue: str = ""             # the issue-23 bug this mutant is, if any

    @property
    def module(self) -> str:
        return self.id.split(".")[0]

    @property
    def path(self) -> str:
        return f"aelib/{self.module}.py"


M = Mutant
MUTANTS = [
    # ---- activations
    M("activations.sigmoid_df", "df=lambda a, h: h * (1 - h)", "df=lambda a, h: h * (1 + h)"),
    M("activations.tanh_df", "df=lambda a, h: 1 - h * h", "df=lambda a, h: 1 - h"),
    M("activations.leaky_df_slope", "np.where(a > 0, 1, LEAKY_SLOPE)", "np.where(a > 0, 1, 0.1)"),
    M("activations.leaky_inverse", "h / LEAKY_SLOPE", "h * LEAKY_SLOPE"),
    M("activations.sigmoid_inverse", "np.log(h) - np.log1p(-h)", "np.log(h) + np.log1p(-h)"),
    M("activations.softplus_inverse", "np.log(np.expm1(h))", "np.log(np.exp(h))"),
    M("activations.elu_inverse", "np.log1p(h / ELU_ALPHA)", "np.log(h / ELU_ALPHA)"),
    M("activations.softplus_df", "df=lambda a, h: _sigmoid(a)", "df=lambda a, h: _sigmoid(-a)"),
    M("activations.tanh_inverse_domain", "inverse=np.arctanh, inverse_domain=(-1.0, 1.0)",
      "inverse=np.arctanh, inverse_domain=(-np.inf, np.inf)", issue="tanh's inverse domain widened to the whole line"),
    M("activations.sigmoid_range", 'output_range=(0.0, 1.0), latex=r"\\sigma', 'output_range=(0.0, 2.0), latex=r"\\sigma'),
    M("activations.relu_closed_low", 'formula="max(0, a)", closed_low=True', 'formula="max(0, a)", closed_low=False'),
    M("activations.elu_alpha", "ELU_ALPHA = 1.0 ", "ELU_ALPHA = 0.5 "),
    M("activations.sigmoid_sign", "np.negative(a, out=out)", "np.positive(a, out=out)"),
    # ---- losses
    M("losses.se_per_batch", "return float(np.vdot(d, d)) / _batch(z)", "return float(np.vdot(d, d))"),
    M("losses.se_grad_factor", "(2.0 / _batch(z)) * (z - x)", "(1.0 / _batch(z)) * (z - x)"),
    M("losses.ce_grad_sign", "return (zc - x) / (zc * (1 - zc)) / _batch(z)", "return (x - zc) / (zc * (1 - zc)) / _batch(z)"),
    M("losses.ce_second_term", "np.sum((1 - x) * np.log1p(-zc))", "np.sum((1 - x) * np.log(zc))"),
    M("losses.ce_clip", "return 1e-7 if np.asarray(z).dtype == np.float32 else 1e-12",
      "return 1e-3 if np.asarray(z).dtype == np.float32 else 1e-3"),
    M("losses.batch_axis", "return z.shape[0] if z.ndim > 1 else 1", "return z.shape[-1] if z.ndim > 1 else 1"),
    M("losses.logits_grad_half", "dA *= 0.5 / B", "dA *= 1.0 / B"),
    M("losses.logits_log2", "a.size * LOG2", "a.size * LOG2 / 2"),
    M("losses.logits_int_targets", "w = np.multiply(x, 2, dtype=t.dtype)", "w = np.multiply(x, 2)"),
    M("losses.sumlog_leftover", "np.log(v[k:]).sum()", "np.log(v[k + 1:]).sum()"),
    M("losses.sumlog_halving", "np.multiply(p[:rows], p[rows:2 * rows], out=p[:rows])",
      "np.multiply(p[:rows], p[rows:2 * rows - 1].sum(axis=0), out=p[:rows])"),
    # ---- layers
    M("layers.matmul_accumulate", "out += A[..., start:start + step] @ B[start:start + step]",
      "out = A[..., start:start + step] @ B[start:start + step]"),
    M("layers.db_mean", "db = dA.sum(axis=0)", "db = dA.mean(axis=0)"),
    M("layers.dX_transpose", "dX = matmul(dA, W) if need_dX else None", "dX = matmul(dA, W) * 0.5 if need_dX else None"),
    M("layers.glorot_range", "r = np.sqrt(6.0 / (n_in + n_out))", "r = np.sqrt(3.0 / (n_in + n_out))"),
    M("layers.glorot_sigmoid_factor", "return 4 * glorot_uniform(", "return 2 * glorot_uniform("),
    M("layers.he_scale", "np.sqrt(2.0 / n_in)", "np.sqrt(1.0 / n_in)"),
    M("layers.rectifiers", 'RECTIFIERS = ("relu", "leaky_relu", "elu", "softplus")', 'RECTIFIERS = ("relu", "leaky_relu")'),
    M("layers.bias_add", "    A += b                           # (batch, n_out)", "    A -= b                           # (batch, n_out)"),
    # ---- model
    M("model.tied_sum", "dW_enc += dW_dec.T                       # tied", "dW_enc = dW_dec.T                       # tied"),
    M("model.network_df_args", "dA = dH * self.activations[l - 1].df(A, H)", "dA = dH * self.activations[l - 1].df(A, A)"),
    M("model.target_range", "if tmin < lo or tmax > hi:", "if tmin < lo:"),
    M("model.bottleneck_argmax", "code = int(np.argmin(sizes[1:-1])) + 1", "code = int(np.argmax(sizes[1:-1])) + 1"),
    M("model.output_bias_clip", "lo + 1e-3 if np.isfinite(lo) else -np.inf", "lo + 1e-2 if np.isfinite(lo) else -np.inf"),
    M("model.init_bias_inverse", "b = g.inverse(np.clip(", "b = g.f(np.clip("),
    M("model.untied_decoder_grad", 'grads["W"], grads["W_prime"] = dW_enc, dW_dec', 'grads["W"], grads["W_prime"] = dW_enc, dW_dec.T.T * 2'),
    M("model.target_rows", "if T.shape[0] != X.shape[0]:", "if T.shape[0] > X.shape[0]:"),
    # ---- optim
    M("optim.sgd_sign", "p -= self.lr * grads[k]", "p += self.lr * grads[k]"),
    M("optim.momentum_ignored", "vel *= self.momentum", "vel *= 0.9", issue="momentum whose coefficient is ignored"),
    M("optim.adam_no_bias_correction", "step = self.lr * np.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)",
      "step = self.lr", issue="Adam without its bias correction"),
    M("optim.adam_eps", "tmp += eps_hat", "tmp += 1e4 * eps_hat", issue="Adam's epsilon 10^4 times larger"),
    M("optim.adam_m_update", "m += (1 - b1) * g", "m += b1 * g"),
    M("optim.adam_s_update", "tmp *= (1 - b2)", "tmp *= b2"),
    M("optim.adam_eps_hat", "eps_hat = self.eps * np.sqrt(1 - b2 ** self.t)", "eps_hat = self.eps"),
    M("optim.options_dropped", "return cls(lr, **kwargs)", "return cls(lr)"),
    # ---- train
    M("train.divergence_first_epoch", "worst > max_loss_ratio * max(first_loss, 1e-12)",
      "worst > max_loss_ratio * max(hist.train_loss[0], 1e-12)",
      issue="the divergence rule measured against the first epoch's mean instead of the first batch"),
    M("train.noisy_target", "else model._loss_and_grads(Xin, Tb, L))", "else model._loss_and_grads(Xin, Xin, L))",
      issue="fit scoring a denoising step against the noisy batch"),
    M("train.l2_sign", "grads[k] += (2 * l2) * model.params[k]", "grads[k] -= (2 * l2) * model.params[k]",
      issue="an L2 penalty with its sign flipped"),
    M("train.l2_factor", "grads[k] += (2 * l2) * model.params[k]", "grads[k] += l2 * model.params[k]"),
    M("train.l1_sign_dropped", "grads[k] += l1 * np.sign(model.params[k])", "grads[k] += l1 * model.params[k]"),
    M("train.penalise_biases", "weights = model.weight_names if (l1 or l2) else []",
      "weights = list(model.params) if (l1 or l2) else []"),
    M("train.no_shuffle", "order = rng.permutation(n) if batch_size < n else None",
      "order = np.arange(n) if batch_size < n else None"),
    M("train.unweighted_mean", "total += value * Xb.shape[0]", "total += value"),
    M("train.val_target", "hist.val_loss.append(model._loss_only(X_val, T_val, L))",
      "hist.val_loss.append(model._loss_only(X_val, X_val, L))"),
    M("train.worst_ignores_val", "worst = max(hist.train_loss[-1], hist.val_loss[-1] if hist.val_loss else 0.0)",
      "worst = hist.train_loss[-1]"),
    M("train.target_rows", "Tb = Xb if same else T[idx]", "Tb = Xb if same else T[np.sort(idx)]"),
    M("train.first_batch_only_once", "                if first_loss is None:\n                    first_loss = value",
      "                if True:\n                    first_loss = value"),
    M("train.progress_lines", "def _progress_epochs(epochs: int, lines: int = 10):",
      "def _progress_epochs(epochs: int, lines: int = 5):"),
    # ---- noise
    M("noise.gaussian_sigma", "X += self.level * self.rng.standard_normal", "X += self.level ** 2 * self.rng.standard_normal"),
    M("noise.masking_fraction", "X[self.rng.random(X.shape, dtype=dtype) < self.level] = 0",
      "X[self.rng.random(X.shape, dtype=dtype) < 1.1 * self.level] = 0"),
    M("noise.salt_pepper_split", "X[hit] = (u[hit] < self.level / 2).astype(dtype)",
      "X[hit] = (u[hit] < 0.55 * self.level).astype(dtype)", issue="salt-and-pepper split 55:45"),
    M("noise.clip_ignored", "        if self.clip:\n            np.clip(X, 0, 1, out=X)", "        if False:\n            np.clip(X, 0, 1, out=X)"),
    M("noise.masking_value", "X[self.rng.random(X.shape, dtype=dtype) < self.level] = 0",
      "X[self.rng.random(X.shape, dtype=dtype) < self.level] = 0.5"),
    M("noise.gaussian_dtype", "self.rng.standard_normal(X.shape, dtype=dtype)", "self.rng.standard_normal(X.shape)"),
    M("noise.copy", "X = X.astype(dtype, copy=True)", "X = X.astype(dtype, copy=False)"),
    # ---- pca
    M("pca.unequal_dims", "if Qa.shape[1] < Qb.shape[1]:", "if Qa.shape[1] > Qb.shape[1]:",
      issue="principal_angles of subspaces of different dimension returning the wrong count"),
    M("pca.covariance_n_minus_1", "C = Xc.T @ Xc / X.shape[0]", "C = Xc.T @ Xc / (X.shape[0] - 1)"),
    M("pca.smallest_first", "top = np.argsort(var)[::-1][:m]", "top = np.argsort(var)[:m]"),
    M("pca.no_sign_fix", "comps *= flip[:, None]", "comps *= 1"),
    M("pca.truncate_variances", "self.variances[:m].copy()", "self.variances.copy()"),
    M("pca.small_angles_arccos", "np.where(cos ** 2 >= 0.5,", "np.where(cos ** 2 >= 2,"),
    M("pca.encode_uncentred", "return (X - self.mean) @ self.components.T", "return X @ self.components.T"),
    # ---- datasets
    M("datasets.images_transposed", "return self.X.reshape(-1, 28, 28)  # (n, 28, 28)",
      "return self.X.reshape(-1, 28, 28).transpose(0, 2, 1)  # (n, 28, 28)", issue="Digits.images transposed"),
    M("datasets.split_labels", 'X, y = data["X"][rows], data["y"][rows]',
      'X, y = data["X"][rows], data["y"][np.sort(rows % 4000)]', issue="a split's labels from other rows (train.y)"),
    M("datasets.split_pixels", 'X, y = data["X"][rows], data["y"][rows]',
      'X, y = data["X"][rows[::-1]], data["y"][rows]', issue="a split's pixels from other rows (test.X)"),
    M("datasets.scale_256", "/ np.float32(255)", "/ np.float32(256)"),
    M("datasets.bars_probability", "on = rng.random((n, size)) < 0.5", "on = rng.random((n, size)) < 0.7"),
    M("datasets.xor", "y = (X[:, :1] != X[:, 1:])", "y = (X[:, :1] == X[:, 1:])"),
    # ---- gradcheck (not in the core score, but its floor was one of the issue's bugs)
    M("gradcheck.floor", "floor = max(1e-4 * max(", "floor = max(1e-1 * max(", issue="gradcheck's floor 1000x looser"),
    M("gradcheck.five_point", "num = (f[-2] - 8 * f[-1] + 8 * f[1] - f[2]) / (12 * eps)",
      "num = (f[-2] - 8 * f[-1] + 7 * f[1] - f[2]) / (12 * eps)"),
    # ---- widgets (not in the core score: the issue's widget bugs)
    M("widgets.reconstruct_clean", "recon = model.reconstruct(noisy)", "recon = model.reconstruct(clean)",
      issue="a widget reconstructing the clean digits instead of the corrupted ones"),
    M("widgets.least_exciting", 'top = np.argsort(-H[:, i], kind="stable")[:n_top]',
      'top = np.argsort(H[:, i], kind="stable")[:n_top]', issue="the hidden-unit explorer showing the least exciting digits"),
    # ---- viz (not in the core score: plotted results, which nbval never compares)
    M("viz.tiles_transposed", "img = X[i].reshape(side, side)", "img = X[i].reshape(side, side).T"),
    M("viz.reconstructions_order", "np.vstack([X, Z])", "np.vstack([Z, X])"),
    M("viz.history_val_as_train", "ax.plot(xs, h.val_loss,", "ax.plot(xs, h.train_loss,"),
    M("viz.filters_scale", "m = float(np.abs(img).max()) or 1.0", "m = float(img.max()) or 1.0"),
]


def make_copy(dest: Path, worktree: bool) -> None:
    """The repository's aelib/, tests/ and pyproject.toml, from HEAD (default) or the working tree."""
    if worktree:
        for name in COPY:
            src = REPO / name
            if src.is_dir():
                shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(src, dest / name)
        return
    tar = subprocess.run(["git", "archive", "--format=tar", "HEAD", *COPY], cwd=REPO, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as t:
        t.extractall(dest, filter="data")


def run_tests(where: Path, tests: list[str], timeout: float, stop: bool = True) -> tuple[int, str]:
    # No plugin autoloading (nbval, xdist, hypothesis...): these unit tests need none, and loading
    # them took most of each run (about 3 s instead of 10-30 s per mutant on a busy machine).
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1", PYTHONPATH="", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    cmd = ["nice", "-n", "10", sys.executable, "-m", "pytest", *(["-x"] if stop else []), "-q", "-p",
           "no:cacheprovider", "-o", "addopts=", "-W", "ignore::RuntimeWarning", *tests]
    try:
        run = subprocess.run(cmd, cwd=where, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    lines = [ln.split(" - ")[0] for ln in run.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))]
    if not stop and lines:
        return run.returncode, f"{len(lines)} failed: " + ", ".join(ln.split("::", 1)[-1] for ln in lines)
    return run.returncode, (lines[0] if lines else run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--only", default="", help="run only mutants whose id starts with this")
    ap.add_argument("--worktree", action="store_true", help="mutate the working tree's files, not HEAD's")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant before it counts as killed")
    ap.add_argument("--issue", action="store_true", help="only the mutants that are issue 23's bugs")
    ap.add_argument("--all-failures", action="store_true",
                    help="run every test of a mutant (no -x) and name all that fail (slower)")
    args = ap.parse_args(argv)
    mutants = [m for m in MUTANTS if m.id.startswith(args.only) and (m.issue or not args.issue)]
    if args.list:
        for m in mutants:
            print(f"{m.id:<36} {' '.join(TESTS[m.module])}" + (f"   [issue: {m.issue}]" if m.issue else ""))
        return 0
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="aelib-mutate-") as tmp:
        where = Path(tmp)
        make_copy(where, args.worktree)
        needed = sorted({t for m in mutants for t in TESTS[m.module]})
        rc, last = run_tests(where, needed, args.timeout)
        if rc != 0:
            print(f"The unmutated copy fails its tests ({last}); fix that first.", file=sys.stderr)
            return 2
        print(f"unmutated copy ({'working tree' if args.worktree else 'HEAD'}): tests pass; "
              f"{len(mutants)} mutants\n")
        results = []
        for m in mutants:
            f = where / m.path
            source = f.read_text()
            if source.count(m.old) != 1:
                results.append((m, "stale", f"text found {source.count(m.old)} times in {m.path}", 0.0))
                print(f"{'stale':<9}{m.id}")
                continue
            f.write_text(source.replace(m.old, m.new))
            t0 = time.perf_counter()
            try:
                rc, what = run_tests(where, TESTS[m.module], args.timeout, stop=not args.all_failures)
            finally:
                f.write_text(source)
            status = "survived" if rc == 0 else "killed"
            results.append((m, status, what, time.perf_counter() - t0))
            print(f"{status:<9}{m.id:<36}{time.perf_counter() - t0:6.1f} s  "
                  f"{what if args.all_failures else what[:110]}", flush=True)
    print()
    for title, group in (("core (" + ", ".join(CORE) + ")", [r for r in results if r[0].module in CORE]),
                         ("all", results)):
        counted = [r for r in group if r[1] != "stale"]
        killed = sum(r[1] == "killed" for r in counted)
        if counted:
            print(f"score, {title}: {killed}/{len(counted)} killed = {100 * killed / len(counted):.0f}%")
    survivors = [r[0].id for r in results if r[1] == "survived"]
    stale = [r[0].id for r in results if r[1] == "stale"]
    print("survivors:", ", ".join(survivors) or "none")
    if stale:
        print("stale (source changed; update MUTANTS):", ", ".join(stale))
    issue = [r for r in results if r[0].issue]
    if issue:
        print("\nissue 23's bugs:")
        for m, status, what, _ in issue:
            print(f"  {status:<9}{m.issue}: {what if args.all_failures else what[:120]}")
    print(f"\n{len(results)} mutants in {time.perf_counter() - t_start:.0f} s")
    # exit status: 0 when at least 90% of the core mutants run (or of all, if no core one ran) were killed
    scored = [r for r in results if r[0].module in CORE and r[1] != "stale"] or [r for r in results if r[1] != "stale"]
    return 0 if scored and sum(r[1] == "killed" for r in scored) >= 0.9 * len(scored) else 1


if __name__ == "__main__":
    sys.exit(main())
