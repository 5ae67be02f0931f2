"""NAT classification against a fake NAT of every RFC 4787 class, on loopback (no lab, seconds).

The expected class is the one the fake NAT was built as (tests/fake_nat_stun.py): a swap of two
mapping or filtering classes in the product, a lost hairpin or a wrong lifetime bracket fails here.
"""

from __future__ import annotations

import itertools
import socket
import time

import pytest

from collectors.probes import binding_lifetime, nat_behaviour
from collectors.probes.binding_lifetime import (
    LifetimeEstimate,
    LifetimeNotMeasured,
    _Binding,
    _bracket,
    measure_lifetime,
)
from collectors.probes.nat_behaviour import StunTarget, StunUnreachable, discover
from collectors.probes.nat_probe import probe_nat
from collectors.probes.requests import NatProbe
from tests.fake_nat_stun import CLASSES, PUBLIC_IP, FakeNatStun
from wire.stun import BINDING_SUCCESS, StunMessage

FAST = {"timeout_s": 0.6, "tries": 2}  # a filtered answer costs this long; generous for a busy machine


@pytest.mark.parametrize(("mapping", "filtering"), list(itertools.product(CLASSES, CLASSES)))
def test_each_mapping_and_filtering_class_is_named_as_built(mapping: str, filtering: str) -> None:
    with FakeNatStun(mapping, filtering) as nat:
        found = discover(StunTarget(nat.address, **FAST), check_hairpin=False)
    assert (found.mapping, found.filtering) == (mapping, filtering)
    assert found.public[0] == PUBLIC_IP and found.other == ("127.0.0.2", nat.port + 1)
    assert found.port_preserved is (found.public[1] == found.local[1])
    assert found.notes == []


@pytest.mark.parametrize("hairpin", [True, False])
def test_hairpinning_is_seen_only_when_the_nat_loops_back(hairpin: bool) -> None:
    with FakeNatStun("endpoint-independent", "endpoint-independent", hairpin=hairpin) as nat:
        found = discover(StunTarget(nat.address, **FAST))
    assert found.hairpinning is hairpin


def test_probe_nat_reports_the_classes_under_their_contract_keys() -> None:
    with FakeNatStun("address-dependent", "address-and-port-dependent") as nat:
        result = probe_nat(NatProbe(host="127.0.0.1", port=nat.port, timeout_s=0.6, lifetime_cap_s=0))
    assert result.assessed
    assert (result.mapping, result.filtering) == ("address-dependent", "address-and-port-dependent")
    assert result.firewall_filtering is None and result.public_address == PUBLIC_IP


# --- the lifetime search itself, against a model NAT (no sockets, no waiting) -----------------------


def _search(monkeypatch: pytest.MonkeyPatch, lifetime_s: float, cap_s: float, parallel: int | None = None,
            rounds: int = 2, silent_controls: int = 0) -> tuple[LifetimeEstimate, list[list[float]]]:  # fmt: skip
    """measure_lifetime with each round answered by a NAT that holds a binding for ``lifetime_s``
    (the first ``silent_controls`` control rounds get no answer); the default ``parallel`` when None."""
    asked: list[list[float]] = []

    def model_round(_target: StunTarget, _ip: str, delays: list[float]) -> list[_Binding]:
        asked.append(delays)
        out = []
        for d in delays:
            b = _Binding(None, d, 40000, 0.0)  # type: ignore[arg-type]
            b.alive = d < lifetime_s and len(asked) > silent_controls
            out.append(b)
        return out

    monkeypatch.setattr(binding_lifetime, "_round", model_round)
    target = StunTarget(("127.0.0.1", 3478), source="127.0.0.1")
    if parallel is None:
        return measure_lifetime(target, cap_s, rounds=rounds), asked
    return measure_lifetime(target, cap_s, parallel, rounds), asked


def test_lifetime_search_spreads_then_refines_between_the_last_alive_and_first_dead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    est, asked = _search(monkeypatch, lifetime_s=0.9, cap_s=2.0, parallel=4)
    # control binding at 0.2 s; round 1: 2.0 / 4 apart; round 2: (1.0 - 0.5) / 5 apart inside (0.5, 1.0]
    assert asked == [[0.2], [0.5, 1.0, 1.5, 2.0], [0.6, 0.7, 0.8, 0.9]]
    assert (est.alive_s, est.dead_s, est.rounds) == (0.8, 0.9, 2)
    assert est.value_s == pytest.approx(0.85) and est.resolution_s == pytest.approx(0.05)


def test_lifetime_search_stops_when_nothing_expired_before_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    est, asked = _search(monkeypatch, lifetime_s=99.0, cap_s=3.0, parallel=3, rounds=3)
    assert asked == [[0.2], [1.0, 2.0, 3.0]]
    assert (est.alive_s, est.dead_s, est.rounds, est.value_s, est.resolution_s) == (3.0, None, 1, 3.0, None)


