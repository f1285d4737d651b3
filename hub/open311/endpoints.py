"""Open311 GeoReport v2: the categories as services, cases as service requests.

Requests created here go through the same intake as every channel. Corruption
reports are never listed. Descriptions are published only for requests that
were themselves posted through Open311 (a walk-in complaint's text is not
public data).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlmodel import col, select

from hub.deps import CurrentUser, SessionDep, StateDep, require_roles
from hub.intake.conversation import receive
from hub.models import ApiKey, Case, Category, Role, Structure, utcnow
from hub.petition import Channel, Location, Petition
from workflows.lifecycle import is_open

router = APIRouter(prefix="/open311/v2", tags=["open311"])
keys_router = APIRouter(prefix="/api/v1/open311", tags=["open311"])

MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


def error_response(exc: Open311Error) -> JSONResponse:
    """The spec's error format: a list of {code, description}."""
    return JSONResponse([{"code": exc.code, "description": exc.description}], status_code=exc.code)


def _language(locale: str | None) -> str:
    return locale if locale in ("ar", "fr", "en") else "en"


def _name(row: Category | Structure, language: str) -> str:
    return str(getattr(row, f"name_{language}"))


@router.get("/services.json")
async def services(
    session: SessionDep, locale: Annotated[str | None, Query()] = None
) -> list[dict[str, Any]]:
    language = _language(locale)
    rows = (await session.scalars(select(Category).order_by(col(Category.position)))).all()
    return [
        {
            "service_code": c.code,
            "service_name": _name(c, language),
            "description": _name(c, language),
            "metadata": False,
            "type": "realtime",
            "keywords": c.code.replace("_", " "),
            "group": "corruption" if c.code == "corruption" else "public services",
        }
        for c in rows
    ]


@router.get("/services/{code}.json")
async def service_definition(code: str, session: SessionDep) -> dict[str, Any]:
    if await session.get(Category, code) is None:
        raise Open311Error(404, f"no service {code!r}")
    return {"service_code": code, "attributes": []}


async def _client(session: SessionDep, api_key: str | None) -> ApiKey:
    if not api_key:
        raise Open311Error(403, "api_key is required to post a service request")
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    found = (await session.scalars(select(ApiKey).where(col(ApiKey.key_hash) == digest))).first()
    if found is None or found.revoked_at is not None:
        raise Open311Error(403, "this api_key is not valid")
    return found


@router.post("/requests.json", status_code=status.HTTP_201_CREATED)
async def post_request(
    session: SessionDep,
    state: StateDep,
    api_key: Annotated[str | None, Form()] = None,
    service_code: Annotated[str | None, Form()] = None,
    description: Annotated[str | None, Form(max_length=5000)] = None,
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    long: Annotated[float | None, Form(ge=-180, le=180)] = None,
    address_string: Annotated[str | None, Form(max_length=200)] = None,
    email: Annotated[str | None, Form(max_length=254)] = None,
    phone: Annotated[str | None, Form(max_length=32)] = None,
    first_name: Annotated[str | None, Form(max_length=100)] = None,
    last_name: Annotated[str | None, Form(max_length=100)] = None,
) -> list[dict[str, Any]]:
    client = await _client(session, api_key)
    if not service_code or await session.get(Category, service_code) is None:
        raise Open311Error(400, "service_code is missing or unknown; see services.json")
    if (lat is None or long is None) and not address_string:
        raise Open311Error(400, "a location is required: lat and long, or address_string")
    if not (description or "").strip():
        raise Open311Error(400, "description is required")
    client_id = client.id
    await session.rollback()  # end this read before intake writes (SQLite allows one writer)
    name = " ".join(p for p in (first_name, last_name) if p) or None
    petition = Petition(
        channel=Channel.open311,
        external_id=f"{client_id}:{uuid.uuid4().hex}",
        text=description or "",
        name=name,
        phone=_phone(phone),
        email=email,
        category_hint=service_code,
        location=Location(municipality=address_string, latitude=lat, longitude=long),
    )
    reception = await receive(state, petition)
    return [{"service_request_id": reception.reference, "service_notice": "", "account_id": None}]


def _phone(raw: str | None) -> str | None:
    from hub.contacts import InvalidContact, parse_phone

    if not raw:
        return None
    try:
        return parse_phone(raw)
    except InvalidContact as exc:
        raise Open311Error(400, str(exc)) from None


