"""Secrets seeded into every sample device's saved outputs never reach any file a survey writes.

The offline collector redacts what it reads (outputs saved by hand may hold secrets), so neither
findings' evidence, results.json, portfolio.json, the HTML nor the PDF text may contain them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from assess.sample_survey import sample_dir
from assess.survey import SurveyOptions, run_survey
from collectors.evidence import read_manifest
from core.plan import Plan
from tests.pdf_text import pdftotext
from tests.test_redact import SEEDED

CONFIG_COMMANDS = ("show running-config", "show full-configuration", "/export verbose")


def _seed(evidence: Path) -> list[str]:
    """Append every seeded secret line of a device's platform to its configuration output."""
    secrets: list[str] = []
    for manifest_path in evidence.glob("*/*/manifest.json"):
        manifest = read_manifest(manifest_path.parent)
        assert manifest is not None
        platform = manifest.platform or ""
        family = "cisco_ios" if platform == "cisco_xe" else platform
        lines = [(line, secret) for plat, line, secret in SEEDED if plat == family]
        record = next(c for c in manifest.commands if c.command in CONFIG_COMMANDS)
        path = manifest_path.parent / record.file
        path.write_text(path.read_text() + "\n" + "\n".join(line for line, _ in lines) + "\n")
        secrets.extend(secret for _, secret in lines)
    return secrets


def pdf_text(pdf: Path) -> str:
    """The text of a PDF's pages once as laid out and once with all whitespace removed: a secret without a
    space that is wrapped across lines or letter-spaced in a heading is found too."""
    text = pdftotext(pdf)
    return text + "\n" + re.sub(r"\s+", "", text)


def output_texts(out: Path) -> dict[Path, str]:
    """Every file under ``out`` as text (a PDF as the text of its pages)."""
    texts: dict[Path, str] = {}
    for path in out.rglob("*"):
        if path.suffix == ".pdf":
            texts[path] = pdf_text(path)
        elif path.is_file():
            texts[path] = path.read_text(errors="replace")
    return texts


def test_seeded_secrets_are_in_no_output_file(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(sample_dir() / "evidence", evidence)
    secrets = _seed(evidence)
    assert len(secrets) > 30  # every sample platform got its secret forms
    data = yaml.safe_load((sample_dir() / "plan.yaml").read_text())
    data["report"]["formats"] = ["pdf", "html", "json"]
    out = tmp_path / "out"
    run_survey(Plan.model_validate(data), SurveyOptions(out_dir=out, offline_evidence=evidence))
    texts = output_texts(out)
    assert any(p.suffix == ".pdf" for p in texts) and any(p.suffix == ".html" for p in texts)
    leaks = [(str(p.relative_to(out)), s) for p, text in texts.items() for s in secrets if s in text]
    assert leaks == []