def test_lifetime_search_stops_below_a_50_ms_step(monkeypatch: pytest.MonkeyPatch) -> None:
    # round 1: 0.4 / 4 = 0.1 apart, dead at 0.3; round 2 would be 0.1 / 5 = 0.02 apart: not run
    est, asked = _search(monkeypatch, lifetime_s=0.25, cap_s=0.4, parallel=4, rounds=3)
    assert asked == [[0.2], [0.1, 0.2, 0.3, 0.4]]
    assert (est.alive_s, est.dead_s, est.rounds) == (0.2, 0.3, 2)


def test_lifetime_search_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    # eight bindings by default; delays in whole ms
    assert _search(monkeypatch, 99.0, cap_s=8.0)[1][1] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    assert _search(monkeypatch, 99.0, cap_s=1.0, parallel=3, rounds=1)[1][1] == [0.333, 0.667, 1.0]
    # a step of exactly 50 ms is still run: (0.5 - 0.25) / 5
    est, asked = _search(monkeypatch, 0.3, cap_s=1.0, parallel=4)
    assert asked[2] == [0.3, 0.35, 0.4, 0.45] and (est.alive_s, est.dead_s) == (0.25, 0.3)
    # every binding of round two alive: the expiry of round one still closes the bracket
    est, _ = _search(monkeypatch, 0.95, cap_s=2.0, parallel=4)
    assert (est.alive_s, est.dead_s) == (0.9, 1.0)
    # no round asked for: only the control binding
    est, asked = _search(monkeypatch, 99.0, cap_s=2.0, parallel=4, rounds=0)
    assert (asked, est.alive_s, est.dead_s, est.rounds) == ([[0.2]], 0.0, None, 0)


def test_the_control_binding_is_tried_three_times(monkeypatch: pytest.MonkeyPatch) -> None:
    est, asked = _search(monkeypatch, 99.0, cap_s=1.0, parallel=1, rounds=1, silent_controls=2)
    assert asked == [[0.2], [0.2], [0.2], [1.0]] and est.alive_s == 1.0
    with pytest.raises(LifetimeNotMeasured, match=r"^the STUN server did not honour RESPONSE-PORT \(RFC 5780 §7.5\)$"):
        _search(monkeypatch, 99.0, cap_s=1.0, parallel=1, silent_controls=3)


def test_a_bracket_keeps_the_tightest_bounds_seen() -> None:
    def binding(delay: float, alive: bool | None) -> _Binding:
        b = _Binding(None, delay, 40000, 0.0)  # type: ignore[arg-type]
        b.alive = alive
        return b

    # an answer after an expiry (a lossy path) does not widen the bracket past the first expiry
    got = [binding(0.5, True), binding(1.0, False), binding(1.5, True), binding(2.0, None)]
    assert _bracket(got, 0.0, None) == (0.5, 1.0)
    assert _bracket(got, 0.7, 0.9) == (0.7, 0.9)  # nothing inside the previous bracket
    assert _bracket([binding(0.5, True)], 0.2, None) == (0.5, None)
    # the bracket is (alive, dead]: an answer at the previous expiry itself does not close it
    assert _bracket([binding(1.0, True)], 0.5, 1.0) == (0.5, 1.0)


def test_binding_lifetime_bracket_holds_the_nats_timeout() -> None:
    with FakeNatStun("endpoint-independent", "address-and-port-dependent", lifetime_s=0.9) as nat:
        est = measure_lifetime(StunTarget(nat.address, timeout_s=0.5, tries=2), cap_s=2.0, parallel=4)
    assert est.dead_s is not None
    assert est.alive_s < 0.9 <= est.dead_s  # the true lifetime lies in (alive, dead]
    assert est.dead_s - est.alive_s <= 0.5  # two rounds of four: (2.0 / 4) then a fifth of that
    assert est.rounds == 2


def test_binding_lifetime_longer_than_the_cap_reaches_the_cap() -> None:
    with FakeNatStun("endpoint-independent", "endpoint-independent", lifetime_s=30.0) as nat:
        est = measure_lifetime(StunTarget(nat.address, timeout_s=0.5, tries=2), cap_s=0.8, parallel=2)
    assert est.dead_s is None and est.alive_s == pytest.approx(0.8, abs=0.15)
    assert est.value_s == est.alive_s and est.resolution_s is None


def test_no_nat_is_seen_as_such_with_the_port_preserved() -> None:
    with FakeNatStun(faults=frozenset({"no-nat"})) as nat:
        found = discover(StunTarget(nat.address, **FAST))
    assert (found.mapping, found.filtering, found.hairpinning) == ("no-nat", "endpoint-independent", None)
    assert found.port_preserved is True and found.public == found.local