def _when(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400, f"{name} must be a W3C date-time, e.g. 2026-11-01T00:00:00Z"
        ) from None
    if parsed.tzinfo is None:
        raise Open311Error(400, f"{name} needs a time zone, e.g. 2026-11-01T00:00:00+01:00")
    try:
        utc = parsed.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-01:00 is past the calendar's end in UTC
        utc = None
    # The default window before an end date must fit in the calendar too.
    if utc is None or utc < EARLIEST:
        raise Open311Error(400, f"{name} is out of range")
    return utc


@router.get("/requests.json")
async def list_requests(
    session: SessionDep,
    locale: Annotated[str | None, Query()] = None,
    service_request_id: Annotated[str | None, Query(max_length=2000)] = None,
    service_code: Annotated[str | None, Query(max_length=40)] = None,
    start_date: Annotated[str | None, Query()] = None,
    end_date: Annotated[str | None, Query()] = None,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
) -> list[dict[str, Any]]:
    query = select(Case).where(col(Case.sealed).is_(False))
    if service_request_id:
        ids = [i.strip().upper() for i in service_request_id.split(",") if i.strip()][:MAX_RESULTS]
        query = query.where(col(Case.reference).in_(ids))
    else:
        start, end = _when(start_date, "start_date"), _when(end_date, "end_date")
        end = end or utcnow()
        start = start or end - DEFAULT_WINDOW
        if start > end:
            raise Open311Error(400, "start_date is after end_date")
        query = query.where(col(Case.received_at) >= start, col(Case.received_at) <= end)
    if service_code:
        query = query.where(col(Case.category) == service_code)
    if status_filter not in (None, "open", "closed"):
        raise Open311Error(400, "status is open or closed")
    query = query.order_by(col(Case.received_at).desc()).limit(MAX_RESULTS * 2)
    cases = [c for c in (await session.scalars(query)).all() if status_filter in (None, _status(c))]
    return await _represent(session, cases[:MAX_RESULTS], _language(locale))


@router.get("/requests/{service_request_id}.json")
async def get_request(
    service_request_id: str, session: SessionDep, locale: Annotated[str | None, Query()] = None
) -> list[dict[str, Any]]:
    case = (
        await session.scalars(
            select(Case).where(
                col(Case.reference) == service_request_id.upper(), col(Case.sealed).is_(False)
            )
        )
    ).first()
    if case is None:
        raise Open311Error(404, f"no service request {service_request_id!r}")
    return await _represent(session, [case], _language(locale))


def _status(case: Case) -> str:
    return "open" if is_open(case.status) else "closed"


async def _represent(session: SessionDep, cases: list[Case], language: str) -> list[dict[str, Any]]:
    categories = {c.code: c for c in (await session.scalars(select(Category))).all()}
    structures = {s.id: s for s in (await session.scalars(select(Structure))).all()}
    out = []
    for case in cases:
        structure = structures.get(case.structure_id or -1)
        out.append(
            {
                "service_request_id": case.reference,
                "status": _status(case),
                "status_notes": case.rejection_reason,
                "service_name": _name(categories[case.category], language),
                "service_code": case.category,
                "description": case.summary if case.channel == Channel.open311.value else None,
                "agency_responsible": _name(structure, language) if structure else None,
                "service_notice": None,
                "requested_datetime": case.received_at.isoformat(),
                "updated_datetime": case.updated_at.isoformat(),
                "expected_datetime": case.due_at.isoformat() if case.due_at else None,
                "address": case.municipality,
                "address_id": None,
                "zipcode": None,
                "lat": case.latitude,
                "long": case.longitude,
                "media_url": None,
            }
        )
    return out


# ------------------------------------------------------------ api keys (admins)


class KeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="who the key is for")


class KeyOut(BaseModel):
    id: int
    name: str
    api_key: str = Field(description="shown once; only its hash is kept")


@keys_router.post("/keys", response_model=KeyOut, status_code=201)
async def issue_key(body: KeyIn, user: CurrentUser, session: SessionDep) -> KeyOut:
    require_roles(user, Role.administrator)
    token = "o311_" + secrets.token_urlsafe(32)
    row = ApiKey(
        name=body.name, key_hash=hashlib.sha256(token.encode()).hexdigest(), created_by_id=user.id
    )
    session.add(row)
    await session.commit()
    assert row.id is not None
    return KeyOut(id=row.id, name=row.name, api_key=token)


@keys_router.delete("/keys/{key_id}", status_code=204)
async def revoke_key(
    key_id: Annotated[int, Path(ge=1, le=2**31 - 1)], user: CurrentUser, session: SessionDep
) -> None:
    require_roles(user, Role.administrator)
    row = await session.get(ApiKey, key_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such key")
    row.revoked_at = utcnow()
    session.add(row)
    await session.commit()


async def open311_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Open311Error)
    return error_response(exc)
