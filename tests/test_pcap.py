"""`assess pcap` on generated VoIP captures, checked against tshark's RTP stream analysis."""

from __future__ import annotations

import dataclasses
import json
import shutil
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assess.cli import app
from collectors.pcap.analyse import analyse_capture
from core.errors import UserError
from core.models.pcap import PcapResult
from tests.pcapgen import (
    RtpSpec,
    SipCall,
    linux_cooked,
    over_tcp,
    rtp_frames,
    sample_call_frames,
    sip_frames,
    vlan_tagged,
    write_capture,
)
from tests.tshark_ref import TSHARK, tshark_streams

needs_tshark = pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_capture(tmp_path_factory.mktemp("pcap") / "calls.pcap", sample_call_frames())


@pytest.fixture(scope="module")
def sample_result(sample: Path) -> PcapResult:
    return analyse_capture(sample)


def _by_ssrc(result: PcapResult) -> dict[str, object]:
    return {s.ssrc: s for s in result.streams}


def _assert_same_as_tshark(result: PcapResult, path: Path) -> None:
    reference = tshark_streams(path)
    assert reference, "tshark found no RTP streams"
    assert sorted(reference) == sorted(s.ssrc for s in result.streams)
    for s in result.streams:
        ref = reference[s.ssrc]
        assert (s.packets, s.lost) == (ref.packets, ref.lost), s.ssrc
        assert f"{s.jitter_ms:.3f}" == ref.mean_jitter, s.ssrc
        assert f"{s.max_jitter_ms:.3f}" == ref.max_jitter, s.ssrc
        assert f"{s.max_delta_ms:.3f}" == ref.max_delta, s.ssrc


@needs_tshark
def test_calls_with_sip_equal_tshark(sample: Path, sample_result: PcapResult) -> None:
    _assert_same_as_tshark(sample_result, sample)


@needs_tshark
def test_pcapng_equals_tshark(tmp_path: Path) -> None:
    path = write_capture(tmp_path / "calls.pcapng", sample_call_frames(seed=11), fmt="pcapng")
    _assert_same_as_tshark(analyse_capture(path), path)


@needs_tshark
def test_sequence_and_timestamp_wrap_equal_tshark(tmp_path: Path) -> None:
    spec = RtpSpec("192.0.2.40", 40000, "192.0.2.41", 40002, 0x0BADCAFE, 8, count=600, seq0=65300,
                   ts0=(1 << 32) - 160 * 250, jitter_ms=2.0, lost=frozenset({240, 241, 500}),
                   swapped=frozenset({260}), seed=3)  # fmt: skip
    path = write_capture(tmp_path / "wrap.pcap", rtp_frames(spec))
    result = analyse_capture(path)
    _assert_same_as_tshark(result, path)
    assert result.streams[0].expected == 600 and result.streams[0].missing == 3


def test_finds_every_stream_and_its_impairments(sample_result: PcapResult) -> None:
    streams = _by_ssrc(sample_result)
    assert len(streams) == 6
    g711 = streams["0x11111111"]
    assert (g711.packets, g711.lost, g711.missing, g711.duplicates) == (397, 3, 4, 1)  # type: ignore[attr-defined]
    assert (g711.loss_bursts, g711.max_burst, g711.out_of_order) == (2, 3, 1)  # type: ignore[attr-defined]
    assert g711.payload == "PCMU, telephone-event" and g711.dscp == [46]  # type: ignore[attr-defined]
    assert streams["0x22222222"].dscp == [0]  # type: ignore[attr-defined]
    g729 = streams["0x33333333"]
    assert (g729.codec, g729.lost, g729.max_burst, g729.ptime_ms) == ("g729", 10, 10, 20.0)  # type: ignore[attr-defined]


def test_dynamic_payload_type_takes_its_clock_from_sdp(sample_result: PcapResult) -> None:
    opus = _by_ssrc(sample_result)["0x55555555"]
    assert (opus.payload, opus.clock_rate, opus.codec, opus.ptime_ms) == ("opus", 48000, "opus", 20.0)  # type: ignore[attr-defined]
    assert opus.signalled and opus.jitter_ms is not None  # type: ignore[attr-defined]