@pytest.mark.parametrize(
    ("fault", "mapping", "filtering", "note"),
    [
        ("no-other", "unknown", "unknown", "server sent no OTHER-ADDRESS: it cannot classify mapping or filtering"),
        ("silent-alternate", "unknown", "endpoint-independent",
         "no answer from the server's alternate address 127.0.0.2"),
        ("ignore-change", "endpoint-independent", "unknown",
         "the server ignored CHANGE-REQUEST: filtering not classified"),
    ],
)  # fmt: skip
def test_a_server_that_cannot_classify_says_why(fault: str, mapping: str, filtering: str, note: str) -> None:
    with FakeNatStun(faults=frozenset({fault})) as nat:
        found = discover(StunTarget(nat.address, **FAST), check_hairpin=False)
    assert (found.mapping, found.filtering) == (mapping, filtering)
    assert found.notes == [note]


def test_a_silent_server_is_unreachable() -> None:
    with FakeNatStun() as nat:
        port = nat.port
    with pytest.raises(StunUnreachable, match=f"no STUN answer from 127.0.0.1:{port}"):
        discover(StunTarget(("127.0.0.1", port), timeout_s=0.3, tries=1))


def test_lifetime_needs_a_server_that_honours_response_port() -> None:
    with FakeNatStun(faults=frozenset({"ignore-response-port"})) as nat, pytest.raises(LifetimeNotMeasured):
        measure_lifetime(StunTarget(nat.address, **FAST), cap_s=1.0, parallel=2)


def test_a_server_that_can_only_change_its_port_leaves_filtering_unclassified() -> None:
    # a change-IP request answered from the same address (other port) is not an answer from elsewhere
    with FakeNatStun(faults=frozenset({"change-port-only"})) as nat:
        found = discover(StunTarget(nat.address, **FAST), check_hairpin=False)
    assert (found.mapping, found.filtering) == ("endpoint-independent", "unknown")
    assert found.notes == ["the server ignored CHANGE-REQUEST: filtering not classified"]


def test_a_server_that_falls_silent_after_the_mapping_tests_says_so() -> None:
    # endpoint-independent mapping takes two requests (primary, then alternate address); all later go unanswered
    with FakeNatStun(answer_limit=2) as nat:
        found = discover(StunTarget(nat.address, **FAST))
    assert (found.mapping, found.filtering, found.hairpinning) == ("endpoint-independent", "unknown", None)
    assert found.notes == ["the server stopped answering during the filtering tests"]


def test_every_probe_socket_leaves_by_the_links_interface(monkeypatch: pytest.MonkeyPatch) -> None:
    devices: list[str | None] = []
    real = nat_behaviour.udp_socket

    def spy(local_ip: str, device: str | None = None) -> socket.socket:
        devices.append(device)
        return real(local_ip, device)

    real_towards = nat_behaviour.local_address_towards

    def towards_spy(server: tuple[str, int], device: str | None = None) -> str:
        devices.append(device)
        return real_towards(server, device)

    monkeypatch.setattr(nat_behaviour, "udp_socket", spy)
    monkeypatch.setattr(nat_behaviour, "local_address_towards", towards_spy)
    with FakeNatStun("endpoint-independent", "endpoint-independent", hairpin=True) as nat:
        found = discover(StunTarget(nat.address, source="lo", **FAST))
    assert (found.mapping, found.filtering, found.hairpinning) == ("endpoint-independent",) * 2 + (True,)
    # the source address lookup, mapping, one filtering test and both hairpin sockets
    assert len(devices) == 5 and set(devices) == {"lo"}


def test_a_source_address_is_used_as_given() -> None:
    # 127.0.0.5 is on loopback but is not what the kernel would pick towards 127.0.0.1
    with FakeNatStun() as nat:
        found = discover(StunTarget(nat.address, source="127.0.0.5", **FAST), check_hairpin=False)
    assert found.local[0] == "127.0.0.5" and found.mapping == "endpoint-independent"


def test_no_reply_or_one_of_unknown_origin_is_no_answer_from_elsewhere() -> None:
    target = StunTarget(("127.0.0.1", 3478))
    assert nat_behaviour._answered_from_elsewhere(None, target, True) is False
    assert nat_behaviour._answered_from_elsewhere(StunMessage(BINDING_SUCCESS), target, False) is False


