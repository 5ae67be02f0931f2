"""The reflector's wire format byte by byte, as docs/reflector-protocol.md lays it out.

Expected bytes are packed here with struct from the documented layout (and the tags with hmac
from the documented construction), so a slip in an offset, a flag or a length fails.
"""

from __future__ import annotations

import hashlib
import hmac
import struct

import pytest

from wire import reflector_protocol as p

KEY = bytes(range(32))


def _tag(key: bytes, data: bytes, n: int) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()[:n]


def test_rtp_header_is_v2_without_marker_or_extensions() -> None:
    rtp = p.Rtp(payload_type=0x80 | 18, seq=0x1_0005, timestamp=(1 << 32) + 7, ssrc=0xCAFEBABE)
    assert rtp.pack() == struct.pack("!BBHII", 0x80, 18, 5, 7, 0xCAFEBABE)
    assert p.Rtp.unpack(rtp.pack() + b"rest") == p.Rtp(18, 5, 7, 0xCAFEBABE)
    with pytest.raises(p.ProtocolError, match=r"^short RTP header$"):
        p.Rtp.unpack(bytes(11))
    for first in (0x40, 0x90, 0xA0, 0x81):  # version 1, extension, padding, a CSRC
        with pytest.raises(p.ProtocolError, match=r"^not a plain RTP v2 header$"):
            p.Rtp.unpack(bytes([first]) + bytes(11))


def test_media_and_control_are_told_apart_by_their_first_bytes() -> None:
    assert p.is_media(b"\x80" + bytes(11)) and p.is_media(b"\xbf" + bytes(11))
    assert not p.is_media(b"\x80" + bytes(10)) and not p.is_media(b"\xc0" + bytes(11))
    assert not p.is_media(b"\x7f" + bytes(11))
    assert p.is_control(b"ASR1" + bytes(8)) and not p.is_control(b"ASR1" + bytes(7))
    assert not p.is_control(b"ASR2" + bytes(8))


@pytest.mark.parametrize("key", [None, KEY])
def test_probe_layout_and_size(key: bytes | None) -> None:
    rtp = p.Rtp(0, 100, 16000, 7)
    data = p.build_probe(rtp, 46, 160, key, send_us=(1 << 32) + 99)
    body = rtp.pack() + struct.pack("!BBI", 0x11, 46, 99)
    assert len(data) == 12 + 160
    if key is None:
        assert data == body + bytes(160 - 6)
    else:
        assert data[:-8] == body + bytes(160 - 6 - 8) and data[-8:] == _tag(key, data[:-8], 8)
    assert p.parse_probe(data, key) == (p.Rtp(0, 100, 16000, 7), 46, 99)
    assert len(p.build_probe(rtp, 46, 1, key)) == 12 + p.MIN_MEDIA_PAYLOAD == 12 + 20


def test_probe_refusals() -> None:
    rtp = p.Rtp(0, 1, 2, 3)
    good = p.build_probe(rtp, p.DSCP_COPY, 20, None)
    assert p.parse_probe(good, None)[1] == 0xFF
    with pytest.raises(p.ProtocolError, match=r"^probe payload too short$"):
        p.parse_probe(good[:31], None)
    with pytest.raises(p.ProtocolError, match=r"^not a probe$"):
        p.parse_probe(good[:12] + b"\x12" + good[13:], None)
    with pytest.raises(p.ProtocolError, match=r"^not a probe$"):
        p.parse_probe(p.build_probe(rtp, 64, 20, None), None)
    assert p.parse_probe(p.build_probe(rtp, 63, 20, None), None)[1] == 63


@pytest.mark.parametrize("key", [None, KEY])
def test_echo_layout_and_exact_size(key: bytes | None) -> None:
    echo = p.Echo(p.Rtp(8, 9, 10, 11), dscp_received=0x1FF, orig_seq=0x1_0002, rx_us=(1 << 32) + 3, tx_us=4)
    data = p.build_echo(echo, 60, key)
    head = p.Rtp(8, 9, 10, 11).pack() + struct.pack("!BBHII", 0x12, 0xFF, 2, 3, 4)
    assert len(data) == 60 and data.startswith(head)
    assert data[len(head) : 60 - (8 if key else 0)] == bytes(60 - len(head) - (8 if key else 0))
    assert p.parse_echo(data, key) == p.Echo(p.Rtp(8, 9, 10, 11), 0xFF, 2, 3, 4)
    with pytest.raises(p.ProtocolError, match=r"^request too small for an echo$"):
        p.build_echo(echo, len(head) + (8 if key else 0) - 1, key)
    assert len(p.build_echo(echo, len(head) + (8 if key else 0), key)) == len(head) + (8 if key else 0)


