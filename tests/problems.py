"""How a refusal looks: problem+json with the status, a title and a detail, naming the field."""

from __future__ import annotations


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def refused(response, field: str) -> dict:
    body = assert_problem(response, 422)
    assert field in {e["field"] for e in body["errors"]}, body
    return body


def refused_on_page(response, field: str) -> None:
    """A Swedish page answers its 422 as a Swedish HTML page that names the field."""
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html"), response.text
    assert field in response.text
