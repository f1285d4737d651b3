"""schemathesis against /openapi.json, in process: no 5xx, no response that breaks its schema.

Every operation of the schema runs on SQLite and on PostgreSQL, once with an
administrator's bearer token and once anonymous, against `create_app(settings)`
through schemathesis' ASGI transport (one hub per database, shared by all the
operations: each runs on what the others left). The hub holds a few cases, a day
off and an Open311 key; path parameters are drawn half the time from what exists
(references, structure codes, actions...), so generated bodies reach the code
behind the 404s; and half the time one generated value is swapped for a hostile
one (a NUL, an integer past 64 bits, the calendar's first and last days), which
schemas allow and ordinary generation rarely tries. Generation is derandomized
and seeded: CI sees the same cases on every run. The cases are counted as the test
function is called, and the run fails if the whole module made fewer than 1,000
(tests/fuzz/conftest.py prints the count at the end).

Checks: no 5xx, a JSON (or declared) content type, and a body that matches the
schema declared for its status code. schemathesis' other checks are left out on
purpose: the operations do not declare every 401/403/404 (status_code_conformance),
OPTIONS answers 405 without listing every method (unsupported_method), and a
value the schema allows can still be refused with a reason, such as a category
code that does not exist (positive_data_acceptance).

Nothing is excluded. The Twilio and Telegram webhooks are included: with the channels
configured (their APIs on a closed local port), a request without a valid signature
or secret must be a 403, never a 5xx; their parsers have property tests in
test_parser_properties.py, signed requests included.

The schema is loaded at import (from an app that never connects), not through
`schemathesis.pytest.from_fixture`: that lazy loader sets `Node._nodeid`, which
pytest 9.2 no longer has.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.python import asgi

from hub.app import create_app
from hub.db import make_engine, make_sessionmaker
from hub.settings import Settings
from hub.users import create_user
from tests.conftest import CHANNELS_ON, StaffFactory, _reset_pg, settings_for
from tests.fuzz.conftest import FuzzTally
from workflows.taxonomy import CATEGORY_CODES

ADMIN_EMAIL = "fuzz-admin@test.kef.tn"
PASSWORD = "correct horse battery"
SEED = 20240606
# Per operation and pass, for the random (fuzzing) phase; the coverage and examples
# phases add their own cases on top.
ADMINISTRATOR_EXAMPLES = 30
ANONYMOUS_EXAMPLES = 6
CHECKS = [
    checks.not_a_server_error,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
ACTIONS = [
    "assign",
    "start",
    "ask_citizen",
    "resolve",
    "reject",
    "transfer",
    "merge",
    "reopen",
    "close",
    "reclassify",
]
STRUCTURES = ["central-bureau", "anti-corruption-cell", "kef-municipality", "sonede-kef"]

# What exists in the hub under test, for path parameters; filled once the hub is seeded.
KNOWN: dict[str, list[Any]] = {}


def _spec() -> dict[str, Any]:
    # The schema does not depend on the database: read it from an app that never connects.
    app = create_app(settings_for("sqlite:///:memory:", Path(tempfile.gettempdir())))
    return app.openapi()


schema = schemathesis.openapi.from_dict(
    _spec(),
    config=schemathesis.Config.from_dict(
        {"seed": SEED, "generation": {"mode": "all", "deterministic": True}}
    ),
)


# Values that schemas allow (or nearly) and that break code written for ordinary ones: a NUL
# (PostgreSQL refuses it in text), integers past 32 and 64 bits, the calendar's ends.
HOSTILE_TEXT = [
    "\x00",
    "KEF-\x00",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
]
HOSTILE_NUMBERS = [2**31, 2**63, -(2**63) - 1, 10**20, 1e308]


def _hostile_value(value: Any) -> st.SearchStrategy[Any]:
    """Of the same type when there is one, so that it gets past validation more often."""
    if isinstance(value, str):
        return st.sampled_from(HOSTILE_TEXT)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return st.sampled_from(HOSTILE_NUMBERS)
    return st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS)


def _hostile(values: Any) -> st.SearchStrategy[Any]:
    """Half the time, one value of the mapping replaced by a hostile one."""
    if isinstance(values, list) and values and isinstance(values[0], dict):
        return _hostile(values[0]).map(lambda first: [first, *values[1:]])
    if not isinstance(values, dict) or not values:
        return st.just(values)
    key = st.sampled_from(sorted(values))
    change = key.flatmap(lambda k: _hostile_value(values[k]).map(lambda v: {**values, k: v}))
    return st.one_of(st.just(values), change)


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Path parameters that name something that exists, or a hostile one, or as generated."""
    if not path_parameters:
        return st.just(path_parameters)
    known = {name: KNOWN[name] for name in path_parameters if KNOWN.get(name)}
    if not known:
        return _hostile(path_parameters)
    existing = st.fixed_dictionaries({name: st.sampled_from(v) for name, v in known.items()})
    return st.one_of(_hostile(path_parameters), existing.map(lambda e: {**path_parameters, **e}))


@schema.hook
def flatmap_query(context: Any, query: dict[str, Any] | None) -> Any:
    return _hostile(query)


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    return _hostile(body)


@dataclass
class Hub:
    app: FastAPI
    administrator: dict[str, str]  # headers with the administrator's bearer token


async def _make_admin(settings: Settings) -> None:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await create_user(session, ADMIN_EMAIL, PASSWORD, "administrator")
    await engine.dispose()


