# Two entry points: `make demo` runs the main job, `make test` runs the whole test suite.
# Both build their own virtual environment in .venv from pyproject.toml.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint bench clean check-python

check-python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0) if v >= (3, 12) else sys.exit("error: Python >= 3.12 is required, found %d.%d at %s. Install Python 3.12 (e.g. pyenv install 3.12) or run: make PYTHON=/path/to/python3.12 ..." % (v[0], v[1], sys.executable))'

$(STAMP): pyproject.toml | check-python
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The browser tests drive Debian's Chromium (Playwright with executable_path; no browser
# download). A new machine gets it from Debian's packages, as root or through sudo.
$(CHROMIUM):
	@echo "installing Debian's chromium package for the browser tests"
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium

# The headline comparison, what drives it (split exactly by mechanism, policy lever and step of
# the sales funnel), the talk in Dutch and English, the calibration example (docs/CALIBRATION.md)
# and the offline report, whose path is the last line.
demo: $(STAMP)
	$(BIN)/ccsim compare experiments/policy_comparison.toml --out results/policy-comparison
	$(BIN)/python experiments/what_drives_the_result.py \
	  --out results/what-drives-the-result --into results/policy-comparison
	$(BIN)/ccsim talk results/policy-comparison --lang nl
	$(BIN)/ccsim talk results/policy-comparison --lang en
	$(BIN)/ccsim calibrate experiments/calibration/export.csv.gz \
	  --mapping experiments/calibration/mapping.toml --out results/calibration/my_center.toml --force
	$(BIN)/ccsim report results/policy-comparison

test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check sim tests benchmarks experiments
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks experiments
	$(BIN)/ruff format --check sim tests benchmarks experiments
	$(BIN)/lint-imports

# Issue #22's speed and memory targets in one table first (~8 min), then the comparisons.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_targets.py
	$(BIN)/python benchmarks/bench_queue.py
	$(BIN)/python benchmarks/bench_behavior.py
	$(BIN)/python benchmarks/bench_executor.py
	$(BIN)/python benchmarks/bench_dashboard.py
	$(BIN)/python benchmarks/bench_dashboard_browser.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
