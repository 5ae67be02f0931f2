"""napalm getters (get_facts, get_config, get_interfaces) saved as JSON evidence next to the show outputs.

Best effort: a getter that fails is recorded with its reason and does not make
the device "not assessed" (the show outputs are what the parsers need).
"""

from __future__ import annotations

import contextlib
import json
import time

from napalm import get_network_driver
from pydantic import JsonValue, TypeAdapter

from collectors.base import DeviceJob
from collectors.commands import NAPALM_GETTERS, napalm_driver
from collectors.evidence import Manifest, record_failure, save_output
from platforms.redact import redact, redact_json

_JSON = TypeAdapter(JsonValue)


def getter_command(getter: str) -> str:
    """The evidence 'command' name a getter's JSON is saved under.

    >>> getter_command("get_facts")
    'napalm get_facts'
    """
    return f"napalm {getter}"


def run_getters(job: DeviceJob, manifest: Manifest, deadline: float) -> dict[str, str]:
    """Run the getters for ``job`` when napalm has a driver; returns getter command -> failure reason."""
    driver_name = napalm_driver(job.platform)
    login = job.login
    if driver_name is None or login is None:
        return {}
    remaining = int(deadline - time.monotonic())
    if remaining < 2:
        return {}
    optional = {
        "port": job.device.port,
        "ssh_strict": True,
        "system_host_keys": False,
        "alt_host_keys": True,
        "alt_key_file": str(job.options.known_hosts_path),
        "allow_agent": False,
        "key_file": str(login.key_file) if login.key_file else None,
        "secret": login.enable_secret.get_secret_value() if login.enable_secret else "",
        # netmiko-based drivers (ios, nxos_ssh): no read may outlast the device's remaining budget
        "read_timeout_override": remaining,
    }
    password = login.password.get_secret_value() if login.password else ""
    driver = get_network_driver(driver_name)(job.device.host, login.username, password, remaining, optional)
    failed: dict[str, str] = {}
    try:
        driver.open()
    except Exception as exc:  # napalm wraps many transports; any failure is just this step's reason
        return _fail_all(job, manifest, f"napalm {driver_name} could not open a session: {type(exc).__name__}")
    try:
        for getter in NAPALM_GETTERS:
            command = getter_command(getter)
            try:
                value = _JSON.validate_python(getattr(driver, getter)())
            except Exception as exc:  # one getter failing leaves the others (and the device) fine
                failed[command] = redact(f"{type(exc).__name__}: {str(exc).strip()[:200]}")
                record_failure(job.folder, manifest, command, failed[command])
                continue
            save_output(job.folder, manifest, command, json.dumps(redact_json(value), indent=2, sort_keys=True))
    finally:
        with contextlib.suppress(Exception):  # closing must not turn collected evidence into a crash
            driver.close()
    return failed


def _fail_all(job: DeviceJob, manifest: Manifest, reason: str) -> dict[str, str]:
    for getter in NAPALM_GETTERS:
        record_failure(job.folder, manifest, getter_command(getter), reason)
    return {getter_command(g): reason for g in NAPALM_GETTERS}
