"""Credentials come from the environment, the OS keyring, a prompt or a key file, and never show up in output."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from collectors.credentials import CredentialCache, CredentialError, resolve
from core.plan import Credentials


class MemoryKeyring(KeyringBackend):
    """A keyring held in memory, so the test never touches the machine's real keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def test_password_from_environment_is_hidden_in_repr_and_json() -> None:
    login = resolve(Credentials(username="ops", password_env="PW"), "r1", env={"PW": "Sup3rS3cret"})
    assert login.password is not None and login.password.get_secret_value() == "Sup3rS3cret"
    assert "Sup3rS3cret" not in repr(login) and "Sup3rS3cret" not in login.model_dump_json()
    assert login.enable_secret is not None and login.enable_secret.get_secret_value() == "Sup3rS3cret"


def test_missing_environment_variable_is_a_clear_reason() -> None:
    with pytest.raises(CredentialError, match="environment variable BR_PW \\(password\\) is not set"):
        resolve(Credentials(username="ops", password_env="BR_PW"), "r1", env={})


def test_username_from_environment() -> None:
    login = resolve(Credentials(username_env="U", password_env="P"), "r1", env={"U": "neteng", "P": "x"})
    assert login.username == "neteng"


def test_password_from_os_keyring(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("assess-branch", "ops", "FromTheKeyring")
    login = resolve(Credentials(username="ops", keyring_service="assess-branch"), "r1", env={})
    assert login.password is not None and login.password.get_secret_value() == "FromTheKeyring"


def test_password_missing_from_keyring_is_a_clear_reason(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(CredentialError, match="no password in the OS keyring for service 'nope', user 'ops'"):
        resolve(Credentials(username="ops", keyring_service="nope"), "r1", env={})


def test_prompt_refused_without_a_terminal() -> None:
    with pytest.raises(CredentialError, match="stdin is not a terminal"):
        resolve(Credentials(username="ops", prompt=True), "r1", env={}, prompt=None)


def test_prompt_is_asked_once_per_credential_reference() -> None:
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return "typed"

    cache = CredentialCache(env={}, prompt=prompt)
    creds = Credentials(username="ops", prompt=True)
    assert cache.get(creds, "r1").password is not None
    assert cache.get(creds, "r2").password is not None
    assert asked == ["Password for ops@r1: "]


def test_ssh_key_must_exist(tmp_path: Path) -> None:
    with pytest.raises(CredentialError, match="does not exist"):
        resolve(Credentials(username="ops", ssh_key=str(tmp_path / "nope")), "r1", env={})
    key = tmp_path / "id"
    key.write_text("k")
    assert resolve(Credentials(username="ops", ssh_key=str(key)), "r1", env={}).key_file == key


def test_no_password_source_and_no_key_is_a_clear_reason() -> None:
    with pytest.raises(CredentialError, match="no password source and no ssh_key"):
        resolve(Credentials(username="ops"), "r1", env={})


def test_empty_enable_secret_from_environment_is_allowed() -> None:
    creds = Credentials(username="ops", password_env="P", enable_secret_env="E")
    login = resolve(creds, "r1", env={"P": "pw", "E": ""})
    assert login.enable_secret is not None and login.enable_secret.get_secret_value() == ""
