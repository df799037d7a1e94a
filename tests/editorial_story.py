"""Shared givens for the editorial user stories: a municipality with an active Facebook page,
its manager, an assigned editor, a capture client, a records officer and an auditor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from conftest import FACEBOOK_PAGE, Staff, register_organisation, staff


@dataclass
class Municipality:
    client: object
    runtime: object
    channel_id: str
    manager: Staff
    editor: Staff
    capture: Staff
    officer: Staff
    auditor: Staff
    assignment_id: str

    def now(self) -> datetime:
        return self.runtime.app.clock.now

    def post(self, path: str, body: dict | None = None, as_: Staff | None = None, expect: int | None = 200, **kw):
        response = self.client.post(path, json=body, headers=(as_ or self.editor).headers | kw.pop("headers", {}), **kw)
        if expect is not None:
            assert response.status_code == expect, response.text
        return response

    def get(self, path: str, as_: Staff | None = None, wait: int | None = None, **params):
        if wait is not None:
            params["wait_for_position"] = wait
        headers = as_.headers if as_ else {}
        return self.client.get(path, headers=headers, params=params)

    def publish(self, text: str = "Nu öppnar badplatserna! /Kommunikationsenheten", **extra) -> dict:
        return self.post(f"/v1/channels/{self.channel_id}/posts", {"text": text} | extra, expect=201).json()

    def capture_comment(
        self,
        post_id: str,
        platform_id: str,
        text: str = "När öppnar simhallen?",
        author: str = "Kalle Medborgare",
        received_ago: timedelta = timedelta(hours=1),
    ) -> dict:
        received = self.now() - received_ago
        return self.post(
            f"/v1/posts/{post_id}/comments",
            {
                "platform_comment_id": platform_id,
                "author_name": author,
                "platform_author_id": f"fb-user-{author}",
                "text": text,
                "received_at": received.isoformat(),
                "captured_at": self.now().isoformat(),
            },
            as_=self.capture,
            expect=None,
        ).json()


def given_a_municipality_with_an_active_page(client, runtime) -> Municipality:
    register_organisation(runtime)
    manager = staff(runtime, role="manager", name="Anna Chef")
    editor = staff(runtime, role="editor", name="Erik Redaktör")
    channel = client.post("/v1/channels", json=FACEBOOK_PAGE, headers=manager.headers).json()
    client.post(f"/v1/channels/{channel['id']}/activate", headers=manager.headers)
    clock = runtime.app.clock
    assignment = client.post(
        f"/v1/channels/{channel['id']}/assignments",
        headers=manager.headers,
        json={
            "editor_id": editor.id,
            "editor_name": editor.name,
            "valid_from": (clock.now - timedelta(days=30)).isoformat(),
            "scope": "Publicera och svara på kommentarer",
        },
    )
    assert assignment.status_code == 201, assignment.text
    return Municipality(
        client,
        runtime,
        channel["id"],
        manager,
        editor,
        staff(runtime, role="capture_client", name="Facebook-insamlaren"),
        staff(runtime, role="records_officer", name="Rita Registrator"),
        staff(runtime, role="auditor", name="Greta Granskare"),
        assignment.json()["id"],
    )


def a_capture(town, **fields) -> dict:
    now = town.now()
    return {
        "platform_post_id": "fb_1",
        "text": "Hej",
        "published_at": (now - timedelta(hours=1)).isoformat(),
        "captured_at": now.isoformat(),
        "author_name": "Valdemarsviks kommun",
    } | fields
