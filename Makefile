# Bidcraft — the one interface: `make dev` runs the API locally, `make test` is the quality gate.
SHELL := /bin/bash
export SAM_CLI_TELEMETRY := 0
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
PORT ?= 3000
PYTEST_ARGS ?=

.PHONY: help venv dev test lint format typecheck cfn-lint security unit integration e2e openapi \
        validate build deploy invoke bench eval clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The virtualenv is (re)built whenever pyproject.toml changes: `make dev` and `make test` need nothing else.
$(VENV)/.installed: pyproject.toml
	@echo ">> preparing $(VENV) from pyproject.toml (first run takes a few minutes)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet --progress-bar off -e '.[ai,reports,dev]'
	@touch $@

venv: $(VENV)/.installed ## Create or update .venv from pyproject.toml

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

build: $(SAM_VENV)/.installed ## Build deployable artifacts for python3.13 without Docker
	PYTHON=$(abspath $(BIN)/python) PYTHON313=$(PYTHON313) $(SAM) build --parallel

deploy: build ## Deploy with sam deploy (ENV=prod for the prod config)
	$(SAM) deploy --config-env $(or $(ENV),default)

clean: ## Remove build output and caches (keeps the virtualenvs)
	rm -rf .aws-sam build .coverage coverage.xml .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
