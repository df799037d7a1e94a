"""Issue 11, item 3: an archival package is made from whatever the log holds. Events recorded
before the API refused control characters (or by another writer) must still export: every
string the package writes into XML goes through one helper that makes it XML 1.0-safe, and the
CLI reports any failure as ``error: …`` with exit status 2, never a traceback."""

from __future__ import annotations

import ast
import io
import tarfile
from pathlib import Path
from uuid import UUID

import pytest
from conftest import REPO
from editorial_story import given_a_municipality_with_an_active_page
from lxml import etree
from typer.testing import CliRunner

from domain.actors import Actor, Role
from domain.channel import Channel
from kanalarkiv.archival.xml import REPLACEMENT, xml_safe
from kanalarkiv.cli.main import app as cli_app

NOT_XML = "\x01\x08\x0b\x1f\ufffe\uffff"
PREMIS = {"premis": "http://www.loc.gov/premis/v3"}


def an_older_writer_pauses(runtime, town, reason: str) -> int:
    """The channel is paused with a reason today's checks would refuse: an event already in the log."""
    channel = runtime.app.get_channel(UUID(town.channel_id))
    manager = Actor(town.manager.id, town.manager.name, Role.MANAGER, channel.org_id)
    channel._record(Channel.Paused, manager, runtime.app.clock(), reason=reason)
    return runtime.app._recorded(channel).position


def test_a_pause_reason_with_control_characters_exports_with_them_replaced(client, runtime):
    town = given_a_municipality_with_an_active_page(client, runtime)
    position = an_older_writer_pauses(runtime, town, f"Sommar{NOT_XML}uppehåll")
    runtime.views.wait_for("audit_trail", position)

    answer = town.get(
        f"/v1/channels/{town.channel_id}/archival-package",
        as_=town.auditor,
        **{"from": "2026-03-01", "to": "2026-03-31"},
    )

    assert answer.status_code == 200, answer.text
    with tarfile.open(fileobj=io.BytesIO(answer.content)) as tar:
        premis_name = next(n for n in tar.getnames() if n.endswith("/metadata/preservation/premis.xml"))
        premis = etree.parse(tar.extractfile(premis_name))
    details = premis.xpath("//premis:eventDetail/text()", namespaces=PREMIS)
    assert f"Channel paused: Sommar{REPLACEMENT * len(NOT_XML)}uppehåll" in details


def test_the_cli_writes_the_same_package(client, runtime, monkeypatch, tmp_path):
    town = given_a_municipality_with_an_active_page(client, runtime)
    an_older_writer_pauses(runtime, town, "Paus\x01")
    monkeypatch.setenv("DATABASE_URL", runtime.database_url)
    monkeypatch.setenv("KANALARKIV_DATA_DIR", str(REPO / "var"))

    result = CliRunner().invoke(
        cli_app,
        [
            "archive-package",
            "--org",
            "valdemarsvik",
            "--channel",
            town.channel_id,
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--out",
            str(tmp_path / "leverans.tar"),
        ],
    )

    assert result.exit_code == 0, result.output
    assert (tmp_path / "leverans.tar").exists()


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Sommaruppehåll", "Sommaruppehåll"),
        ("tab\tnew\nline\rreturn", "tab\tnew\nline\rreturn"),
        ("a\x00b\x01c\x7fd", f"a{REPLACEMENT}b{REPLACEMENT}c\x7fd"),  # DEL is an XML 1.0 character
        ("\ud7ff\ue000\ufffd\U0001f600", "\ud7ff\ue000\ufffd\U0001f600"),
        ("\ufffe\uffff", REPLACEMENT * 2),
    ],
)
def test_xml_safe_replaces_exactly_what_xml_1_0_cannot_carry(text, safe):
    assert xml_safe(text) == safe
    etree.fromstring(f"<a b='{safe}'>{safe}</a>".encode())  # and lxml takes the result


LXML_WRITES = {"Element", "SubElement", "text", "tail", "set", "attrib", "tostring"}


def test_every_xml_writer_of_the_package_goes_through_the_one_helper():
    """No archival module but ``archival_xml`` makes elements, sets text or attributes, or serialises."""
    offenders = []
    for path in sorted((REPO / "kanalarkiv").glob("archival*.py")):
        if path.name == "archival_xml.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute) and node.attr in LXML_WRITES:
                offenders.append(f"{Path(path).name}:{node.lineno} .{node.attr}")
    assert offenders == []
