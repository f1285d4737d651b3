"""Counts the cases schemathesis generates, and says at the end of the run how many and how long."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest

MINIMUM_CASES = 1000  # issue 6: at least this many generated cases when the whole fuzz run runs


@dataclass
class FuzzTally:
    cases: Counter[str] = field(default_factory=Counter)  # by pass: "postgresql/administrator"
    tests_collected: int = 0
    tests_run: int = 0
    seconds: float = 0.0


TALLY = pytest.StashKey[FuzzTally]()


def _is_fuzz(item: pytest.Item) -> bool:
    """One operation's schemathesis test (not the module's plain regression tests)."""
    module, _, name = item.nodeid.partition("::")
    return module.endswith("test_openapi_fuzz.py") and name.startswith(
        ("test_as_administrator[", "test_anonymous[")
    )


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect any
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[TALLY] = FuzzTally(tests_collected=sum(1 for item in items if _is_fuzz(item)))


@pytest.fixture
def fuzz_tally(pytestconfig: pytest.Config) -> FuzzTally:
    return pytestconfig.stash.setdefault(TALLY, FuzzTally())


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    tally = config.stash.get(TALLY, None)
    if tally is None or not tally.tests_run:
        return
    total = sum(tally.cases.values())
    passes = ", ".join(f"{name}: {n}" for name, n in sorted(tally.cases.items()))
    terminalreporter.write_line(
        f"schemathesis: {total} generated cases in {tally.tests_run} operation tests "
        f"({passes}), {tally.seconds:.0f} s"
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The whole fuzz run ran: it must have generated enough cases."""
    tally = session.config.stash.get(TALLY, None)
    if tally is None or not tally.tests_run or tally.tests_run < tally.tests_collected:
        return
    total = sum(tally.cases.values())
    if total < MINIMUM_CASES:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(
                f"schemathesis generated {total} cases, fewer than {MINIMUM_CASES}", red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
