"""NAT mapping from two independent binding-only STUN servers (public ones, e.g. a provider's),
for when no RFC 5780 server is available.

One socket sends a Binding request to each server. The same mapped address from both means
endpoint-independent mapping (what VoIP needs); different ones mean the mapping depends on the
destination: address-dependent *or* address-and-port-dependent, which two servers on one port
each cannot tell apart (it takes one server on two ports), so the lower bound,
"address-dependent", is reported with a note. Filtering cannot be classified this way at all:
it needs a server that answers from another address or port (RFC 5780 CHANGE-REQUEST), so it
stays "unknown". Bounds: two requests, each retransmitted at most 3 times within the timeout.
"""

from __future__ import annotations

from collectors.probes.nat_behaviour import StunTarget, ask, fresh_socket, local_address_towards
from collectors.probes.nat_probe import not_assessed
from collectors.probes.target import resolve
from core.models.traversal import NatBehaviour, NatResult
from wire.stun import Address

FILTERING_NOTE = ("filtering not classified: binding requests to two servers cannot show it (it needs an "
                  "RFC 5780 server answering from another address or port)")
PORT_NOTE = ("the two servers saw different mappings: the mapping depends on the destination address, and "
             "perhaps its port too (address-dependent or address-and-port-dependent; one port per server "
             "cannot tell them apart)")


def classify_mapping(servers: list[tuple[str, int]], timeout_s: float = 1.5) -> NatResult:
    """Mapping behaviour from Binding requests to two independent STUN servers, from one socket."""
    label = " and ".join(f"{h}:{p}" for h, p in servers)
    if len(servers) != 2:
        return not_assessed(label, "give exactly two independent STUN servers")
    try:
        addrs = [resolve(host, port) for host, port in servers]
    except OSError as exc:
        return not_assessed(label, f"cannot resolve a STUN server: {exc.strerror or exc}")
    if addrs[0][0] == addrs[1][0]:
        return not_assessed(label, "the two STUN servers share an address: they must be independent hosts")
    local_ip = local_address_towards(addrs[0])
    with fresh_socket(local_ip) as sock:
        local: Address = sock.getsockname()[:2]
        mapped: list[Address] = []
        for addr in addrs:
            reply = ask(sock, StunTarget(addr, timeout_s=timeout_s), addr)
            if reply is None or reply.mapped is None:
                return not_assessed(label, f"no STUN Binding answer from {addr[0]}:{addr[1]} within {timeout_s:g} s")
            mapped.append(reply.mapped)
    mapping: NatBehaviour
    if mapped[0] == local and mapped[1] == local:
        mapping, notes = "no-nat", [FILTERING_NOTE]
    elif mapped[0] == mapped[1]:
        mapping, notes = "endpoint-independent", [FILTERING_NOTE]
    else:
        mapping, notes = "address-dependent", [PORT_NOTE, FILTERING_NOTE]
    notes.append(f"mapped addresses: {mapped[0][0]}:{mapped[0][1]} and {mapped[1][0]}:{mapped[1][1]} "
                 "(two binding-only servers, no RFC 5780 server configured)")
    return NatResult(
        public_address=mapped[0][0], public_port=mapped[0][1], local_address=local[0],
        mapping=mapping, filtering="unknown",
        port_preserved=mapped[0][1] == local[1] if mapping != "no-nat" else None,
        server=label, notes=notes,
    )
