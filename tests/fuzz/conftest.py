"""Hypothesis profiles for the fuzz tests.

`ci` (the default) keeps the whole fuzz run to a couple of minutes on 2 cores, a few thousand
examples over all tests and both databases; `HYPOTHESIS_PROFILE=thorough` runs 25 times as many.
Each test asks for a share of the profile's budget with `examples(share)`, so the slow ones
(the analysis pipeline, logins with password hashing) take fewer.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

_COMMON = dict(
    deadline=None,  # a shared 2-core machine: timing is no property of ours
    # The app and its database are made once per test function and reused by every example
    # (each example uses fresh submission ids, so examples do not interfere).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
settings.register_profile("ci", max_examples=120, derandomize=False, print_blob=True, **_COMMON)
settings.register_profile("thorough", max_examples=3000, print_blob=True, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# The fuzz tests send thousands of requests from one address into one session; the throttles
# (survey/throttle.py) are tested on their own, here they would only turn examples into 429s.
NO_THROTTLE = {"LOGIN_FREE_FAILURES": 1_000_000,
               "SUBMIT_ADDRESS_LIMIT": "1000000 per minute", "SESSION_RESPONSE_MAX": 10**9}


@pytest.fixture
def app(app):
    app.config.update(NO_THROTTLE)
    return app
