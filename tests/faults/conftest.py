"""Fault tests: the hub's real processes against servers they may stop and restart."""

from tests.faults.servers import hub_database, private_postgres, private_redis

__all__ = ["hub_database", "private_postgres", "private_redis"]
