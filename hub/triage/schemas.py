"""Request and response bodies of the triage API."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from workflows.triage import MAX_TERM_CHARS

MAX_TRIAGE_CHARS = 5000
MAX_TERMS_PER_CATEGORY = 1000


class TriageIn(BaseModel):
    text: str = Field(max_length=MAX_TRIAGE_CHARS, examples=["el ma ma9tou3 men 3 ayem"])

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty: write the complaint to triage")
        return value


class TriageOut(BaseModel):
    category: str
    kind: str
    language: str
    structure: str
    confidence: float


class TermIn(BaseModel):
    term: str = Field(max_length=MAX_TERM_CHARS)
    weight: float = Field(default=1.0, ge=-100, le=100)

    @field_validator("term")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a term may not be empty")
        return value


class TermsIn(BaseModel):
    terms: list[TermIn] = Field(max_length=MAX_TERMS_PER_CATEGORY)


class TermOut(BaseModel):
    term: str
    weight: float
    source: str  # "default" (shipped) or "administrator" (a TriageTerm row)


class LexiconOut(BaseModel):
    categories: dict[str, list[TermOut]]
    groups: list[str]  # usable in terms as "@a & @b"
