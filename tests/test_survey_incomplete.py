"""A survey where nothing answers: INCOMPLETE with no score on every surface (CLI, JSON, PDFs, --fail-on).

The plan is `assess init`'s template pointed at loopback ports where nothing listens (a closed port
answers at once, so the run is short and no packet leaves the machine), with the device's password
variable unset, as a new user would first run it.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from tests.report_consistency import report_problems


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, read, released: the kernel answers it with a refusal)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def silent_survey(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("silent")
    plan_path = root / "plan.yaml"
    subprocess.run([sys.executable, "-m", "assess", "init", str(plan_path)], check=True, capture_output=True)
    plan = yaml.safe_load(plan_path.read_text())
    site = plan["sites"][0]
    site["devices"][0]["host"] = "127.0.0.1"
    site["devices"][0]["port"] = _closed_port()
    port = _closed_port()
    link = site["links"][0]
    # the iperf3 and STUN probes meet a closed port; the reflector is left out of the plan to keep the run
    # short (its three probes would each wait out their retries the same way)
    del link["reflector"]
    link.update(iperf3=f"127.0.0.1:{port}", stun=f"127.0.0.1:{port}")
    plan_path.write_text(yaml.safe_dump(plan))
    env = {k: v for k, v in os.environ.items() if k != "ASSESS_HQ_PASSWORD"}
    env["COLUMNS"] = "160"
    argv = [sys.executable, "-m", "assess", "survey", str(plan_path), "--out", str(root / "out"),
            "--rtp-duration", "1", "--fail-on", "incomplete"]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env)
    return root / "out", run


def test_cli_shows_incomplete_without_a_score_and_fail_on_incomplete_exits_one(
    silent_survey: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, run = silent_survey
    assert run.returncode == 1, run.stderr
    row = next(line for line in run.stderr.splitlines() if "Headquarters" in line)
    cells = re.split(r"\s{2,}", row.strip())  # columns stand two spaces apart at least; a name has single spaces
    assert cells[1] == "INCOMPLETE" and cells[2] == "–", row
    assert "hq: INCOMPLETE:" in run.stderr and "Traceback" not in run.stderr


def test_results_json_has_no_score_and_says_what_is_missing(
    silent_survey: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, _ = silent_survey
    result = json.loads((out / "hq" / "results.json").read_text())
    assert result["verdict"] == "INCOMPLETE" and result["score"] is None
    cov = result["coverage"]
    assert cov["evidenced"] < cov["applicable"] and cov["pct"] < cov["required_pct"]
    assert "VQ401" in cov["critical_without_evidence"] and cov["devices_without_evidence"] == ["hq-core-sw1"]
    items = {n["item"]: n for n in result["not_assessed"]}
    assert "ASSESS_HQ_PASSWORD" in items["device hq-core-sw1"]["reason"]
    # named in full when missing: the whole suite on a clean clone once saw no bandwidth item (not reproduced alone)
    assert "hq-internet: bandwidth probe" in items, (sorted(items), result["probes"])
    bandwidth = items["hq-internet: bandwidth probe"]
    assert "127.0.0.1:" in bandwidth["to_finish"] and "assess farend" in bandwidth["to_finish"]
    assert "`reflector:`" in items["hq-internet: rtp probe"]["to_finish"]


def test_portfolio_json_and_pdf_show_incomplete(silent_survey: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, _ = silent_survey
    site = json.loads((out / "portfolio.json").read_text())["sites"][0]
    assert site["verdict"] == "INCOMPLETE" and site["score"] is None
    text = " ".join(p.extract_text() for p in PdfReader(out / "portfolio.pdf").pages)
    assert "INCOMPLETE" in text and "Not assessed: device hq-core-sw1" in " ".join(text.split())


def test_site_pdf_first_page_says_what_was_not_assessed_and_how_to_finish(
    silent_survey: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, _ = silent_survey
    pages = PdfReader(out / "hq" / "report.pdf").pages
    first = " ".join(pages[0].extract_text().split())
    assert "INCOMPLETE" in first and "/ 100" not in first
    assert "What could not be assessed" in first and "hq-core-sw1" in first and "To finish" in first
    assert "--resume" in first
    method = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Coverage before verdict" in method


def test_the_incomplete_report_agrees_with_itself(silent_survey: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    assert report_problems(silent_survey[0]) == []


@pytest.mark.parametrize(
    ("verdict", "so_far", "no_go", "incomplete"),
    [
        ("GO", None, 0, 0),
        ("NO-GO", None, 1, 1),
        ("INCOMPLETE", "NO-GO", 1, 1),  # a NO-GO cause already found fails --fail-on no-go
        ("INCOMPLETE", None, 0, 1),
        ("INCOMPLETE", "CONDITIONAL", 0, 1),
    ],
)
def test_fail_on_follows_incomplete_and_no_go_so_far(verdict: str, so_far: str | None, no_go: int,
                                                     incomplete: int) -> None:
    from types import SimpleNamespace

    from assess.commands.survey_cmds import FailOn, _exit_code
    from core.models.common import Verdict

    site = SimpleNamespace(verdict=Verdict(verdict), verdict_so_far=Verdict(so_far) if so_far else None)
    outcome = SimpleNamespace(results=[site])
    codes = [_exit_code(outcome, f) for f in (FailOn.NEVER, FailOn.NO_GO, FailOn.INCOMPLETE)]  # type: ignore[arg-type]
    assert codes == [0, no_go, incomplete]
