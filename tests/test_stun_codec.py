"""STUN encoding and decoding round trips, including the RFC 5780 attributes."""

from __future__ import annotations

import pytest

from wire.stun import (
    BINDING_REQUEST,
    BINDING_SUCCESS,
    StunError,
    StunMessage,
    decode,
    encode,
)


def test_response_with_all_discovery_attributes_round_trips():
    msg = StunMessage(
        BINDING_SUCCESS, mapped=("203.0.113.7", 40000), other=("198.51.100.11", 3479), origin=("198.51.100.10", 3478)
    )
    back = decode(encode(msg))
    assert (back.mapped, back.other, back.origin) == (msg.mapped, msg.other, msg.origin)
    assert back.transaction_id == msg.transaction_id


def test_xor_mapped_address_is_obfuscated_on_the_wire():
    msg = StunMessage(BINDING_SUCCESS, mapped=("203.0.113.7", 40000))
    assert bytes([203, 0, 113, 7]) not in encode(msg)


def test_change_request_and_response_port_survive():
    back = decode(encode(StunMessage(BINDING_REQUEST, change_port=True, response_port=5555)))
    assert (back.change_ip, back.change_port, back.response_port) == (False, True, 5555)


def test_message_integrity_verifies_only_with_the_right_secret():
    wire = encode(StunMessage(BINDING_REQUEST, padding=40), secret=b"s3cret")
    assert decode(wire, b"s3cret").integrity_ok is True
    assert decode(wire, b"other").integrity_ok is False
    assert decode(encode(StunMessage(BINDING_REQUEST)), b"s3cret").integrity_ok is False


def test_ipv6_addresses_round_trip():
    msg = StunMessage(BINDING_SUCCESS, mapped=("2001:db8::7", 1234))
    assert decode(encode(msg)).mapped == ("2001:db8::7", 1234)


@pytest.mark.parametrize("data", [b"", b"\x00" * 19, b"INVITE sip:x SIP/2.0\r\n\r\n"])
def test_non_stun_datagrams_are_rejected(data):
    with pytest.raises(StunError):
        decode(data)
