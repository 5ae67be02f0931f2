"""Whole-report consistency: every value a report states twice must agree with itself and with the findings.

Reads a survey's output folder (``results.json`` per site and ``portfolio.json``), renders each
site's report HTML the way ``report.pdf`` is rendered (same template and view), and checks what
the pages say against the findings, from the outside: the HTML is parsed, the counts are
counted here, and a measurement's number is compared with the number its rule's finding states.
Returns one line per disagreement (an empty list when the report is consistent).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from lxml import html as lxml_html

from assess.report.render import render_html
from assess.report.view import site_view
from core.models.site import SiteResult

RULE_ID = re.compile(r"VQ\d{3}")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# A key-measurement row whose number its rule's finding message states too: metric prefix -> rule id.
STATED_BY_RULE = {"Jitter": "VQ402", "Packet loss": "VQ401", "One-way delay": "VQ403", "MOS": "VQ404",
                  "UDP loss at voice load": "VQ409"}
MARKS = {"✓": "pass", "✗": "fail", "!": "warn", "–": "unknown"}


def _text(node: lxml_html.HtmlElement) -> str:
    return " ".join(node.text_content().split())


def _numbers(text: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(text)]


def _statuses(result: SiteResult, rules: list[str], link: str | None) -> list[str]:
    return [str(f.status) for f in result.findings if f.id in rules and (link is None or f.link in (link, None))]


def _summary_problems(result: SiteResult, page: lxml_html.HtmlElement) -> list[str]:
    problems = []
    badge = _text(page.xpath("//span[contains(@class, 'verdict-badge')]")[0])
    if badge != result.verdict:
        problems.append(f"cover verdict {badge!r} but results.json says {result.verdict}")
    line1 = _text(page.xpath("//div[@class='line1']")[0])
    shown = "no score" if result.score is None else f"{result.score:.0f} / 100"
    if not line1.startswith(str(result.verdict)) or shown not in line1:
        problems.append(f"executive summary {line1!r} disagrees with {result.verdict} {shown}")
    if (result.verdict_so_far is not None) != ("so far" in line1):
        problems.append(f"'so far' shown as {line1!r} with verdict_so_far {result.verdict_so_far}")
    big = _text(page.xpath("//div[@class='score-big']")[0])
    if result.score is not None and big != f"{result.score:.0f} / 100":
        problems.append(f"cover score {big!r} but results.json says {result.score}")
    counts = Counter(str(f.status) for f in result.findings)
    summary = _text(page.xpath("//div[@class='line1']/following-sibling::div[contains(., 'Findings:')]")[0])
    for label, status in (("fail", "fail"), ("warn", "warn"), ("unverified", "unknown"), ("pass", "pass")):
        if f"{counts[status]} {label}" not in summary:
            problems.append(f"summary {summary!r} does not count {counts[status]} {label}")
    return problems


def _category_problems(result: SiteResult, page: lxml_html.HtmlElement) -> list[str]:
    problems = []
    rows = page.xpath("//section[@id='findings']/table[1]/tbody/tr")
    by_title = {c.title: c.category for c in result.categories}
    for row in rows:
        cells = [_text(td) for td in row.xpath("td")]
        category = by_title[cells[0]]
        counted = Counter(str(f.status) for f in result.findings if f.category == category)
        stated = dict(zip(("pass", "fail", "warn", "unknown"), (int(c) for c in cells[3:7]), strict=True))
        if any(stated[s] != counted[s] for s in stated):
            problems.append(f"category {cells[0]}: table says {stated}, findings count {dict(counted)}")
    return problems


def _measurement_problems(result: SiteResult, page: lxml_html.HtmlElement) -> list[str]:
    problems = []
    heading = "//h3[normalize-space(text()[1])='Key measurements against targets']"  # its own words, not the legend's
    rows = page.xpath(heading + "/following-sibling::table[1]/tbody/tr")
    for row in rows:
        link, metric, value, _target, rule_cell = (_text(td) for td in row.xpath("td"))
        mark, rules = MARKS[rule_cell.split()[0]], RULE_ID.findall(rule_cell)
        statuses = _statuses(result, rules, link)
        judged = [s for s in statuses if s != "n/a"]
        if mark == "pass" and (not judged or any(s != "pass" for s in judged)):
            problems.append(f"{link} {metric}: ✓ although {rules} are {statuses}")
        if mark == "fail" and "fail" not in judged:
            problems.append(f"{link} {metric}: ✗ although {rules} are {statuses}")
        rule = next((r for prefix, r in STATED_BY_RULE.items() if metric.startswith(prefix)), None)
        finding = next((f for f in result.findings if f.id == rule and f.link == link), None)
        if rule == "VQ403" and finding is not None and finding.message.startswith("RTT"):
            continue  # the rule judged the RTT target; its message states the RTT, not the one-way delay
        if finding is not None and finding.status != "unknown":
            # "(median RTT/2)" names the figure; the figure is the number after it
            said, shown = _numbers(finding.message.replace("RTT/2", "RTT"))[:1], _numbers(value)[:1]
            digits = len(value.split()[0].partition(".")[2])
            if not said or not shown or abs(said[0] - shown[0]) > 0.5 * 10 ** -digits + 1e-9:
                problems.append(f"{link} {metric}: shows {value!r}, {rule} says {finding.message!r}")
        if metric.startswith("Headroom"):
            own = next((f for f in result.findings if f.id == "VQ408" and f.link == link), None)
            if own is None or own.message != value:
                problems.append(f"{link} headroom shows {value!r}, VQ408 says {own.message if own else None!r}")
    return problems


def _checklist_problems(result: SiteResult, page: lxml_html.HtmlElement) -> list[str]:
    problems = []
    for row in page.xpath("//table[contains(@class, 'checklist')]/tbody/tr"):
        box, title, basis = (_text(td) for td in row.xpath("td")[:3])
        rules_text = row.xpath(".//div[contains(@class, 'rules')]")
        rules = RULE_ID.findall(_text(rules_text[0])) if rules_text else []
        judged = [s for s in _statuses(result, rules, None) if s != "n/a"]
        if box == "☑" and (not judged or any(s != "pass" for s in judged)):
            problems.append(f"checklist {title!r} ticked although its rules are {Counter(judged)}")
        if box == "☒" and not any(s in ("fail", "warn") for s in judged):
            problems.append(f"checklist {title!r} crossed although its rules are {Counter(judged)}")
        for cited, status in re.findall(r"(VQ\d{3}) [^;(]*\((fail|warn)\)", basis):
            if status not in _statuses(result, [cited], None):
                problems.append(f"checklist {title!r} cites {cited} as {status}: no such finding")
    return problems


def site_problems(result: SiteResult) -> list[str]:
    """Disagreements inside one site's report (rendered as its PDF is)."""
    view = site_view(result, company="c", consultant="", page_size="A4", with_charts=False)
    page = lxml_html.fromstring(render_html("site.html.j2", v=view))
    found = [
        *_summary_problems(result, page),
        *_category_problems(result, page),
        *_measurement_problems(result, page),
        *_checklist_problems(result, page),
    ]
    return [f"{result.site}: {p}" for p in found]


