"""Triage API: a public, rate-limited preview, and the administrators' lexicon."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status

from hub.deps import CurrentUser, OptionalUser, SessionDep, StateDep, require_roles
from hub.models import Role
from hub.triage import service
from hub.triage.schemas import LexiconOut, TermOut, TermsIn, TriageIn, TriageOut

router = APIRouter(prefix="/api/v1/triage", tags=["triage"])


def _runtime(request: Request, state: StateDep) -> service.TriageRuntime:
    return service.runtime(request.app, state.settings.triage_rate_limit_per_minute)


@router.post("", response_model=TriageOut, responses={422: {}, 429: {}})
async def triage_preview(
    data: TriageIn, request: Request, user: OptionalUser, session: SessionDep, state: StateDep
) -> TriageOut:
    """Category, kind, language and the structure that would answer: typed-as-you-go help.

    Anonymous callers are limited per client address; signed-in staff are not.
    """
    runtime = _runtime(request, state)
    if user is None:
        address = request.client.host if request.client else "unknown"
        retry_after = runtime.limiter.hit(service.RATE_PURPOSE, address)
        if retry_after is not None:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                f"too many triage requests from this address; try again in {retry_after} s",
                headers={"Retry-After": str(retry_after)},
            )
    return await service.preview(session, runtime.lexicons, data.text)


@router.get("/lexicon", response_model=LexiconOut)
async def get_lexicon(user: CurrentUser, session: SessionDep) -> LexiconOut:
    return await service.lexicon_view(session)


@router.put("/lexicon/{category}", response_model=list[TermOut], responses={403: {}, 422: {}})
async def put_lexicon(
    category: str,
    data: TermsIn,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
) -> list[TermOut]:
    """Replace the category's administrator terms (the shipped defaults stay underneath).

    A term may override a default's weight; weight 0 switches a default off.
    """
    require_roles(user, Role.administrator)
    try:
        return await service.replace_category(
            session, _runtime(request, state).lexicons, category, data.terms
        )
    except service.TermRejected as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None


@router.get("/corrections.jsonl", response_class=Response, responses={403: {}})
async def export_corrections(user: CurrentUser, session: SessionDep) -> Response:
    """Staff corrections of triage as JSON lines: text, language, predicted, corrected.

    Corrections of cases that are sealed corruption reports are left out.
    """
    require_roles(user, Role.administrator)
    return Response(
        await service.corrections_jsonl(session),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="triage-corrections.jsonl"'},
    )