def test_echo_refusals() -> None:
    echo = p.build_echo(p.Echo(p.Rtp(0, 1, 2, 3), 46, 1, 2, 3), 32, None)
    with pytest.raises(p.ProtocolError, match=r"^short echo$"):
        p.parse_echo(echo[:23], None)
    assert p.parse_echo(echo[:24], None).tx_us == 3
    with pytest.raises(p.ProtocolError, match=r"^not an echo$"):
        p.parse_echo(echo[:12] + b"\x11" + echo[13:], None)


def test_control_framing_padding_and_flags() -> None:
    plain = p.build_control(p.STATS_REQ, 0x01020304, b"body", None, size=40)
    assert plain == struct.pack("!4sBBHI", b"ASR1", 3, 0, 0, 0x01020304) + b"body" + bytes(40 - 12 - 4)
    signed = p.build_control(p.HELLO, 5, b"xy", KEY, size=p.HELLO_SIZE)
    assert len(signed) == 96 and signed[5] == p.FLAG_AUTH
    assert signed[-16:] == _tag(KEY, signed[:-16], 16)
    assert len(p.build_control(p.HELLO, 5, bytes(100), KEY, size=50)) == 12 + 100 + 16  # never cut
    assert p.peek_control(signed) == (p.HELLO, p.FLAG_AUTH, 5)
    assert p.parse_control(signed, KEY) == p.Control(p.HELLO, 5, b"xy" + bytes(96 - 12 - 2 - 16), True)
    assert p.parse_control(plain, None) == p.Control(p.STATS_REQ, 0x01020304, b"body" + bytes(24), False)


def test_control_refusals() -> None:
    with pytest.raises(p.ProtocolError, match=r"^not a control message$"):
        p.peek_control(b"ASR0" + bytes(8))
    plain = p.build_control(p.STATS_REQ, 1, b"", None)
    with pytest.raises(p.ProtocolError, match=r"^unauthenticated control message$"):
        p.parse_control(plain, KEY)
    with pytest.raises(p.ProtocolError, match=r"^too short for a tag$"):
        p.verify(KEY, bytes(16), 16)


def test_hello_and_stats_bodies() -> None:
    hello = p.Hello(b"n" * 8, 65535, 4_000_000_000, 48_000, 20_000, 30_000)
    assert hello.pack() == struct.pack("!8sHIIII", b"n" * 8, 65535, 4_000_000_000, 48_000, 20_000, 30_000)
    assert p.Hello.unpack(hello.pack()) == hello
    for rate, packets in ((999, 1), (192_001, 1), (8000, 0)):
        with pytest.raises(p.ProtocolError, match=r"^HELLO out of range$"):
            p.Hello.unpack(p.Hello(b"n" * 8, 0, 0, rate, 20_000, packets).pack())
    assert p.Hello.unpack(p.Hello(b"n" * 8, 0, 0, 1000, 1, 1).pack()).clock_rate == 1000
    assert p.Hello.unpack(p.Hello(b"n" * 8, 0, 0, 192_000, 1, 1).pack()).clock_rate == 192_000
    with pytest.raises(p.ProtocolError, match=r"^short HELLO$"):
        p.Hello.unpack(bytes(25))
    stats = p.Stats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, b"\x0f\xf0")
    packed = stats.pack()
    assert packed == struct.pack("!IIIIIIIIBBBBIIH", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 2) + b"\x0f\xf0"
    assert p.Stats.unpack(packed + b"extra") == stats
    empty = p.Stats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, b"")
    assert p.Stats.unpack(empty.pack()) == empty  # exactly the fixed part: no bitmap
    with pytest.raises(p.ProtocolError, match=r"^short STATS_RESP$"):
        p.Stats.unpack(packed[:45])
    assert p.stats_overhead(False) == 12 + 46 and p.stats_overhead(True) == 12 + 46 + 16  # 8 u32, 4 u8, 2 u32, u16


def test_session_key_is_hmac_of_the_documented_material() -> None:
    want = hmac.new(KEY, b"assess-session-v1" + b"c" * 8 + b"s" * 8 + (7).to_bytes(4, "big"), hashlib.sha256).digest()
    assert p.session_key(KEY, b"c" * 8, b"s" * 8, 7) == want
    assert p.tag(KEY, b"data", 8) == _tag(KEY, b"data", 8)
    assert p.sign(None, b"data", 8) == b"data" and p.verify(None, b"data", 8) == b"data"