def test_stream_without_sip_is_found_heuristically(sample_result: PcapResult) -> None:
    pcma = _by_ssrc(sample_result)["0x66666666"]
    assert not pcma.signalled and pcma.call_id is None  # type: ignore[attr-defined]
    assert (pcma.payload, pcma.clock_rate, pcma.codec, pcma.lost) == ("PCMA", 8000, "g711", 2)  # type: ignore[attr-defined]


def test_sip_calls_with_setup_time_and_streams(sample_result: PcapResult) -> None:
    calls = {c.call_id: c for c in sample_result.calls}
    assert len(calls) == 3
    call = calls["g711-call-1@192.0.2.10"]
    assert call.responses == [100, 180, 200] and call.final_code == 200 and call.ended_by == "BYE"
    assert call.setup_time_ms == pytest.approx(2500.0) and call.post_dial_delay_ms == pytest.approx(200.0)
    assert sorted(call.streams) == ["0x11111111", "0x22222222"]
    assert call.from_uri == "sip:alice@192.0.2.10" and call.to_uri == "sip:bob@198.51.100.20"


def test_mos_falls_with_loss(sample_result: PcapResult) -> None:
    streams = _by_ssrc(sample_result)
    clean, lossy = streams["0x44444444"], streams["0x33333333"]  # both G.729, the second lost 10 in a burst
    assert clean.mos is not None and lossy.mos is not None  # type: ignore[attr-defined]
    assert lossy.mos < clean.mos <= 4.1  # type: ignore[attr-defined]


def test_small_chunks_give_the_same_result(sample: Path, sample_result: PcapResult) -> None:
    chunked = analyse_capture(sample, chunk_bytes=4096)  # state carried across ~100 chunks
    assert chunked == sample_result


def big_endian_copy(sample: Path, out: Path) -> Path:
    """The same capture written by a big-endian machine: every header field byte-swapped, frames as they are."""
    data = sample.read_bytes()
    header = struct.unpack("<IHHiIII", data[:24])
    parts, pos = [struct.pack(">IHHiIII", *header)], 24
    while pos < len(data):
        record = struct.unpack("<IIII", data[pos : pos + 16])
        parts += [struct.pack(">IIII", *record), data[pos + 16 : pos + 16 + record[2]]]
        pos += 16 + record[2]
    out.write_bytes(b"".join(parts))
    return out


def test_big_endian_pcap_gives_the_same_result(sample: Path, sample_result: PcapResult, tmp_path: Path) -> None:
    swapped = analyse_capture(big_endian_copy(sample, tmp_path / "big.pcap"), chunk_bytes=4096)
    assert dataclasses.replace(swapped, file=sample_result.file) == sample_result


