# Two commands do everything on a fresh machine: `make site` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
OUTPUT ?= output
PORT ?= 8000

.PHONY: site validate serve test lint bench fuzz clean deps outlines

deps: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Builds into a new folder, then swaps it in: no stale page survives a rebuild. When the
# previous output was built by the same code and settings, the build starts from a copy
# of it made of hard links and renders again only the pages whose venues changed (the
# manifest .tierslieux-manifest.json says what each page is made of); FULL=1 forces a full
# build. Pagefind then indexes the venue pages for the search box.
site: deps
	rm -rf $(OUTPUT).tmp
	$(BIN)/pelican content -s pelicanconf.py -o $(OUTPUT).tmp \
	  $(if $(and $(wildcard $(OUTPUT)/.tierslieux-manifest.json),$(if $(FULL),,yes)),-e 'INCREMENTAL_FROM="$(abspath $(OUTPUT))"')
	$(BIN)/python -m pagefind --site $(OUTPUT).tmp --glob "lieux/**/*.html" --silent
	rm -rf $(OUTPUT) && mv $(OUTPUT).tmp $(OUTPUT)

validate: deps
	$(BIN)/tierslieux validate

# Serves the site and rebuilds it (incrementally) each time a venue, a template or the
# code is saved: reload the page to see the change.
serve: site
	$(BIN)/python -m tierslieux.site.preview --output $(OUTPUT) --port $(PORT)

test: deps
	$(BIN)/ruff check plugins tests pelicanconf.py
	$(BIN)/pytest

# Not part of `make test`: synthetic venues at 1,000, 3,500 and 20,000 (BENCH_SIZES=1000
# for a quick check), timed against the performance targets; figures in .bench/.
bench: deps
	$(BIN)/python tests/bench/run.py $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES))
	$(BIN)/python tests/bench/import_bench.py

# `make test` runs the fuzz test at 1,500 cases with a fixed seed; this runs 30,000 with a
# random one (printed: replay with FUZZ_SEED=N). Failures are saved in /tmp/fuzz-failures/.
fuzz: deps
	FUZZ_CASES=$(or $(FUZZ_CASES),30000) FUZZ_SEED=$(or $(FUZZ_SEED),random) \
	  $(BIN)/pytest -q -s tests/test_fuzz.py

# The départements' outlines under every map: a committed file, regenerated from the
# simplified outlines in ../shared with mapshaper (pinned in package.json) when they change.
OUTLINES_SOURCE ?= ../shared/data/reference/departements-avec-outre-mer.geojson
outlines: $(NODE_STAMP)
	node_modules/.bin/mapshaper -i $(OUTLINES_SOURCE) -simplify 4% keep-shapes \
	  -filter-fields code,nom -sort code \
	  -o theme/static/data/contours-departements.geojson format=geojson precision=0.001

clean:
	rm -rf $(OUTPUT) $(OUTPUT).tmp .pytest_cache
