"""Logging without personal data: no query strings (PINs), no bodies, no contacts."""

from __future__ import annotations

import logging


class DropQueryStrings(logging.Filter):
    """uvicorn's access log line carries the full path; a PIN may sit in its query."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            if isinstance(args[2], str):
                args[2] = args[2].split("?", 1)[0]
            record.args = tuple(args)
        return True


def configure(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("uvicorn.access").addFilter(DropQueryStrings())
    logging.getLogger("alembic").setLevel(logging.WARNING)


UVICORN_LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query": {"()": "hub.logs.DropQueryStrings"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_query"]},
    },
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "hub": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
