"""`make eval`: the AI measured on labelled corpora (`tests/data/ai/`), one table for every figure.

Each part is a module of this package with `evaluate() -> list[Row]`; `PARTS` lists them in table order.
`tests/unit/ai/test_eval_*.py` keep the targets in `make test`, so a regression fails the build.
"""
