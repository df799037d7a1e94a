"""Where LinkedIn's token endpoint answers: www.linkedin.com beside the real API, the API's own
address beside any other (a fake or staging platform, so a refresh token never leaves for the real
LinkedIn from a setup pointed elsewhere), or the setting where it is given."""

from __future__ import annotations

import pytest

from kanalarkiv.config import ConfigurationError, LiveEndpoints


def test_linkedin_s_oauth_host_follows_the_api_unless_set():
    assert LiveEndpoints.from_env({}).linkedin_oauth_base == "https://www.linkedin.com"
    beside_a_fake = LiveEndpoints.from_env({"KANALARKIV_LINKEDIN_BASE_URL": "http://127.0.0.1:9000/"})
    assert beside_a_fake.linkedin_oauth_base == "http://127.0.0.1:9000"
    given = {
        "KANALARKIV_LINKEDIN_BASE_URL": "http://127.0.0.1:9000",
        "KANALARKIV_LINKEDIN_OAUTH_URL": "http://127.0.0.1:9001",
    }
    assert LiveEndpoints.from_env(given).linkedin_oauth_base == "http://127.0.0.1:9001"


def test_a_linkedin_oauth_setting_that_is_no_address_is_refused():
    with pytest.raises(ConfigurationError, match="KANALARKIV_LINKEDIN_OAUTH_URL"):
        LiveEndpoints.from_env({"KANALARKIV_LINKEDIN_OAUTH_URL": "www.linkedin.com"})
