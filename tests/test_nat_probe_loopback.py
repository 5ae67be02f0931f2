"""`assess probe nat` against a real coturn on loopback (127.0.0.1 + 127.0.0.2: no NAT)."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from typer.testing import CliRunner

from assess.cli import app
from collectors.probes.nat_probe import probe_nat
from collectors.probes.requests import NatProbe
from core.errors import UserError
from tests.traversal_servers import free_udp_port_pair, start_coturn

pytestmark = pytest.mark.skipif(shutil.which("turnserver") is None, reason="coturn (turnserver) not installed")


@pytest.fixture(scope="module")
def coturn_port():
    port = free_udp_port_pair(("127.0.0.1", "127.0.0.2"))
    server = start_coturn("127.0.0.1", "127.0.0.2", port)
    yield port
    server.stop()


def test_loopback_without_nat_is_classified_no_nat(coturn_port):
    result = probe_nat(NatProbe(host="127.0.0.1", port=coturn_port, lifetime_cap_s=0))
    assert result.assessed
    assert (result.mapping, result.filtering) == ("no-nat", "no-nat")
    assert result.public_address == "127.0.0.1"
    assert result.port_preserved is True
    assert result.firewall_filtering == "endpoint-independent"


def test_binding_lifetime_without_nat_reaches_the_cap(coturn_port):
    result = probe_nat(NatProbe(host="127.0.0.1", port=coturn_port, lifetime_cap_s=1.6, parallel=4))
    assert result.binding_lifetime_at_least is True
    assert result.binding_lifetime_s == pytest.approx(1.6, abs=0.3)  # the idle time actually tested


def test_cli_json_has_contract_keys(coturn_port):
    out = CliRunner().invoke(app, ["probe", "nat", f"127.0.0.1:{coturn_port}", "--lifetime-cap", "0", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert {"public_address", "mapping", "filtering", "binding_lifetime_s"} <= data.keys()


def test_silent_server_is_not_assessed_quickly():
    port = free_udp_port_pair(("127.0.0.1",))
    start = time.monotonic()
    out = CliRunner().invoke(app, ["probe", "nat", f"127.0.0.1:{port}", "--timeout", "0.6", "--json"])
    assert out.exit_code == 1
    assert json.loads(out.stdout)["assessed"] is False
    assert time.monotonic() - start < 5


def test_bad_port_is_a_usage_error():
    out = CliRunner().invoke(app, ["probe", "nat", "127.0.0.1:99999"])
    assert isinstance(out.exception, UserError)  # main() turns it into one line and exit 2
    assert "port must be" in str(out.exception)


def test_each_link_leaves_by_its_own_source_and_the_report_can_tell_them_apart(coturn_port):
    from checks.base import SiteContext
    from checks.engine import run_rules
    from checks.link_paths import LinksLeaveByOwnPath
    from core.models.site import LinkProbes

    primary = probe_nat(NatProbe(host="127.0.0.1", port=coturn_port, lifetime_cap_s=0, source="127.0.0.3"))
    backup = probe_nat(NatProbe(host="127.0.0.1", port=coturn_port, lifetime_cap_s=0, source="127.0.0.4"))
    # no NAT on loopback: the address the server saw is the source each probe was bound to
    assert (primary.public_address, primary.source) == ("127.0.0.3", "127.0.0.3")
    assert (backup.public_address, backup.source) == ("127.0.0.4", "127.0.0.4")
    by_device = probe_nat(NatProbe(host="127.0.0.1", port=coturn_port, lifetime_cap_s=0, source="lo"))
    assert by_device.assessed and by_device.public_address == by_device.local_address == "127.0.0.1"

    def verdict(a, b):
        probes = (LinkProbes(link="fibre", nat=a), LinkProbes(link="lte", nat=b))
        return run_rules([LinksLeaveByOwnPath], SiteContext(site="hq", probes=probes))[0]

    assert verdict(primary, backup).status == "pass"
    same = verdict(primary, primary)
    assert same.status == "warn" and "both probes left by the same path" in same.message
    assert "127.0.0.3" in same.message
