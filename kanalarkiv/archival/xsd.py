"""The XML schemas an archival package uses, shipped in ``kanalarkiv/archival/schemas`` and copied into
every package's ``schemas/`` folder; and validation of the package's METS and PREMIS documents
against them, with every schema read from that folder and none from the network."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from lxml.etree._docloader import _InputDocument  # what a resolver returns, opaque (the stubs' name)

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
PREMIS_NS = "http://www.loc.gov/premis/v3"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

SCHEMA_FILES = {  # namespace → file in schemas/
    METS_NS: "mets.xsd",
    XLINK_NS: "xlink.xsd",
    CSIP_NS: "DILCISExtensionMETS.xsd",
    SIP_NS: "DILCISExtensionSIPMETS.xsd",
    PREMIS_NS: "premis.xsd",
    "http://www.w3.org/XML/1998/namespace": "xml.xsd",
}
_REMOTE = {  # where the schemas themselves point to each other
    "http://www.loc.gov/standards/xlink/xlink.xsd": "xlink.xsd",
}


class PackageInvalid(Exception):
    """A document of the package does not validate against its schema: a bug to report."""


def schema_dir() -> Path:
    return Path(str(files("kanalarkiv.archival").joinpath("schemas")))


def schema_location(*namespaces: str, prefix: str) -> str:
    """An ``xsi:schemaLocation`` value pointing at the package's own schemas folder."""
    return " ".join(f"{ns} {prefix}schemas/{SCHEMA_FILES[ns]}" for ns in namespaces)


class _LocalSchemas(etree.Resolver):
    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> _InputDocument | None:
        if system_url is None:
            return None
        name = _REMOTE.get(system_url, system_url.rsplit("/", 1)[-1])
        if name in SCHEMA_FILES.values():
            return self.resolve_filename(str(self.folder / name), context)
        return None


def xml_schema(*namespaces: str, folder: Path | None = None) -> etree.XMLSchema:
    """One schema importing those of ``namespaces``, all read from ``folder`` (the shipped ones
    by default), so that validation never reaches for the network."""
    folder = folder or schema_dir()
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(folder / SCHEMA_FILES[ns]).as_uri()}"/>' for ns in namespaces
    )
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas(folder))
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser))


@cache
def _shipped(kind: str) -> etree.XMLSchema:
    if kind == "mets":
        return xml_schema(XLINK_NS, METS_NS, CSIP_NS, SIP_NS)
    return xml_schema(PREMIS_NS)


def check(document: bytes, kind: str, name: str) -> None:
    """Refuse a package document (``kind`` mets or premis) that its schema does not accept."""
    schema = _shipped(kind)
    if not schema.validate(etree.fromstring(document)):
        raise PackageInvalid(f"{name} does not validate against the {kind} schema: {schema.error_log.last_error}")
