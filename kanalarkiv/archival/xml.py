"""The one place the archival package writes XML: every element, text and attribute of its METS
and PREMIS documents is made here, and every string passes through ``xml_safe`` on the way.

The package is made from whatever the log holds, and the log keeps its bytes: an event recorded
before today's input checks (or by another writer) may hold characters XML 1.0 cannot carry —
C0 controls other than tab, newline and carriage return, U+FFFE, U+FFFF. They are written as
U+FFFD (the replacement character), so the document stays valid and shows where one was."""

from __future__ import annotations

import re

from lxml import etree

REPLACEMENT = "\ufffd"
# Everything outside XML 1.0's Char production (section 2.2); surrogates cannot reach here from UTF-8.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub(REPLACEMENT, text)


def _safe(attributes: dict[str, str]) -> dict[str, str]:
    return {name: xml_safe(value) for name, value in attributes.items()}


def root(tag: str, nsmap: dict[str | None, str], **attributes: str) -> etree._Element:
    return etree.Element(tag, _safe(attributes), nsmap=nsmap)


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A child element of ``parent`` with ``text`` (if any) and ``attributes``, all made XML-safe."""
    element = etree.SubElement(parent, tag, _safe(attributes))
    if text is not None:
        element.text = xml_safe(text)
    return element


def set_attribute(element: etree._Element, name: str, value: str) -> None:
    element.set(name, xml_safe(value))


def serialise(document: etree._Element) -> bytes:
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)
