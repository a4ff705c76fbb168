"""The API's documentation page at /api/v1/docs: rendered on the server from the OpenAPI document, as plain HTML
with headings, tables and links, so it works without JavaScript and passes axe-core like every console page. Django
Ninja's Swagger UI (/api/v1/swagger/) stays as an optional, interactive view of the same document; it is not
accessible (37 axe failures), so it is offered, never required. Project-level like api.py: it reads the API
object that every app's router is added to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tellus.api import api

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Field:
    name: str
    kind: str
    required: bool
    description: str = ""


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[tuple[str, Field]] = field(default_factory=list)  # (where, field)
    body: str = ""
    responses: list[tuple[str, str, str]] = field(default_factory=list)  # status, description, schema


@dataclass
class Schema:
    name: str
    description: str
    fields: list[Field]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def describe_type(schema: dict[str, Any]) -> str:
    """A schema's type in a few words: "string", "integer", "list of ServiceOut", "ErrorOut or null"."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    for combiner in ("anyOf", "oneOf"):
        if combiner in schema:
            return " or ".join(describe_type(part) for part in schema[combiner])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return describe_type(schema["allOf"][0])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {describe_type(schema.get('items', {}))}"
    if "enum" in schema:
        return f"{kind}: one of " + ", ".join(str(v) for v in schema["enum"])
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _fields(schema: dict[str, Any]) -> list[Field]:
    required = set(schema.get("required", []))
    return [
        Field(name, describe_type(prop), name in required, prop.get("description", ""))
        for name, prop in schema.get("properties", {}).items()
    ]


def _content_schema(entry: dict[str, Any]) -> str:
    for content in entry.get("content", {}).values():
        return describe_type(content.get("schema", {}))
    return ""


def document(openapi: dict[str, Any]) -> dict[str, Any]:
    """The parts of an OpenAPI document the page shows: its title and description, its operations grouped by tag
    in path order, and its schemas."""
    groups: dict[str, list[Operation]] = {}
    for path, item in openapi.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            operation = Operation(
                method=method.upper(),
                path=path,
                summary=op.get("summary", ""),
                description=op.get("description", ""),
                anchor=op.get("operationId", f"{method}-{path}").replace("_", "-"),
            )
            for parameter in op.get("parameters", []):
                schema = parameter.get("schema", {})
                operation.parameters.append(
                    (
                        parameter.get("in", ""),
                        Field(
                            parameter["name"],
                            describe_type(schema),
                            bool(parameter.get("required")),
                            parameter.get("description", schema.get("description", "")),
                        ),
                    )
                )
            if "requestBody" in op:
                operation.body = _content_schema(op["requestBody"])
            for status, response in op.get("responses", {}).items():
                operation.responses.append((status, response.get("description", ""), _content_schema(response)))
            for tag in op.get("tags", ["other"]):
                groups.setdefault(tag, []).append(operation)
    schemas = [
        Schema(name, body.get("description", ""), _fields(body))
        for name, body in sorted(openapi.get("components", {}).get("schemas", {}).items())
    ]
    info = openapi.get("info", {})
    return {
        "title": info.get("title", "API"),
        "version": info.get("version", ""),
        "description": info.get("description", ""),
        "groups": sorted(groups.items()),
        "schemas": schemas,
    }


@require_GET
@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api_docs.html", {"doc": document(api.get_openapi_schema())})
