# MentorDesk. `make run` opens the app; `make test` runs the whole suite (Qt offscreen).
# `make dist` builds, self-tests, measures and packages the installable app (installer/build.py).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench mutate dist icons clean

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
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n auto --dist loadgroup

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

# Mutation testing of the rule modules ([tool.mutmut] in pyproject.toml; docs/testing.md). Not in CI: it takes
# hours. Results are cached in mutants/, so a second run retries only what changed; the score goes to
# benchmarks/results.json ("mutation").
mutate: $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,mutation]"
	# the server's confidential columns (server/access.py) are tested against a throwaway PostgreSQL when this
	# machine can start one (.ci/start-postgres.sh, port 54339); the other rules' tests run on SQLite only
	set -e; if PGPORT_TEST=54339 .ci/start-postgres.sh > .mutate-pg.env 2>/dev/null; then . ./.mutate-pg.env; fi; \
	trap '[ -n "$$MENTORDESK_TEST_PG_DATA" ] && runuser -u postgres -- "$$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D "$$MENTORDESK_TEST_PG_DATA" -m fast stop >/dev/null 2>&1; rm -f .mutate-pg.env' EXIT; \
	QT_QPA_PLATFORM=offscreen HYPOTHESIS_PROFILE=mutation MENTORDESK_TEST_BACKENDS=sqlite \
	  $(PY) -m mutmut run --max-children 2
	$(PY) -m benchmarks.mutation_score

dist: $(STAMP)
	$(PY) installer/build.py

icons: $(STAMP)
	$(PY) installer/make_icons.py

clean:
	rm -rf build $(VENV)
