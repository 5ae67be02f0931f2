"""The docstring examples of the checks helpers run as tests."""

from __future__ import annotations

import doctest

import pytest

from checks import firewall, profiles, voice_load
from collectors.probes import bandwidth
from core import dscp, voice_qos


@pytest.mark.parametrize(
    "module", [profiles, voice_load, voice_qos, dscp, bandwidth, firewall], ids=lambda m: m.__name__
)
def test_docstring_examples_hold(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted and not result.failed
