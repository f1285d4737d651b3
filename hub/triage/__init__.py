"""Triage preview API and the administrators' lexicon."""
