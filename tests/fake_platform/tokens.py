"""The fake platforms' token endpoints, in their documented shapes: Google's OAuth 2.0 token
endpoint (``POST /token``, ``grant_type=refresh_token`` with the client's id and secret: a new
access token for an hour), LinkedIn's (``POST /oauth/v2/accessToken``, the same form: a new access
token for 60 days, the refresh token with what is left of its year; ``invalid_grant`` once the
refresh token has expired) and Instagram Login's ``GET /refresh_access_token``
(``grant_type=ig_refresh_token``: the long-lived token renewed for 60 days). A refresh gives the
platform's state a new token, so the old one is refused from then on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fake_platform.wire import Request, Response, graph_error_response

if TYPE_CHECKING:
    from fake_platform import FakePlatform


class TokenEndpoints:
    def __init__(self, platform: FakePlatform) -> None:
        self.platform = platform
        self.google_client = ("fake-client-id.apps.googleusercontent.com", "fake-client-secret-not-real")
        self.google_refresh_token = "fake-google-refresh-token-not-real"
        self.linkedin_client = ("fake-linkedin-client-id", "fake-linkedin-client-secret-not-real")
        self.linkedin_refresh_token = "fake-linkedin-refresh-token-not-real"
        self.linkedin_refresh_expired = False  # its year is up: LinkedIn answers invalid_grant
        self.refreshes: list[str] = []  # which endpoint, each time a token was renewed
        self._issued = 0

    def answer(self, request: Request, base: str) -> Response | None:
        if request.path == "/token" and request.method == "POST":
            return self._google(request.form)
        if request.path == "/oauth/v2/accessToken" and request.method == "POST":
            return self._linkedin(request.form)
        if request.path == "/refresh_access_token":
            return self._instagram(request.query)
        return None

    def _google(self, form: dict[str, str]) -> Response:
        if (form.get("client_id"), form.get("client_secret")) != self.google_client:
            return Response.json(
                {"error": "invalid_client", "error_description": "The OAuth client was not found."}, 401
            )
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.google_refresh_token:
            return Response.json(
                {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, 400
            )
        token = self._new("google")
        self.platform.youtube.token, self.platform.youtube.token_refused = token, False
        scope = "https://www.googleapis.com/auth/youtube.force-ssl"
        return Response.json({"access_token": token, "expires_in": 3599, "scope": scope, "token_type": "Bearer"})

    def _linkedin(self, form: dict[str, str]) -> Response:
        if form.get("grant_type") != "refresh_token" or not form.get("refresh_token"):
            return Response.json(
                {"error": "invalid_request", "error_description": 'A required parameter "refresh_token" is missing'},
                400,
            )
        if (form.get("client_id"), form.get("client_secret")) != self.linkedin_client:
            return Response.json({"error": "invalid_client", "error_description": "Client authentication failed"}, 401)
        if form["refresh_token"] != self.linkedin_refresh_token or self.linkedin_refresh_expired:
            return Response.json(
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant or refresh token is invalid, expired or revoked.",
                },
                400,
            )
        linkedin = self.platform.linkedin
        linkedin.token, linkedin.token_error = self._new("linkedin"), None
        return Response.json(
            {
                "access_token": linkedin.token,
                "expires_in": 5184000,
                "refresh_token": self.linkedin_refresh_token,
                "refresh_token_expires_in": 25919999,
                "scope": "r_organization_social",
            }
        )

    def _instagram(self, query: dict[str, str]) -> Response:
        instagram = self.platform.instagram
        if query.get("grant_type") != "ig_refresh_token" or query.get("access_token") != instagram.token:
            return graph_error_response(190, None, 400)
        instagram.token = self._new("instagram")
        return Response.json({"access_token": instagram.token, "token_type": "bearer", "expires_in": 5183944})

    def _new(self, endpoint: str) -> str:
        self._issued += 1
        self.refreshes.append(endpoint)
        return f"fake-{endpoint}-token-renewed-{self._issued}"
