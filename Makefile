# Works with only Python 3.11+, make and a shell. Everything is installed into ./.venv.
#   make setup   create .venv and install aelib with what the lessons need (the learner install)
#   make check   setup, then check it in < 30 s: one line, OK or what to fix (scripts/check_setup.py)
#   make lab     setup, then open JupyterLab at notebooks/00_start_here.ipynb
#   make test    setup-test (adds the "test" and "instructor" extras), then run the tests (pytest + nbval)
#   make constraints  regenerate constraints/tested.txt (the tested versions) from the newest releases
#   make record  re-run notebooks and save outputs (NB=notebooks/02_....ipynb for one)
#   make exercises  regenerate the learner copies exercises/ from solutions/ (resets learners' edits)
#   make html    static HTML handouts of the lessons in _build/html/ (open offline)
#   make times   measure each notebook's run time; regenerates the tables in INSTRUCTORS.md
#   make evidence  the thorough run of every Claim check (~40 min on a busy 2-core machine); writes evidence/RESULTS.md
#   make mutate  mutation testing of aelib's core against the unit tests (scripts/mutate.py); prints the score
#   make bench   time aelib against PyTorch (if installed) and the whole course; writes benchmarks/RESULTS.md
#   make hub-test  N learners at once on a real JupyterHub (HUB_LEARNERS=10); hub-capacity also writes INSTRUCTORS.md's table
#   make clean   remove .venv and caches
# Variables: PYTHON (interpreter used to create .venv), LAB_ARGS (extra `jupyter lab` flags,
# e.g. make lab LAB_ARGS="--no-browser --port 8890"), PYTEST_ARGS (extra pytest flags),
# BENCH_ARGS (e.g. make bench BENCH_ARGS="--no-course"; see python -m benchmarks.bench --help).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Installs use the tested versions (make constraints regenerates the file). CONSTRAINTS= (empty)
# installs the newest releases instead, as CI's scheduled job does; another file can be named too
# (constraints/lower-bounds.txt). The stamps carry the file's name, so switching reinstalls.
CONSTRAINTS ?= constraints/tested.txt
PIP_INSTALL = $(BIN)/python -m pip install $(if $(CONSTRAINTS),-c "$(CONSTRAINTS)")
STAMP_TAG := $(if $(CONSTRAINTS),$(basename $(notdir $(CONSTRAINTS))),newest)
STAMP := $(VENV)/.installed-$(STAMP_TAG)
TEST_STAMP := $(VENV)/.installed-test-$(STAMP_TAG)
# after an install with one constraints file, the stamps of the others no longer hold
FORGET_OTHER_STAMPS = find $(VENV) -maxdepth 1 -name '.installed*' ! -name '*-$(STAMP_TAG)' -delete
FIRST_NOTEBOOK := notebooks/00_start_here.ipynb
LAB_ARGS ?=
PYTEST_ARGS ?=
BENCH_ARGS ?=

# jupyter refuses to run as root unless told to
ifeq ($(shell id -u),0)
ALLOW_ROOT := --allow-root
endif

.PHONY: setup setup-test check constraints lab test clean check-python record html times exercises bench evidence mutate hub-setup hub-test hub-capacity

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "This course needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo 'not found')."; \
	  echo "Install a newer Python, or point make at one: make $(MAKECMDGOALS) PYTHON=python3.11"; \
	  exit 1; }

$(BIN)/python:
	@$(MAKE) --no-print-directory check-python
	$(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; \
	  exit 1; }

# Reinstall only when pyproject.toml or the constraints changed (or the venv is new). The learner
# install is aelib and the lesson packages only; setup-test adds the test and instructor tools.
$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) -e .
	@$(FORGET_OTHER_STAMPS); touch $@

$(TEST_STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) -e '.[test,instructor]'
	@$(FORGET_OTHER_STAMPS); touch $@ $(STAMP)

setup: $(STAMP)

setup-test: $(TEST_STAMP)

# The learner's set-up check (same as `python scripts/check_setup.py` without make).
check: setup
	@$(BIN)/python scripts/check_setup.py

# New tested versions: the newest releases into build/constraints-venv, frozen into
# constraints/tested.txt. Then run `make test` and commit the file if it passes.
constraints: setup
	$(BIN)/python scripts/update_constraints.py

# Opens the first notebook once it exists (jupyter refuses a path that does not), else the file browser.
# The root folder is quoted: a path such as "/mnt/c/Users/First Last/course" must stay one argument
# (tests/test_make_paths.py runs make setup and make lab from a folder with a space).
# MPLCONFIGDIR: a fixed writable matplotlib folder when the home folder is read-only, else empty
# (= matplotlib's default), so that no cell shows matplotlib's cache warning (aelib/_env.py).
lab: setup
	MPLCONFIGDIR="$$($(BIN)/python -m aelib._env)" \
	  $(BIN)/jupyter lab $(wildcard $(FIRST_NOTEBOOK)) --ServerApp.root_dir="$(CURDIR)" $(ALLOW_ROOT) $(LAB_ARGS)

