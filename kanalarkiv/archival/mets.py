"""The package's METS documents (E-ARK CSIP/SIP 2.1, which FGS Paketstruktur 2.0 adopts): the
package METS.xml at the root and the representation's METS.xml, each listing its files with
size, creation time and SHA-256."""

from __future__ import annotations

from lxml import etree

from kanalarkiv.archival import xml
from kanalarkiv.archival.files import CHANNEL_DESCRIPTION, PREMIS_FILE, REP, PackageFile, iso
from kanalarkiv.archival.premis import SOFTWARE, Provenance
from kanalarkiv.archival.xsd import CSIP_NS, METS_NS, SIP_NS, XLINK_NS, XSI_NS, schema_location

SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_CATEGORY = "Social media"
CONTENT_INFORMATION_TYPE = "kanalarkiv social media records 1.0"
NSMAP: dict[str | None, str] = {"mets": METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS, "sip": SIP_NS, "xsi": XSI_NS}
FILE_GROUPS = (("Documentation", "grp-documentation"), ("Schemas", "grp-schemas"))


def _m(tag: str) -> str:
    return f"{{{METS_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    return xml.sub(parent, _m(tag), text, **attributes)


def _root(object_id: str, label: str | None, prefix: str) -> etree._Element:
    root = xml.root(_m("mets"), NSMAP, OBJID=object_id, TYPE="Other", PROFILE=SIP_PROFILE)
    if label:
        xml.set_attribute(root, "LABEL", label)
    xml.set_attribute(root, f"{{{CSIP_NS}}}OTHERTYPE", CONTENT_CATEGORY)
    xml.set_attribute(root, f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE", "OTHER")
    xml.set_attribute(root, f"{{{CSIP_NS}}}OTHERCONTENTINFORMATIONTYPE", CONTENT_INFORMATION_TYPE)
    xml.set_attribute(
        root, f"{{{XSI_NS}}}schemaLocation", schema_location(METS_NS, XLINK_NS, CSIP_NS, SIP_NS, prefix=prefix)
    )
    return root


def _header(root: etree._Element, provenance: Provenance, with_organisation: bool) -> None:
    created = iso(provenance.created)
    header = _sub(root, "metsHdr", CREATEDATE=created, LASTMODDATE=created, RECORDSTATUS="NEW")
    xml.set_attribute(header, f"{{{CSIP_NS}}}OAISPACKAGETYPE", "SIP")
    software = _sub(header, "agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    _sub(software, "name", SOFTWARE)
    xml.set_attribute(_sub(software, "note", provenance.version), f"{{{CSIP_NS}}}NOTETYPE", "SOFTWARE VERSION")
    if with_organisation:
        organisation = provenance.organisation
        code = f"ORG:{organisation.number.replace('-', '')}"
        for role in ("ARCHIVIST", "CREATOR"):  # the archival creator, and the submitting agent
            agent = _sub(header, "agent", ROLE=role, TYPE="ORGANIZATION")
            _sub(agent, "name", organisation.name)
            xml.set_attribute(_sub(agent, "note", code), f"{{{CSIP_NS}}}NOTETYPE", "IDENTIFICATIONCODE")


def _file_attributes(file: PackageFile) -> dict[str, str]:
    return {
        "MIMETYPE": file.media_type,
        "SIZE": str(file.size),
        "CREATED": iso(file.created),
        "CHECKSUM": file.sha256,
        "CHECKSUMTYPE": "SHA-256",
    }


def _location(element: etree._Element, href: str) -> None:
    xml.set_attribute(element, "LOCTYPE", "URL")
    xml.set_attribute(element, f"{{{XLINK_NS}}}type", "simple")
    xml.set_attribute(element, f"{{{XLINK_NS}}}href", href)


def _file(group: etree._Element, file: PackageFile, href: str) -> None:
    element = _sub(group, "file", ID=file_id(file.path), **_file_attributes(file))
    xml.set_attribute(element, f"{{{SIP_NS}}}FILEFORMATNAME", file.format)
    _location(_sub(element, "FLocat"), href)


def file_id(path: str) -> str:
    return "file-" + "".join(c if c.isalnum() or c in "-_." else "_" for c in path)


def _md_section(parent: etree._Element, tag: str, section_id: str, file: PackageFile, md_type: str) -> None:
    section = _sub(parent, tag, ID=section_id, CREATED=iso(file.created), STATUS="CURRENT")
    reference = _sub(section, "mdRef")
    _location(reference, file.path)
    xml.set_attribute(reference, "MDTYPE", md_type)
    if md_type == "OTHER":
        xml.set_attribute(reference, "OTHERMDTYPE", "kanalarkiv channel description")
    for name, value in _file_attributes(file).items():
        xml.set_attribute(reference, name, value)


def representation_mets(provenance: Provenance, data: list[PackageFile]) -> bytes:
    """representations/rep1/METS.xml: the representation's data files."""
    root = _root("rep1", None, prefix="../../")
    _header(root, provenance, with_organisation=False)
    group = _sub(_sub(root, "fileSec", ID="filesec-rep1"), "fileGrp", ID="grp-data", USE="Data")
    for file in data:
        _file(group, file, file.path.removeprefix(f"{REP}/"))
    struct = _sub(root, "structMap", ID="structmap-rep1", TYPE="PHYSICAL", LABEL="CSIP")
    data_div = _sub(_sub(struct, "div", ID="div-rep1-root", LABEL="rep1"), "div", ID="div-data", LABEL="Data")
    _sub(data_div, "fptr", FILEID="grp-data")
    return xml.serialise(root)


def package_mets(provenance: Provenance, label: str, files: dict[str, PackageFile]) -> bytes:
    """The package's METS.xml: header and agents, the descriptive and preservation metadata, the
    documentation, the schemas and the representation's METS; structural map per CSIP."""
    root = _root(provenance.package_id, label, prefix="")
    _header(root, provenance, with_organisation=True)
    _md_section(root, "dmdSec", "dmd-channel", files[CHANNEL_DESCRIPTION], "OTHER")
    _md_section(_sub(root, "amdSec", ID="amd"), "digiprovMD", "digiprov-premis", files[PREMIS_FILE], "PREMIS")
    file_sec = _sub(root, "fileSec", ID="filesec")
    for use, group_id in FILE_GROUPS:
        group = _sub(file_sec, "fileGrp", ID=group_id, USE=use)
        for path, file in files.items():
            if path.startswith(f"{use.lower()}/"):
                _file(group, file, path)
    representation = _sub(file_sec, "fileGrp", ID="grp-rep1", USE="Representations/rep1")
    xml.set_attribute(representation, f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE", "OTHER")
    xml.set_attribute(representation, f"{{{CSIP_NS}}}OTHERCONTENTINFORMATIONTYPE", CONTENT_INFORMATION_TYPE)
    _file(representation, files[f"{REP}/METS.xml"], f"{REP}/METS.xml")
    _structure(root, provenance.package_id)
    return xml.serialise(root)


def _structure(root: etree._Element, package_id: str) -> None:
    struct = _sub(root, "structMap", ID="structmap-csip", TYPE="PHYSICAL", LABEL="CSIP")
    package = _sub(struct, "div", ID="div-package", LABEL=package_id)
    _sub(package, "div", ID="div-metadata", LABEL="Metadata", DMDID="dmd-channel", ADMID="digiprov-premis")
    for use, group_id in FILE_GROUPS:
        _sub(_sub(package, "div", ID=f"div-{use.lower()}", LABEL=use), "fptr", FILEID=group_id)
    _sub(_sub(package, "div", ID="div-representations", LABEL="Representations"), "fptr", FILEID="grp-rep1")
    pointer = _sub(_sub(package, "div", ID="div-rep1", LABEL="Representations/rep1"), "mptr")
    _location(pointer, f"{REP}/METS.xml")
    xml.set_attribute(pointer, f"{{{XLINK_NS}}}title", "grp-rep1")
