# MentorDesk. `make run` opens the app; `make test` runs the whole suite (Qt offscreen).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench dist clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m app

test: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

dist: $(STAMP)
	$(PY) -m pip install --quiet -e ".[dist]"
	$(PY) -m PyInstaller --noconfirm --clean --distpath build/dist --workpath build/work installer/mentordesk.spec
	QT_QPA_PLATFORM=offscreen build/dist/mentordesk/mentordesk --selftest

clean:
	rm -rf build $(VENV)
