"""Render a plain Python structure (dicts, lists, strings, numbers, booleans, None) as Open311 XML or JSON.

XML lists are wrapped: a list under key `attributes` becomes `<attributes><attribute>…</attribute></attributes>`,
each item named by ITEM_NAMES. Booleans are `true`/`false` in XML and real booleans in JSON."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# XML 1.0 cannot carry most control characters, even escaped; they are dropped from text.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML_CHAR.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, list):
                wrapper = ET.SubElement(element, key)
                for item in child:
                    _fill(ET.SubElement(wrapper, ITEM_NAMES.get(key, "item")), item)
            else:
                _fill(ET.SubElement(element, key), child)
    else:
        element.text = _text(value)


def to_xml(data: Any, *, root: str, item: str | None = None) -> bytes:
    """`data` is a list of `item` elements under `root`, or (with no item) the content of `root` itself."""
    top = ET.Element(root)
    if item is not None:
        for each in data:
            _fill(ET.SubElement(top, item), each)
    else:
        _fill(top, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8", xml_declaration=False)


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")


def render(data: Any, fmt: str, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    body = to_xml(data, root=root, item=item) if fmt == "xml" else to_json(data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
