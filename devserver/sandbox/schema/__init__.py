"""Upwork's GraphQL schema (`upwork.graphql`, reconstructed from public sources) and a validation cache.

Every distinct document is parsed and validated once (`validated`); the sandbox and the drift test use it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from graphql import DocumentNode, GraphQLError, GraphQLSchema, build_schema, parse, validate

SCHEMA_FILE = Path(__file__).with_name("upwork.graphql")


@functools.cache
def schema() -> GraphQLSchema:
    return build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=512)
def validated(source: str) -> tuple[DocumentNode | None, tuple[GraphQLError, ...], str]:
    """`(document, errors, code)`: the parsed document when valid; else the errors and Upwork's error code."""
    try:
        document = parse(source)
    except GraphQLError as error:
        return None, (error,), "GRAPHQL_PARSE_FAILED"
    errors = validate(schema(), document)
    if errors:
        return None, tuple(errors), "GRAPHQL_VALIDATION_FAILED"
    return document, (), ""
