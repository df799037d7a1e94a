"""The package's preservation metadata as PREMIS 3.0: every file with its SHA-256, every event
of the log about the package's records, and the agents — the organisation, everyone who acted,
and kanalarkiv itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from lxml import etree

from domain.actors import Actor, Role
from domain.organisation import Organisation
from kanalarkiv.archival import xml
from kanalarkiv.archival.content import CHANNEL_ENTITIES, NAMING_FIELDS
from kanalarkiv.archival.files import (
    CHANNEL_DESCRIPTION,
    DISPOSAL_LOG,
    RECORDS_PLAN,
    REP,
    PackageFile,
    iso,
)
from kanalarkiv.archival.xsd import PREMIS_NS, XSI_NS, schema_location

SOFTWARE = "kanalarkiv"
POSITION_ID = "kanalarkiv log position"
ACTOR_ID = "kanalarkiv actor id"
RECORD_ID = "kanalarkiv record id"
FILEPATH = "filepath"
EVENT_TYPES = "http://id.loc.gov/vocabulary/preservation/eventType"


@dataclass(frozen=True)
class Provenance:
    """Who and what made the package."""

    package_id: str
    package_uuid: UUID
    created: datetime
    organisation: Organisation
    builder: Actor
    version: str


def event_links(events: list[dict[str, Any]], files: Iterable[PackageFile]) -> dict[int, list[str]]:
    """For each event (by log position), the files holding what it concerns."""
    by_record: dict[str, list[str]] = {}
    for file in files:
        for record_id in file.record_ids:
            by_record.setdefault(record_id, []).append(file.path)
    holds = {row["details"]["hold_id"]: _named(row) for row in events if row["event_type"] == "HoldPlaced"}
    links = {}
    for row in events:
        named = [str(row["entity_id"]), *_named(row), *holds.get(row["details"].get("hold_id"), [])]
        paths = [path for record_id in named for path in by_record.get(record_id, [])]
        if row["entity_type"] in CHANNEL_ENTITIES:
            paths.append(CHANNEL_DESCRIPTION)
        if row["entity_type"] == "RecordsPlan":
            paths.append(RECORDS_PLAN)
        if row["entity_type"] == "DisposalDecision":
            paths.append(DISPOSAL_LOG)
        links[row["position"]] = sorted(set(paths))
    return links


def _named(row: dict[str, Any]) -> list[str]:
    details = row["details"]
    return [str(details[name]) for name in NAMING_FIELDS if details.get(name)] + list(details.get("record_ids", []))


def premis_document(
    provenance: Provenance, files: list[PackageFile], events: list[dict[str, Any]], links: dict[int, list[str]]
) -> bytes:
    root = xml.root(f"{{{PREMIS_NS}}}premis", {None: PREMIS_NS, "xsi": XSI_NS}, version="3.0")
    xml.set_attribute(root, f"{{{XSI_NS}}}schemaLocation", schema_location(PREMIS_NS, prefix="../../"))
    _representation(root, [f for f in files if f.path.startswith(f"{REP}/")])
    for file in files:
        _file_object(root, file)
    _creation_event(root, provenance)
    for row in events:
        _event(root, row, links[row["position"]])
    _agents(root, provenance, events)
    return xml.serialise(root)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    return xml.sub(parent, f"{{{PREMIS_NS}}}{tag}", text, **attributes)


def _identifier(parent: etree._Element, kind: str, id_type: str, value: str) -> etree._Element:
    element = _sub(parent, kind)
    _sub(element, f"{kind}Type", id_type)
    _sub(element, f"{kind}Value", value)
    return element


def _object(root: etree._Element, category: str) -> etree._Element:
    element = _sub(root, "object")
    xml.set_attribute(element, f"{{{XSI_NS}}}type", category)
    return element


def _representation(root: etree._Element, files: list[PackageFile]) -> None:
    representation = _object(root, "representation")
    _identifier(representation, "objectIdentifier", FILEPATH, REP)
    relationship = _sub(representation, "relationship")
    _sub(relationship, "relationshipType", "structural")
    _sub(relationship, "relationshipSubType", "includes")
    for file in files:
        _identifier(relationship, "relatedObjectIdentifier", FILEPATH, file.path)


def _file_object(root: etree._Element, file: PackageFile) -> None:
    element = _object(root, "file")
    _identifier(element, "objectIdentifier", FILEPATH, file.path)
    for record_id in file.record_ids[:1]:
        _identifier(element, "objectIdentifier", RECORD_ID, record_id)
    characteristics = _sub(element, "objectCharacteristics")
    fixity = _sub(characteristics, "fixity")
    _sub(fixity, "messageDigestAlgorithm", "SHA-256")
    _sub(fixity, "messageDigest", file.sha256)
    _sub(fixity, "messageDigestOriginator", SOFTWARE)
    _sub(characteristics, "size", str(file.size))
    _sub(_sub(_sub(characteristics, "format"), "formatDesignation"), "formatName", file.format)
    if file.original_name:
        _sub(element, "originalName", file.original_name)


def _creation_event(root: etree._Element, provenance: Provenance) -> None:
    event = _sub(root, "event")
    _identifier(event, "eventIdentifier", "UUID", str(provenance.package_uuid))
    _sub(
        event,
        "eventType",
        "information package creation",
        authority="eventType",
        authorityURI=EVENT_TYPES,
        valueURI=f"{EVENT_TYPES}/ipc",
    )
    _sub(event, "eventDateTime", iso(provenance.created))
    _sub(
        _sub(event, "eventDetailInformation"),
        "eventDetail",
        f"Submission information package {provenance.package_id} made for transfer to an e-archive "
        "(FGS Paketstruktur 2.0, E-ARK SIP 2.1); SHA-256 computed for every file",
    )
    _sub(_sub(event, "eventOutcomeInformation"), "eventOutcome", "success")
    _linking_agent(event, f"software:{SOFTWARE}", "executing program")
    _linking_agent(event, provenance.builder.id, provenance.builder.role.value)
    _identifier(event, "linkingObjectIdentifier", FILEPATH, REP)


def _event(root: etree._Element, row: dict[str, Any], paths: list[str]) -> None:
    event = _sub(root, "event")
    _identifier(event, "eventIdentifier", POSITION_ID, str(row["position"]))
    _sub(event, "eventType", f"{row['entity_type']}.{row['event_type']}", authority=SOFTWARE)
    _sub(event, "eventDateTime", iso(row["recorded_at"]))
    _sub(_sub(event, "eventDetailInformation"), "eventDetail", row["summary"])
    decision = f"; decision {row['details']['reference']}" if row["details"].get("reference") else ""
    _sub(
        _sub(event, "eventDetailInformation"),
        "eventDetail",
        f"occurred {iso(row['occurred_at'])}; {row['entity_type']} {row['entity_id']} "
        f"version {row['entity_version']}{decision}",
    )
    if "intact" in row["details"]:
        _sub(_sub(event, "eventOutcomeInformation"), "eventOutcome", "pass" if row["details"]["intact"] else "fail")
    _linking_agent(event, row["actor_id"], row["actor_role"])
    for path in paths:
        _identifier(event, "linkingObjectIdentifier", FILEPATH, path)


def _linking_agent(event: etree._Element, actor_id: str, role: str) -> None:
    _sub(_identifier(event, "linkingAgentIdentifier", ACTOR_ID, actor_id), "linkingAgentRole", role)


def _agents(root: etree._Element, provenance: Provenance, events: list[dict[str, Any]]) -> None:
    organisation = _sub(root, "agent")
    _identifier(organisation, "agentIdentifier", "organisationsnummer", provenance.organisation.number)
    _sub(organisation, "agentName", provenance.organisation.name)
    _sub(organisation, "agentType", "organization")
    software = _sub(root, "agent")
    _identifier(software, "agentIdentifier", ACTOR_ID, f"software:{SOFTWARE}")
    _sub(software, "agentName", SOFTWARE)
    _sub(software, "agentType", "software")
    _sub(software, "agentVersion", provenance.version)
    actors: dict[str, tuple[str, set[str]]] = {}
    for actor_id, name, role in [
        (provenance.builder.id, provenance.builder.name, provenance.builder.role.value),
        *((r["actor_id"], r["actor_name"], r["actor_role"]) for r in events),
    ]:
        actors.setdefault(actor_id, (name, set()))[1].add(role)
    for actor_id, (name, roles) in sorted(actors.items()):
        agent = _sub(root, "agent")
        _identifier(agent, "agentIdentifier", ACTOR_ID, actor_id)
        _sub(agent, "agentName", name)
        _sub(agent, "agentType", "software" if roles == {Role.CAPTURE_CLIENT.value} else "person")
        _sub(agent, "agentNote", f"roles: {', '.join(sorted(roles))}")