def test_stream_key_hash_collisions_still_group_streams_exactly(
    sample: Path, sample_result: PcapResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    from collectors.pcap import analyse

    monkeypatch.setattr(analyse, "_MIX", [np.uint64(0)] * 4)  # every stream key hashes to 0
    assert analyse_capture(sample) == sample_result


def test_cli_pcap_json_contract(sample: Path) -> None:
    out = CliRunner().invoke(app, ["pcap", str(sample), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    keys = {"ssrc", "src", "dst", "packets", "lost", "loss_pct", "jitter_ms", "max_jitter_ms", "mos"}
    assert len(data["streams"]) == 6 and all(keys <= set(s) for s in data["streams"])


@pytest.mark.parametrize("content", [b"", b"not a capture file at all"])
def test_cli_pcap_rejects_non_captures(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.pcap"
    bad.write_bytes(content)
    assert isinstance(CliRunner().invoke(app, ["pcap", str(bad)]).exception, UserError)


def test_site_captures_are_analysed_relative_to_the_plan(tmp_path: Path, sample: Path) -> None:
    from collectors.pcap.analyse import analyse_site_captures
    from core.models.common import Verdict
    from core.models.site import SiteResult
    from core.plan import parse_plan

    (tmp_path / "caps").mkdir()
    shutil.copy(sample, tmp_path / "caps" / "pilot.pcap")
    plan = parse_plan("company: ACME\nsites:\n  - name: hq\n    captures: [caps/pilot.pcap, caps/missing.pcap]\n")
    results, problems = analyse_site_captures(plan.sites[0].captures, tmp_path)
    assert len(results) == 1 and len(results[0].streams) == 6
    assert len(problems) == 1 and "missing.pcap" in problems[0]
    site = SiteResult(site="hq", score=100, verdict=Verdict.GO, captures=results)
    assert SiteResult.model_validate_json(site.model_dump_json()).captures[0].streams[0].ssrc == "0x66666666"


def test_vectorised_path_equals_packet_by_packet(sample: Path, sample_result: PcapResult, monkeypatch) -> None:
    from collectors.pcap import rtpstats

    monkeypatch.setattr(rtpstats.StreamStats, "_uniform_clock", lambda *args: 0)  # force the sequential path
    slow = {s.ssrc: s for s in analyse_capture(sample).streams}
    assert len(slow) == len(sample_result.streams)
    for fast in sample_result.streams:
        ref = slow[fast.ssrc]
        assert (fast.packets, fast.lost, fast.max_delta_ms) == (ref.packets, ref.lost, ref.max_delta_ms)
        assert fast.jitter_ms == pytest.approx(ref.jitter_ms, rel=1e-9)
        assert fast.max_jitter_ms == pytest.approx(ref.max_jitter_ms, rel=1e-9)


def _v6_and_vlan_frames() -> list[tuple[float, bytes]]:
    v6 = RtpSpec("2001:db8::10", 30010, "2001:db8::20", 30020, 0x6666AAAA, 0, count=300, jitter_ms=2.0,
                 lost=frozenset({5, 6}), seed=21)  # fmt: skip
    tagged = RtpSpec("192.0.2.50", 30030, "192.0.2.51", 30040, 0x7777BBBB, 8, count=300, jitter_ms=1.0,
                     swapped=frozenset({77}), seed=22)  # fmt: skip
    return rtp_frames(v6) + vlan_tagged(rtp_frames(tagged), vid=110)


@needs_tshark
def test_ipv6_and_vlan_tagged_streams_equal_tshark(tmp_path: Path) -> None:
    path = write_capture(tmp_path / "v6vlan.pcapng", _v6_and_vlan_frames(), fmt="pcapng")
    result = analyse_capture(path)
    _assert_same_as_tshark(result, path)
    streams = _by_ssrc(result)
    assert streams["0x6666aaaa"].src == "[2001:db8::10]:30010" and streams["0x6666aaaa"].dscp == [46]  # type: ignore[attr-defined]


@needs_tshark
def test_linux_cooked_capture_equals_tshark(tmp_path: Path) -> None:
    path = write_capture(tmp_path / "sll.pcap", linux_cooked(sample_call_frames(seed=5)), linktype=113)
    result = analyse_capture(path)
    assert len(result.streams) == 6 and len(result.calls) == 3
    _assert_same_as_tshark(result, path)


def test_sip_over_tcp_signals_a_dynamic_payload_type(tmp_path: Path) -> None:
    call = SipCall("tcp-call@192.0.2.60", "192.0.2.60", "198.51.100.60", 24000, 26000, 1_700_000_000.0,
                   codecs=[(97, "opus", 48000)])  # fmt: skip
    media = RtpSpec("192.0.2.60", 24000, "198.51.100.60", 26000, 0x0000ABCD, 97, clock=48000, payload_len=80,
                    start=1_700_000_003.0, count=100, seed=9)  # fmt: skip
    path = write_capture(tmp_path / "tcp.pcap", over_tcp(sip_frames(call)) + rtp_frames(media))
    result = analyse_capture(path)
    assert [c.call_id for c in result.calls] == ["tcp-call@192.0.2.60"]
    stream = result.streams[0]
    assert (stream.signalled, stream.call_id, stream.clock_rate, stream.codec) == (True, call.call_id, 48000, "opus")


def test_sdp_after_the_first_packets_still_names_the_codec(tmp_path: Path) -> None:
    call = SipCall("late-sdp@192.0.2.70", "192.0.2.70", "198.51.100.70", 25000, 27000, 1_700_000_001.0,
                   codecs=[(96, "opus", 48000)])  # fmt: skip
    media = RtpSpec(
        "198.51.100.70",
        27000,
        "192.0.2.70",
        25000,
        0x00001234,
        96,
        clock=48000,
        payload_len=80,
        start=1_700_000_000.0,
        count=200,
        seed=4,
    )  # fmt: skip  (media starts a second before the SIP)
    path = write_capture(tmp_path / "late.pcap", sip_frames(call) + rtp_frames(media))
    result = analyse_capture(path, chunk_bytes=4096)  # small chunks: RTP is analysed before the SDP is read
    stream = result.streams[0]
    assert stream.jitter_ms is not None  # the clock came with the SDP, for the packets after it
    assert (stream.signalled, stream.call_id, stream.codec) == (True, call.call_id, "opus")


def test_empty_capture_and_sdp_with_a_host_name(tmp_path: Path) -> None:
    assert analyse_capture(write_capture(tmp_path / "empty.pcap", [])).streams == []
    call = SipCall("host@192.0.2.80", "192.0.2.80", "198.51.100.80", 25000, 27000, 1_700_000_000.0)
    frames = [(t, f.replace(b"c=IN IP4 192.0.2.80", b"c=IN IP4 pbx.example")) for t, f in sip_frames(call)]
    result = analyse_capture(write_capture(tmp_path / "host.pcap", frames))
    assert [c.call_id for c in result.calls] == [call.call_id] and result.streams == []


def test_survey_attaches_a_sites_captures_to_its_results(tmp_path: Path, sample: Path) -> None:
    from assess.survey import SurveyOptions, run_survey
    from core.plan import parse_plan

    (tmp_path / "caps").mkdir()
    shutil.copy(sample, tmp_path / "caps" / "pilot.pcap")
    site = "  - name: hq\n    captures: [caps/pilot.pcap, caps/gone.pcap]\n"
    plan = parse_plan("company: ACME\nreport:\n  formats: [json]\nsites:\n" + site)
    outcome = run_survey(plan, SurveyOptions(out_dir=tmp_path / "out", plan_dir=tmp_path))
    site = outcome.results[0]
    assert [len(c.streams) for c in site.captures] == [6]
    assert any(n.item == "capture" and "gone.pcap" in n.reason for n in site.not_assessed)
    saved = json.loads((tmp_path / "out" / "hq" / "results.json").read_text())
    assert len(saved["captures"][0]["streams"]) == 6


@needs_tshark
def test_talkspurt_markers_and_comfort_noise_equal_tshark(tmp_path: Path) -> None:
    # Wireshark leaves marker packets, comfort noise and the packet after it out of max delta and mean
    # jitter; read whole and in chunks that end inside the runs of regular packets
    spec = RtpSpec("192.0.2.70", 41000, "192.0.2.71", 41002, 0x0C0FFEE0, 0, count=400, jitter_ms=3.0,
                   markers=frozenset({57, 58, 131, 250}), comfort_noise=frozenset({90, 91, 200, 320}),
                   seed=31)  # fmt: skip
    path = write_capture(tmp_path / "talkspurts.pcap", rtp_frames(spec))
    for chunk_bytes in (1 << 20, 3000):
        _assert_same_as_tshark(analyse_capture(path, chunk_bytes=chunk_bytes), path)


def test_an_unassigned_static_payload_type_has_no_clock_and_no_jitter(tmp_path: Path) -> None:
    # RFC 3551 §6 leaves payload types 20-24 unassigned: no clock rate, so no RTP-timestamp jitter
    spec = RtpSpec("192.0.2.80", 42000, "192.0.2.81", 42002, 0x0D0D0D0D, 20, count=200, jitter_ms=2.0, seed=41)
    (stream,) = analyse_capture(write_capture(tmp_path / "pt20.pcap", rtp_frames(spec))).streams
    assert (stream.packets, stream.payload, stream.clock_rate) == (200, "PT20", None)  # type: ignore[attr-defined]
    assert stream.jitter_ms is None and stream.max_jitter_ms is None  # type: ignore[attr-defined]
