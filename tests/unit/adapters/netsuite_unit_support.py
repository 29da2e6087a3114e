"""Constants shared by the NetSuite unit tests (a unique name: not a conftest)."""

from __future__ import annotations

ACCOUNT = "1234567_SB1"
BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
SUITEQL = BASE + "/services/rest/query/v1/suiteql"
RECORDS = BASE + "/services/rest/record/v1"
CONSUMER_SECRET = "CONSUMER-SECRET-not-for-logs"
TOKEN_SECRET = "TOKEN-SECRET-not-for-logs"