def portfolio_problems(results: dict[str, SiteResult], portfolio: dict) -> list[str]:  # type: ignore[type-arg]
    """Disagreements between portfolio.json and the sites' results and drift findings."""
    problems = []
    for line in portfolio["sites"]:
        r = results[line["site"]]
        coverage = r.coverage.pct if r.coverage else None
        if (line["score"], line["verdict"], line.get("coverage_pct")) != (r.score, r.verdict, coverage):
            problems.append(f"portfolio {line['site']}: {line['score']} {line['verdict']} vs {r.score} {r.verdict}")
        for worst in line["worst_findings"]:
            if not any(f.id == worst[:5] and f.failed for f in r.findings):
                problems.append(f"portfolio {line['site']}: worst finding {worst!r} is not open at the site")
    items = {d["rule"]: d for d in portfolio["drift"]}
    for rule in sorted({f.id for r in results.values() for f in r.findings if f.compared}):
        warned = {s for s, r in results.items() for f in r.findings if f.id == rule and f.status == "warn"}
        listed = set(items[rule]["details"]) if rule in items else set()
        if warned != listed:
            problems.append(f"drift {rule}: findings warn at {sorted(warned)}, portfolio lists {sorted(listed)}")
        for site, r in results.items():
            own = next((f.compared[site] for f in r.findings if f.id == rule and site in f.compared), None)
            if rule in items and own is not None and items[rule]["values"].get(site) != own:
                problems.append(f"drift {rule} {site}: portfolio {items[rule]['values'].get(site)!r}, finding {own!r}")
    return problems


def report_problems(out: Path) -> list[str]:
    """Every disagreement in a survey's output folder (sites and portfolio)."""
    portfolio = json.loads((out / "portfolio.json").read_text(encoding="utf-8"))
    results = {
        line["site"]: SiteResult.model_validate_json((out / line["site"] / "results.json").read_text("utf-8"))
        for line in portfolio["sites"]
    }
    problems = [p for r in results.values() for p in site_problems(r)]
    return problems + portfolio_problems(results, portfolio)