def test_a_silent_alternate_port_leaves_a_dependent_mapping_unclassified() -> None:
    # the mapping changed towards the alternate address; whether it also depends on the port needs an
    # answer from the alternate port, which never comes. Filtering needs no request to that port.
    with FakeNatStun("address-dependent", "endpoint-independent", faults=frozenset({"silent-alternate-port"})) as nat:
        found = discover(StunTarget(nat.address, **FAST), check_hairpin=False)
    assert (found.mapping, found.filtering) == ("unknown", "endpoint-independent")
    assert found.notes == [f"no answer from the server's alternate port {nat.port + 1}"]


def test_without_a_nat_filtering_is_tested_even_with_no_alternate_address() -> None:
    with FakeNatStun(faults=frozenset({"no-nat", "no-other"})) as nat:
        found = discover(StunTarget(nat.address, **FAST))
    assert (found.mapping, found.filtering, found.hairpinning) == ("no-nat", "endpoint-independent", None)


def test_an_ipv6_source_gets_an_ipv6_socket() -> None:
    assert nat_behaviour.local_address_towards(("::1", 3478)) == "::1"
    with nat_behaviour.fresh_socket("::1") as sock:
        assert sock.family == socket.AF_INET6 and sock.getsockname()[0] == "::1"


def test_every_request_is_larger_than_its_answer_and_signed_when_a_secret_is_set() -> None:
    # No amplification: the probe pads its requests (SOFTWARE) so no answer is bigger than what asked
    # for it; with a secret, a server that answers only signed requests (RFC 5389 §15.4) still classifies.
    with FakeNatStun("address-dependent", "address-dependent", hairpin=True, secret=b"s3cret") as nat:
        found = discover(StunTarget(nat.address, secret=b"s3cret", **FAST))
    assert (found.mapping, found.filtering, found.hairpinning) == ("address-dependent", "address-dependent", True)
    assert nat.sizes and all(request > answer for request, answer in nat.sizes)


def test_a_duplicated_answer_is_not_taken_for_a_live_binding() -> None:
    # each binding's first answer comes twice; the copy waiting in its socket answers no tickle
    with FakeNatStun(lifetime_s=0.4, faults=frozenset({"duplicate-answers"})) as nat:
        est = measure_lifetime(StunTarget(nat.address, timeout_s=0.5, tries=2), cap_s=1.0, parallel=2, rounds=1)
    assert est.dead_s is not None and 0.4 < est.dead_s < 0.7  # the 0.5 s binding, however late it was tested


def test_a_silent_server_gives_no_lifetime() -> None:
    with FakeNatStun(answer_limit=0) as nat, pytest.raises(LifetimeNotMeasured):
        measure_lifetime(StunTarget(nat.address, timeout_s=0.3, tries=1), cap_s=1.0, parallel=2)


def test_lifetime_sockets_leave_by_the_links_interface(monkeypatch: pytest.MonkeyPatch) -> None:
    devices: list[str | None] = []
    real = binding_lifetime.udp_socket

    def spy(local_ip: str, device: str | None = None) -> socket.socket:
        devices.append(device)
        return real(local_ip, device)

    monkeypatch.setattr(binding_lifetime, "udp_socket", spy)
    with FakeNatStun(lifetime_s=30.0) as nat:
        est = measure_lifetime(StunTarget(nat.address, source="lo", timeout_s=0.5, tries=2), cap_s=0.4, parallel=1)
    assert est.dead_s is None
    # control round: one binding and the tickler; then one round of one binding and its tickler
    assert devices == ["lo"] * 4


def test_a_binding_survives_a_burst_of_lost_answers_and_tickles_are_signed_and_small() -> None:
    # The first tickle and its retransmission 0.15 s later fall in a 0.2 s loss burst; the third, 0.3 s
    # after the first, is answered: three tickles spaced in time tell a lossy path from an expired binding.
    with FakeNatStun(lifetime_s=30.0, faults=frozenset({"lossy-response-port"}), secret=b"k3y") as nat:
        est = measure_lifetime(StunTarget(nat.address, secret=b"k3y", timeout_s=0.5, tries=2), cap_s=0.4, parallel=1)
    assert (est.alive_s, est.dead_s) == (pytest.approx(0.4, abs=0.15), None)
    assert all(request > answer for request, answer in nat.sizes)  # no amplification, tickles included


def test_the_lifetime_search_waits_without_spinning() -> None:
    # between tickles the search sleeps in select(): its own thread uses a small share of the wall time
    with FakeNatStun(lifetime_s=0.5) as nat:
        wall, cpu = time.monotonic(), time.thread_time()
        est = measure_lifetime(StunTarget(nat.address, timeout_s=0.5, tries=2), cap_s=1.0, parallel=2, rounds=1)
        wall, cpu = time.monotonic() - wall, time.thread_time() - cpu
    assert est.dead_s is not None and est.dead_s == round(est.dead_s, 3)  # idle times in whole ms
    assert cpu < 0.1 * wall, (cpu, wall)
