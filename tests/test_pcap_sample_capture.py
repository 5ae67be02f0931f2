"""The bundled capture samples/captures/rtp-two-streams.pcap: `assess pcap` on it equals tshark's RTP streams."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tshark_ref import TSHARK, tshark_rows

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "captures" / "rtp-two-streams.pcap"


def test_sample_capture_is_small_and_documented() -> None:
    assert 0 < SAMPLE.stat().st_size <= 300_000
    assert SAMPLE.name in (SAMPLE.parent / "README.md").read_text(encoding="utf-8")
    assert f"assess pcap samples/captures/{SAMPLE.name}" in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")
def test_assess_pcap_on_the_sample_equals_tshark() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "assess", "pcap", str(SAMPLE), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
    )
    assert run.returncode == 0, run.stderr
    ours = {
        (s["ssrc"], s["src"].rsplit(":", 1)[0], s["dst"].rsplit(":", 1)[0]): s
        for s in json.loads(run.stdout)["streams"]
    }
    reference = {(row.ssrc, row.src, row.dst): row for row in tshark_rows(SAMPLE)}
    assert len(reference) == 2  # the probe's stream and the reflector's echo (same SSRC)
    assert sorted(ours) == sorted(reference)
    for key, ref in reference.items():
        s = ours[key]
        assert (s["packets"], s["lost"]) == (ref.packets, ref.lost), key
        assert f"{s['jitter_ms']:.3f}" == ref.mean_jitter, key
        assert f"{s['max_jitter_ms']:.3f}" == ref.max_jitter, key
    assert sum(ref.lost for ref in reference.values()) > 0  # the relay's loss is in the capture
