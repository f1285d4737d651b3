"""`hub worker`, the real one, with its clock sped up for the fault tests.

Production waits 30 s between sweeps, 30 s before the first retry and 15 s for
Twilio; a test cannot. This runs the same command after setting, from
environment variables, the sweep beat (FAULTS_SWEEP_SECONDS), the first retry
delay (FAULTS_RETRY_BASE_SECONDS), the attempts before giving up
(FAULTS_MAX_ATTEMPTS) and Twilio's timeout (FAULTS_SMS_TIMEOUT_SECONDS).
Nothing else differs from `hub worker`.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import Any


def _speed_up() -> None:
    import channels.sms.outbound as sms_outbound
    import hub.jobs as jobs
    import hub.outbox.service as outbox

    knobs = (
        ("FAULTS_RETRY_BASE_SECONDS", outbox, "BASE_DELAY_SECONDS"),
        ("FAULTS_MAX_ATTEMPTS", outbox, "MAX_ATTEMPTS"),
        ("FAULTS_SMS_TIMEOUT_SECONDS", sms_outbound, "SEND_TIMEOUT_SECONDS"),
    )
    for variable, module, name in knobs:
        if variable in os.environ:
            # Fail loudly if the code under test renamed what the test relies on.
            assert hasattr(module, name), f"{module.__name__}.{name} is gone"
            value = float(os.environ[variable])
            setattr(module, name, int(value) if value.is_integer() else value)

    beat = int(os.environ.get("FAULTS_SWEEP_SECONDS", "0"))
    if beat:
        original = jobs.worker_settings

        def fast_settings(*args: Any, **kwargs: Any) -> dict[str, Any]:
            config = original(*args, **kwargs)
            config["cron_jobs"] = [
                dataclasses.replace(job, second=set(range(0, 60, beat)))
                for job in config["cron_jobs"]
            ]
            return config

        jobs.worker_settings = fast_settings


def main() -> None:
    _speed_up()
    from hub.cli import main as hub

    sys.argv = ["hub", "worker"]
    hub()


if __name__ == "__main__":
    main()
