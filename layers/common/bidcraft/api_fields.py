"""Constrained field types shared by the API's request models (`bidcraft.ai.models`, `bidcraft.jobs.models`).

- Safe text: no NUL or other control characters, no lone surrogates — text that cannot be stored or logged
  safely is a 422, not a 500 later. `Clean` enforces it (with a clear error); `SafeText` publishes the same
  rule in the OpenAPI schema (`SAFE_TEXT_PATTERN`) so that clients and fuzzers know it.
- `Number`: JSON numbers only — `"5000"` and `true` are refused rather than coerced.
- `Omittable[T]`: a reply field left out of the JSON when it is `None`, never sent as `null` (pydantic's
  `exclude_if`; a wrap `model_serializer` would do the same, but its module,
  `pydantic.functional_serializers`, costs every cold start ~9 M instructions, and it made the OpenAPI schema
  of the model free-form).

Its own module so that a domain's models take these without importing another domain's models.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BeforeValidator, Field, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same rule as `_CONTROL`, published in the OpenAPI schema so that clients (and fuzzers) know it.
SAFE_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _clean_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


class _DocumentedSafeText:
    """Adds `SAFE_TEXT_PATTERN` to a string's JSON schema (`_clean_text` enforces it, with clearer errors)."""

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = SAFE_TEXT_PATTERN
        return json_schema


def _json_number(value: Any) -> Any:
    """JSON numbers only: `"5000"` and `true` are refused (422) rather than coerced to numbers."""
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON number")
    return value


Clean = AfterValidator(_clean_text)
SafeText = _DocumentedSafeText()
Number = BeforeValidator(_json_number)
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), Clean, SafeText]

T = TypeVar("T")


def _is_none(value: Any) -> bool:
    return value is None


Omittable = Annotated[T | None, Field(exclude_if=_is_none)]  # left out of the JSON when None, never `null`
