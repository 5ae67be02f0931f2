"""SSH host-key policy: strict by default, or accept-and-record a key seen for the first time."""

from __future__ import annotations

import threading
from pathlib import Path

import paramiko

_FILE_LOCK = threading.Lock()


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH-style ``type SHA256:...`` fingerprint of a host key."""
    return f"{key.get_name()} {key.fingerprint}"


class AcceptNewPolicy(paramiko.MissingHostKeyPolicy):
    """Trust an unknown host's key and append it to known_hosts (like OpenSSH ``accept-new``).

    A key that *differs* from a recorded one never reaches this policy: paramiko
    raises BadHostKeyException first, so a changed key is still refused.
    """

    def __init__(self, known_hosts: Path) -> None:
        self.known_hosts = known_hosts
        self.accepted: str = ""

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        """Record the new key (one appended line; a lock keeps parallel logins from clobbering the file)."""
        client.get_host_keys().add(hostname, key.get_name(), key)
        with _FILE_LOCK:
            self.known_hosts.parent.mkdir(parents=True, exist_ok=True)
            with self.known_hosts.open("a", encoding="ascii") as handle:
                handle.write(f"{hostname} {key.get_name()} {key.get_base64()}\n")
        self.accepted = fingerprint(key)
