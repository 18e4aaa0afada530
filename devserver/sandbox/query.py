"""Just enough GraphQL parsing for the sandbox: the operation, its root fields and their arguments.

This is not a GraphQL engine. It tokenizes and parses the whole document (so syntax errors are reported the
way a server would), keeps the root fields of the chosen operation with their arguments (variables
substituted), and discards nested selection sets: the sandbox answers with whole objects and lets clients
read what they selected.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r"""
    (?P<skip>[\s,\ufeff]+|\#[^\n\r]*)
  | (?P<spread>\.\.\.)
  | (?P<punct>[!$&():=@\[\]{}|])
  | (?P<block>\"\"\"(?:\\\"\"\"|[\s\S])*?\"\"\")
  | (?P<string>"(?:\\.|[^"\\\n\r])*")
  | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
    """,
    re.VERBOSE,
)


class QueryError(Exception):
    """A document the sandbox cannot run: `code` is the `extensions.code` of the GraphQL error."""

    def __init__(self, message: str, code: str = "GRAPHQL_VALIDATION_FAILED") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Variable:
    name: str


@dataclass(frozen=True, slots=True)
class EnumValue:
    name: str


@dataclass(slots=True)
class RootField:
    name: str
    alias: str | None
    arguments: dict[str, Any]

    @property
    def key(self) -> str:
        """The response key: the alias when there is one."""
        return self.alias or self.name


@dataclass(slots=True)
class VariableDefinition:
    name: str
    type: str
    required: bool
    default: Any = None
    has_default: bool = False


@dataclass(slots=True)
class Operation:
    kind: str  # query | mutation | subscription
    name: str | None
    variables: dict[str, VariableDefinition] = field(default_factory=dict)
    fields: list[RootField] = field(default_factory=list)
    has_root_fragments: bool = False


def _tokenize(source: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise QueryError(
                f"Syntax Error: Unexpected character {source[position]!r}.", "GRAPHQL_PARSE_FAILED"
            )
        kind = match.lastgroup or "skip"
        if kind != "skip":
            tokens.append((kind, match.group()))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.position = 0

    # -- token helpers
    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _at(self, value: str) -> bool:
        token = self._peek()
        return token is not None and token[1] == value and token[0] in {"punct", "spread", "name"}

    def _next(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise QueryError("Syntax Error: Unexpected <EOF>.", "GRAPHQL_PARSE_FAILED")
        self.position += 1
        return token

    def _expect(self, value: str) -> None:
        kind, text = self._next()
        if text != value or kind == "string":
            raise QueryError(f"Syntax Error: Expected {value!r}, found {text!r}.", "GRAPHQL_PARSE_FAILED")

    def _name(self) -> str:
        kind, text = self._next()
        if kind != "name":
            raise QueryError(f"Syntax Error: Expected Name, found {text!r}.", "GRAPHQL_PARSE_FAILED")
        return text

    # -- grammar
    def document(self) -> list[Operation]:
        operations: list[Operation] = []
        if self._peek() is None:
            raise QueryError("Syntax Error: Unexpected <EOF>.", "GRAPHQL_PARSE_FAILED")
        while self._peek() is not None:
            if self._at("{"):
                operation = Operation("query", None)
                self._root_selection_set(operation)
                operations.append(operation)
                continue
            keyword = self._name()
            if keyword == "fragment":
                self._name()
                if self._name() != "on":
                    raise QueryError("Syntax Error: Expected 'on'.", "GRAPHQL_PARSE_FAILED")
                self._name()
                self._directives()
                self._selection_set()
                continue
            if keyword not in {"query", "mutation", "subscription"}:
                raise QueryError(f"Syntax Error: Unexpected Name {keyword!r}.", "GRAPHQL_PARSE_FAILED")
            operation = Operation(keyword, None)
            if self._peek() is not None and self._peek()[0] == "name":  # type: ignore[index]
                operation.name = self._name()
            if self._at("("):
                operation.variables = self._variable_definitions()
            self._directives()
            self._root_selection_set(operation)
            operations.append(operation)
        return operations

    def _variable_definitions(self) -> dict[str, VariableDefinition]:
        definitions: dict[str, VariableDefinition] = {}
        self._expect("(")
        while not self._at(")"):
            self._expect("$")
            name = self._name()
            self._expect(":")
            type_text = self._type()
            definition = VariableDefinition(name, type_text, required=type_text.endswith("!"))
            if self._at("="):
                self._next()
                definition.default = self._value(const=True)
                definition.has_default = True
            self._directives()
            definitions[name] = definition
        self._expect(")")
        return definitions

    def _type(self) -> str:
        if self._at("["):
            self._next()
            inner = self._type()
            self._expect("]")
            text = f"[{inner}]"
        else:
            text = self._name()
        if self._at("!"):
            self._next()
            text += "!"
        return text

    def _directives(self) -> None:
        while self._at("@"):
            self._next()
            self._name()
            if self._at("("):
                self._arguments()

    def _root_selection_set(self, operation: Operation) -> None:
        self._expect("{")
        while not self._at("}"):
            if self._at("..."):
                operation.has_root_fragments = True
                self._fragment_after_spread()
                continue
            operation.fields.append(self._field())
        self._expect("}")
        if not operation.fields and not operation.has_root_fragments:
            raise QueryError("Syntax Error: Expected Name, found '}'.", "GRAPHQL_PARSE_FAILED")

    def _selection_set(self) -> None:
        self._expect("{")
        if self._at("}"):
            raise QueryError("Syntax Error: Expected Name, found '}'.", "GRAPHQL_PARSE_FAILED")
        while not self._at("}"):
            if self._at("..."):
                self._fragment_after_spread()
            else:
                self._field()
        self._expect("}")

    def _fragment_after_spread(self) -> None:
        self._expect("...")
        if self._at("on"):
            self._next()
            self._name()
            self._directives()
            self._selection_set()
        elif self._at("{") or self._at("@"):
            self._directives()
            self._selection_set()
        else:
            self._name()
            self._directives()

    def _field(self) -> RootField:
        name = self._name()
        alias = None
        if self._at(":"):
            self._next()
            alias, name = name, self._name()
        arguments = self._arguments() if self._at("(") else {}
        self._directives()
        if self._at("{"):
            self._selection_set()
        return RootField(name, alias, arguments)

    def _arguments(self) -> dict[str, Any]:
        arguments: dict[str, Any] = {}
        self._expect("(")
        while not self._at(")"):
            name = self._name()
            self._expect(":")
            arguments[name] = self._value(const=False)
        self._expect(")")
        return arguments

    def _value(self, *, const: bool) -> Any:
        kind, text = self._next()
        if kind == "punct" and text == "$":
            if const:
                raise QueryError(
                    "Syntax Error: Unexpected variable in a constant value.", "GRAPHQL_PARSE_FAILED"
                )
            return Variable(self._name())
        if kind == "number":
            return float(text) if any(ch in text for ch in ".eE") else int(text)
        if kind == "string":
            return json.loads(text)
        if kind == "block":
            return text[3:-3].replace('\\"""', '"""').strip()
        if kind == "name":
            return {"true": True, "false": False, "null": None}.get(text, EnumValue(text))
        if text == "[":
            items = []
            while not self._at("]"):
                items.append(self._value(const=const))
            self._next()
            return items
        if text == "{":
            fields: dict[str, Any] = {}
            while not self._at("}"):
                name = self._name()
                self._expect(":")
                fields[name] = self._value(const=const)
            self._next()
            return fields
        raise QueryError(f"Syntax Error: Unexpected {text!r}.", "GRAPHQL_PARSE_FAILED")


def _substitute(value: Any, variables: dict[str, Any], declared: dict[str, VariableDefinition]) -> Any:
    if isinstance(value, Variable):
        if value.name not in declared:
            raise QueryError(f'Variable "${value.name}" is not defined.')
        return variables.get(value.name)
    if isinstance(value, EnumValue):
        return value.name
    if isinstance(value, list):
        return [_substitute(item, variables, declared) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, variables, declared) for key, item in value.items()}
    return value


def _plain(value: Any) -> Any:
    """A constant default value with enum markers turned into strings."""
    return _substitute(value, {}, {})


def parse_request(query: str, variables: dict[str, Any] | None, operation_name: str | None) -> Operation:
    """The operation to run, with variables (and their defaults) substituted into root-field arguments."""
    operations = _Parser(query).document()
    if operation_name:
        chosen = [op for op in operations if op.name == operation_name]
        if not chosen:
            raise QueryError(f'Unknown operation named "{operation_name}".')
        operation = chosen[0]
    elif len(operations) == 1:
        operation = operations[0]
    else:
        raise QueryError("Must provide operation name if query contains multiple operations.")
    provided = dict(variables or {})
    resolved: dict[str, Any] = {}
    for name, definition in operation.variables.items():
        if name in provided and provided[name] is not None:
            resolved[name] = provided[name]
        elif name in provided and definition.required:
            raise QueryError(
                f'Variable "${name}" of non-null type "{definition.type}" must not be null.', "BAD_USER_INPUT"
            )
        elif definition.has_default:
            resolved[name] = _plain(definition.default)
        elif definition.required:
            raise QueryError(
                f'Variable "${name}" of required type "{definition.type}" was not provided.', "BAD_USER_INPUT"
            )
        else:
            resolved[name] = None
    for root in operation.fields:
        root.arguments = {
            key: _substitute(value, resolved, operation.variables) for key, value in root.arguments.items()
        }
    return operation
