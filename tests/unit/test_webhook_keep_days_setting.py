"""How long captured and dismissed webhook changes stay in the inbox is a setting checked when the
service starts: a value no prune would accept stops the start with the setting named, instead of
a prune that fails every hour."""

from __future__ import annotations

import pytest

from kanalarkiv.config import ConfigurationError, Settings


@pytest.mark.parametrize("days", ["0", "-3", "3651", "en vecka"])
def test_a_keep_days_setting_out_of_range_is_refused_at_start(days):
    with pytest.raises(ConfigurationError, match="KANALARKIV_WEBHOOK_KEEP_DAYS"):
        Settings.from_env({"KANALARKIV_WEBHOOK_KEEP_DAYS": days})


def test_a_keep_days_setting_in_range_is_taken():
    assert Settings.from_env({"KANALARKIV_WEBHOOK_KEEP_DAYS": "3650"}).webhook_keep_days == 3650
    assert Settings.from_env({}).webhook_keep_days == 7