# Serial by default. In parallel, nbval needs each notebook kept on one worker:
#   make test PYTEST_ARGS="-n 2 --dist loadscope"   (plain -n 2 splits notebooks and fails)
# Two BLAS threads here; tests/test_reproducible.py re-runs the notebooks with one (issue 9).
test: export OPENBLAS_NUM_THREADS = 2
test: export OMP_NUM_THREADS = 2
test: export MKL_NUM_THREADS = 2
test: setup-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Re-execute notebooks and save their outputs (after an intended change). NB=path or folder.
NB ?= notebooks solutions
record: setup
	$(BIN)/python scripts/run_notebooks.py $(NB)

# Regenerate exercises/ from solutions/ (answers replaced by gaps) and record their outputs.
exercises: setup
	$(BIN)/python scripts/make_exercises.py

# Static HTML handouts of the lessons in _build/html/ (no network needed to open them).
html: setup-test
	$(BIN)/python scripts/build_html.py --out _build/html

# Measure each notebook's run time in a fresh kernel (notebooks are not modified); writes
# INSTRUCTORS-times.json and the generated tables in INSTRUCTORS.md. NB=path for one.
times: setup
	$(BIN)/python scripts/measure_times.py $(if $(filter command line,$(origin NB)),$(NB))

# Training speed against PyTorch (optional extra: pip install -e '.[benchmark]') and the whole
# course's run time; writes benchmarks/RESULTS.md. OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, where a
# machine sets them, pick slower kernels: unset for this command only (RESULTS.md names the kernel).
bench: setup
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python -m benchmarks.bench $(BENCH_ARGS)

# Every Claim check with more seeds, the full learning-rate grid and longer training (the claims
# took 40 min of wall time in all, one by one, on our busy 2-core machine); writes
# evidence/results/*.json and evidence/RESULTS.md. ONLY="04." for some claims. One BLAS thread: the
# models are small, the results are the same bits with 1 or 2 threads, and 2 threads stall on a busy machine.
evidence: export OPENBLAS_NUM_THREADS = 1
evidence: setup
	$(BIN)/python scripts/evidence.py $(if $(ONLY),--only $(ONLY))

# Mutation testing of aelib's core: plant one listed bug at a time in a temporary copy of HEAD and
# run the fast unit tests that cover it (niced, 1 BLAS thread, no notebooks); prints the score and
# the survivors. ONLY="optim" for some mutants. See scripts/mutate.py.
mutate: setup
	$(BIN)/python scripts/mutate.py $(if $(ONLY),--only $(ONLY))

# A classroom on a real JupyterHub (tests/test_hub.py, not in `make test`: a few minutes of both
# cores). hub-setup adds JupyterHub and nbgitpuller to .venv and configurable-http-proxy (npm) to
# .venv/hub-node. HUB_LEARNERS=N learners at once (10). hub-capacity also records the measurement in
# hub/capacity.json and regenerates the capacity table in INSTRUCTORS.md (scripts/hub_capacity.py).
HUB_LEARNERS ?= 10
HUB_STAMP := $(VENV)/.installed-hub
$(HUB_STAMP): pyproject.toml $(CONSTRAINTS) $(TEST_STAMP)
	$(PIP_INSTALL) -e '.[test,instructor,hub]'
	@command -v npm >/dev/null || { echo "npm is missing (Debian/Ubuntu: sudo apt-get install nodejs npm)"; exit 1; }
	npm install --no-audit --no-fund --prefix $(VENV)/hub-node configurable-http-proxy@5
	@touch $@

hub-setup: $(HUB_STAMP)

hub-test: export OPENBLAS_NUM_THREADS = 1
hub-test: hub-setup
	AE_HUB_TEST=1 AE_HUB_LEARNERS=$(HUB_LEARNERS) $(BIN)/python -m pytest tests/test_hub.py -p no:cacheprovider -rs $(PYTEST_ARGS)

hub-capacity: export OPENBLAS_NUM_THREADS = 1
hub-capacity: hub-setup
	AE_HUB_TEST=1 AE_HUB_LEARNERS=$(HUB_LEARNERS) AE_HUB_RESULTS=hub/capacity.json $(BIN)/python -m pytest tests/test_hub.py -p no:cacheprovider -rs $(PYTEST_ARGS)
	$(BIN)/python scripts/hub_capacity.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build _build *.egg-info aelib.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -not -path './.git/*' -exec rm -rf {} +
