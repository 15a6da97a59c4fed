# EmpathyDesk. The README's two commands: `make workshop` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NOTEBOOK_FLAGS := --nbval-lax --nbval-current-env --nbval-cell-timeout=120
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: workshop test lab binder-badge bench install install-test git-filter browser postgres proxy lighthouse validate unit notebooks clean

## Set up and start the facilitator-hosted workshop on an embedded SQLite database.
workshop: install
	$(PY) -m empathydesk workshop

## Set up everything and run every test.
test: install-test browser postgres proxy
	@set -e; t0=$$(date +%s); \
	echo "== content: empathydesk validate"; $(PY) -m empathydesk validate; \
	echo "== unit and storage tests (SQLite and PostgreSQL)"; \
	$(PY) -m pytest -ra --ignore=tests/browser tests; t1=$$(date +%s); \
	echo "== browser tests (Chromium against Voila servers started by the tests)"; \
	$(PY) -m pytest -ra tests/browser; t2=$$(date +%s); \
	echo "== notebooks (nbval)"; tmp=$$(mktemp -d); \
	EMPATHYDESK_DATA=$$tmp EMPATHYDESK_STRICT=1 $(PY) -m pytest -ra $(NOTEBOOK_FLAGS) -p no:cacheprovider notebooks workshop; t3=$$(date +%s); \
	echo "== timings: unit+storage $$((t1-t0)) s, browser $$((t2-t1)) s, notebooks $$((t3-t2)) s, all tests $$((t3-t0)) s"

## The same notebooks in JupyterLab, for self-study: the file browser on the lessons, lesson files saved
## without outputs (src/empathydesk/share/lab), as root too (Binder, containers), stopped by one Ctrl-C.
lab: install
	JUPYTER_CONFIG_PATH=src/empathydesk/share/lab $(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks notebooks/index.ipynb

## The README's Binder badge for this repository, from its GitHub address (`git remote get-url origin`).
binder-badge:
	@url=$$(git remote get-url origin 2>/dev/null); \
	repo=$$(printf '%s' "$$url" | sed -nE 's#^(git@github\.com:|ssh://git@github\.com/|https://github\.com/)([^/]+/[^/]+)$$#\2#p' | sed -E 's#\.git$$##'); \
	if [ -z "$$repo" ]; then \
		echo "This copy has no GitHub address (git remote get-url origin: '$$url'). Add it first: git remote add origin https://github.com/OWNER/NAME" >&2; \
		exit 1; \
	fi; \
	echo "[![Try it on Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/$$repo/HEAD?urlpath=voila/render/notebooks/index.ipynb)"

## Benchmarks that print figures (never part of `make test`).
bench: install-test browser postgres proxy lighthouse
	$(PY) bench/run.py

validate: install
	$(PY) -m empathydesk validate

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(VENV)/.installed-runtime git-filter
$(VENV)/.installed-runtime: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test git-filter
$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-runtime

## Notebooks are stored in git without outputs, stripped as JupyterLab's save hook strips the lessons (nbstripout,
## empathydesk.lab). Git keeps filters per clone, so every install sets it up; outside a git clone, nothing to do.
git-filter: $(VENV)/.installed-runtime
	@if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ]; then $(PY) -m empathydesk.lab; fi

## Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	else \
		echo "The browser tests need Debian's chromium at /usr/bin/chromium. Please run: sudo apt-get install chromium"; \
		exit 1; \
	fi

## Debian's PostgreSQL server for the storage tests (the tests start and stop their own server).
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's postgresql for the storage tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "PostgreSQL is not installed: the PostgreSQL storage tests will be skipped (sudo apt-get install postgresql)."; \
	fi

## npm packages in .node/: configurable-http-proxy for the JupyterHub test and bench (tests/hub, bench/bench_hub.py),
## Lighthouse for the accessibility bench (bench/bench_lighthouse.py). Always installed together: `npm install
## --no-save` removes whatever else is in .node/ that it was not asked for.
CHP_VERSION := 5.3.0
LIGHTHOUSE_VERSION := 12.2.3
NODE_PACKAGES := configurable-http-proxy@$(CHP_VERSION) lighthouse@$(LIGHTHOUSE_VERSION)
CHP := .node/node_modules/.bin/configurable-http-proxy
LIGHTHOUSE := .node/node_modules/.bin/lighthouse
proxy: $(CHP)
lighthouse: $(LIGHTHOUSE)
$(CHP) $(LIGHTHOUSE):
	npm install --prefix .node --no-audit --no-fund --no-save --loglevel=error $(NODE_PACKAGES)

clean:
	rm -rf $(VENV) build src/*.egg-info
