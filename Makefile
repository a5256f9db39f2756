# clientgate: `make serve` runs the gateway, `make test` runs every test.
# Both create .venv on first use and (re)install the project when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8080
PYTEST_ARGS ?=
# The suite runs in this many processes (pytest-xdist; 0: one process), a test file to each.
PYTEST_WORKERS ?= 2

.PHONY: serve test bench bench-smoke install clean base-image lock

$(VENV)/.run-installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.run-installed

install: $(VENV)/.run-installed

serve: $(VENV)/.run-installed
	$(VENV)/bin/clientgate serve --demo --host $(HOST) --port $(PORT)

test: $(VENV)/.test-installed
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: $(VENV)/.test-installed
	$(PY) bench/run.py

# About 90 s: every dialect on both backends, one short round, half targets; then every
# list, search and filter of the scale benchmark at 20,000 clients, answers judged (CI runs it).
bench-smoke: $(VENV)/.test-installed
	$(PY) bench/run.py --smoke --backend sqlite,postgresql --dialect all --seconds 1 --rounds 1 \
	  --clients 2000
	$(PY) bench/scale.py --answers-only --clients 20000 --small 2000 --repeat 2

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info

# A base image for the container test where registries are out of reach: Debian's python3 from
# Debian's packages (debootstrap, podman). Once per machine; `make test` uses it when present.
BASE_IMAGE ?= clientgate-base:bookworm
base-image:
	rm -rf .base-rootfs
	debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm \
	  .base-rootfs http://deb.debian.org/debian
	tar -C .base-rootfs -c . | podman import --change 'CMD ["python3"]' - $(BASE_IMAGE)
	rm -rf .base-rootfs

# requirements.lock: every runtime dependency pinned with its hashes, what the image installs.
# Run after changing pyproject.toml's dependencies (tests/test_packaging.py checks they agree).
lock:
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url \
	  --no-emit-find-links --output-file requirements.lock pyproject.toml
