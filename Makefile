# Bidcraft — the one interface: `make dev` runs the API locally, `make test` is the quality gate.
SHELL := /bin/bash
export SAM_CLI_TELEMETRY := 0
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
# Every installed version comes from here (make lock writes it; docs/deploy.md, "Dependencies").
LOCK := requirements.lock
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
PORT ?= 3000
PYTEST_ARGS ?=

.PHONY: help venv lock dev test lint format typecheck cfn-lint security unit integration e2e openapi \
        validate build deploy invoke bench eval clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The virtualenv is synced with requirements.lock whenever it or pyproject.toml changes: `make dev` and
# `make test` need nothing else. A clean machine needs only Python and pip: pip installs uv hash-checked from the
# lock, then uv makes the environment exactly the lock (hashes verified, anything else removed) and adds the
# project itself, editable, without dependencies.
$(UV):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@awk '/^uv==/ { found = 1 } found { print; if (!/\\$$/) exit }' $(LOCK) > $(VENV)/bootstrap-uv.txt
	@$(BIN)/python -m pip install --quiet --progress-bar off --disable-pip-version-check \
		--require-hashes --no-deps -r $(VENV)/bootstrap-uv.txt

$(VENV)/.installed: pyproject.toml $(LOCK) | $(UV)
	@echo ">> syncing $(VENV) with $(LOCK) (first run takes a minute)"
	@$(UV) pip sync --quiet --python $(BIN)/python --require-hashes $(LOCK)
	@$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@$(BIN)/python layers/common/pins.py verify >/dev/null || echo ">> warning: the lock is stale: run make lock"
	@touch $@

venv: $(VENV)/.installed ## Create or update .venv from requirements.lock (VENV=dir for another one)

# Resolves pyproject.toml once for every environment (3.11 here and in CI, 3.13 on Lambda): versions already in
# the lock stay unless named in UPGRADE; then proves the Lambda part installs from wheels for the runtime.
lock: | $(UV) ## Re-resolve requirements.lock from pyproject.toml (UPGRADE="pkg ..." moves those packages)
	$(UV) pip compile pyproject.toml --all-extras --universal --generate-hashes --quiet \
		--custom-compile-command 'make lock' $(foreach pkg,$(UPGRADE),--upgrade-package $(pkg)) -o $(LOCK)
	$(BIN)/python layers/common/pins.py stamp
	$(MAKE) --no-print-directory -f layers/common/Makefile check-lambda-lock PYTHON=$(abspath $(BIN)/python)

dev: venv ## Serve the whole API on http://127.0.0.1:$(PORT) with AWS emulated and the Upwork sandbox
	PORT=$(PORT) $(BIN)/python -m devserver

invoke: venv ## Invoke one function with an event, no Docker: make invoke FN=auth EVENT=events/auth_me.json
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<function> EVENT=events/<file>.json"; exit 2; }
	$(BIN)/python -m devserver.invoke $(FN) $(EVENT)

test: venv lint typecheck cfn-lint security ## The quality gate: lint, types, template, security, all tests with coverage
	$(BIN)/python -m pytest --cov --cov-report=term --cov-report=xml -p no:cacheprovider $(PYTEST_ARGS)

unit: venv ## Unit tests only
	$(BIN)/python -m pytest tests/unit -q $(PYTEST_ARGS)

integration: venv ## Integration tests only (moto server)
	$(BIN)/python -m pytest tests/integration -q $(PYTEST_ARGS)

e2e: venv ## End-to-end tests against the local stack
	$(BIN)/python -m pytest tests/e2e -q $(PYTEST_ARGS)

lint: venv ## ruff lint and format check; import-linter: dependencies point inward
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=layers/common $(BIN)/lint-imports --no-cache

format: venv ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: venv ## mypy with the pydantic plugin
	$(BIN)/mypy

cfn-lint: venv ## Lint template.yaml, and the template SAM's transform makes of it (as CloudFormation gets it)
	$(BIN)/cfn-lint template.yaml
	$(BIN)/python -m devserver.sam_transform --template template.yaml --output build/template.transformed.json
	$(BIN)/cfn-lint build/template.transformed.json

security: venv ## bandit over the deployed and local-stack code
	$(BIN)/bandit -q -c pyproject.toml -r layers/common/bidcraft functions devserver

openapi: venv ## Regenerate the committed OpenAPI document from the functions' routes
	$(BIN)/python -m devserver.openapi_gen --write

eval: venv ## Measure the AI on the labelled corpora in tests/data/ai and write the table into docs/ai.md
	$(BIN)/python -m tests.eval --write

bench: venv ## Cold-start and per-request benchmarks (numbers, not assertions)
	$(BIN)/python -m bench

# --- AWS: the SAM CLI lives in its own virtualenv (it pins older boto3/pydantic) -----------------------------
$(SAM_VENV)/.installed:
	@echo ">> installing aws-sam-cli into $(SAM_VENV)"
	@test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	@$(SAM_VENV)/bin/python -m pip install --quiet --progress-bar off aws-sam-cli
	@touch $@

validate: $(SAM_VENV)/.installed venv cfn-lint ## sam validate --lint plus cfn-lint (template and transformed)
	$(SAM) validate --lint --region eu-central-1

# A real python3.13 (any on PATH, or pyenv's) lets the build precompile bytecode for the runtime.
PYTHON313 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) python3.13)

build: $(SAM_VENV)/.installed venv ## Build deployable artifacts for python3.13 without Docker
	PYTHON=$(abspath $(BIN)/python) PYTHON313=$(PYTHON313) $(SAM) build --parallel

deploy: build ## Deploy with sam deploy (ENV=prod for the prod config)
	$(SAM) deploy --config-env $(or $(ENV),default)

clean: ## Remove build output and caches (keeps the virtualenvs)
	rm -rf .aws-sam build .coverage coverage.xml .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
