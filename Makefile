# MentorDesk. `make run` opens the app; `make test` runs the whole suite (Qt offscreen).
# `make dist` builds, self-tests, measures and packages the installable app (installer/build.py).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench dist icons clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	@$(PY) installer/check_system.py
	$(PY) -m app

test: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

dist: $(STAMP)
	$(PY) installer/build.py

icons: $(STAMP)
	$(PY) installer/make_icons.py

clean:
	rm -rf build $(VENV)