def _seed(client: asgi.ASGIClient, headers: dict[str, str]) -> None:
    references = []
    for body in (
        {"text": "No water in Hay Ennour since Monday", "phone": "+21698123456"},
        {"text": "The clerk asked me for a bribe to sign my permit", "anonymous": True},
        {"text": "Street lamp broken on Avenue Habib Bourguiba", "email": "a@example.tn"},
    ):
        created = client.post("/api/v1/cases", json={"channel": "counter", **body}, headers=headers)
        assert created.status_code == 201, created.text
        references.append(created.json()["reference"])
    day_off = client.post(
        "/api/v1/calendar/days-off", json={"day": "2031-03-21", "reason": "fuzz"}, headers=headers
    )
    assert day_off.status_code == 201, day_off.text
    key = client.post("/api/v1/open311/keys", json={"name": "fuzz client"}, headers=headers)
    assert key.status_code == 201, key.text
    KNOWN.clear()
    KNOWN.update(
        reference=references,
        service_request_id=references,
        code=STRUCTURES + list(CATEGORY_CODES),
        category=list(CATEGORY_CODES),
        action=ACTIONS,
        day=["2031-03-21"],
        key_id=[key.json()["id"]],
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def hub(
    fuzz_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hub]:
    """One hub per database for the whole module: the operations run on what the others left."""
    folder = tmp_path_factory.mktemp(f"fuzz-{fuzz_backend}")
    if fuzz_backend == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), folder / "hub.db")
        url = f"sqlite:///{folder / 'hub.db'}"
    else:
        url = request.getfixturevalue("pg_database")
        asyncio.run(_reset_pg(url, folder))
    settings = settings_for(url, folder, **CHANNELS_ON)
    asyncio.run(_make_admin(settings))
    app = create_app(settings)
    with asgi.get_client(app) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": ADMIN_EMAIL, "password": PASSWORD}
        )
        assert token.status_code == 200, token.text
        admin = {"Authorization": f"Bearer {token.json()['access_token']}"}
        _seed(client, admin)
    yield Hub(app, admin)
    asgi.shutdown_lifespans()  # stops the hub's jobs and disposes of its engine


@pytest.fixture
def tally(fuzz_tally: FuzzTally) -> Iterator[FuzzTally]:
    started, before = time.monotonic(), sum(fuzz_tally.cases.values())
    yield fuzz_tally
    fuzz_tally.tests_run += 1
    fuzz_tally.seconds += time.monotonic() - started
    assert sum(fuzz_tally.cases.values()) > before, "schemathesis generated no case"


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        # Each case is a real request on a real database, slow next to a unit test.
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,  # `tally` only counts
        ],
    )


@schema.parametrize()
@_settings(ADMINISTRATOR_EXAMPLES)
def test_as_administrator(
    case: schemathesis.Case, hub: Hub, fuzz_backend: str, tally: FuzzTally
) -> None:
    tally.cases[f"{fuzz_backend}/administrator"] += 1
    case.call_and_validate(app=hub.app, headers=hub.administrator, checks=CHECKS)


@schema.parametrize()
@_settings(ANONYMOUS_EXAMPLES)
def test_anonymous(case: schemathesis.Case, hub: Hub, fuzz_backend: str, tally: FuzzTally) -> None:
    tally.cases[f"{fuzz_backend}/anonymous"] += 1
    case.call_and_validate(app=hub.app, checks=CHECKS)


# ------------------------------------------------------------------ what the fuzzer found

# Each was a 5xx before its fix: kept as plain requests, whatever the generator draws next.
FOUND = [
    ("GET", "/api/v1/cases?offset=9223372036854775808", None, {422}),  # SQLite OverflowError
    ("GET", "/api/v1/cases?structure=%00", None, {200, 422}),  # PostgreSQL refuses a NUL
    ("DELETE", "/api/v1/open311/keys/99999999999999", None, {422}),  # past int32
    ("POST", "/api/v1/open311/keys", {"name": "fuzz\x00"}, {201, 422}),
    ("POST", "/api/v1/cases", {"text": "water \x00 leak", "channel": "counter"}, {201, 422}),
    ("POST", "/api/v1/calendar/days-off", {"day": "0001-01-01", "reason": "x"}, {422}),
    (
        "PUT",
        "/api/v1/deadline-policies",
        {"first_response_days": 1, "resolution_days": 2, "reminder_days": [10**20]},
        {422},
    ),  # the deadline tick's timedelta overflowed
    ("GET", "/open311/v2/requests.json?end_date=0001-01-01T00:00:00Z", None, {400}),
    ("GET", "/open311/v2/requests.json?start_date=0001-01-01T00:00:00%2B14:00", None, {400}),
    ("GET", "/open311/v2/requests.json?end_date=9999-12-31T23:59:59-14:00", None, {400}),
    ("GET", "/open311/v2/requests/%00.json", None, {404, 422}),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), FOUND)
async def test_what_the_fuzzer_found_is_refused_with_a_reason(
    client: httpx.AsyncClient,
    staff: StaffFactory,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    expected: set[int],
) -> None:
    _, admin = await staff("administrator")
    answer = await client.request(method, path, json=body, headers=admin)
    assert answer.status_code in expected, answer.text
    if answer.status_code >= 400:
        assert answer.json(), "a reason"


async def test_a_nul_in_a_sign_in_is_a_wrong_password(client: httpx.AsyncClient) -> None:
    answer = await client.post("/api/v1/auth/token", data={"username": "\x00", "password": "x"})
    assert answer.status_code in (401, 422), answer.text
