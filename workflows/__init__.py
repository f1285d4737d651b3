"""Pure decision logic: triage, routing, life cycle, deadlines. No I/O here."""
