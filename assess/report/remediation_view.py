"""The report's remediation plan: per device, the rendered fixes in a safe order with checks and undo."""

from __future__ import annotations

from dataclasses import dataclass

from checks.registry import rule_by_id
from checks.remediation import PlanStep, plan_steps, platform_templates
from core.models.remediation import PHASE_TITLES
from core.models.site import SiteResult


@dataclass(frozen=True)
class StepView:
    """One block as the report prints it."""

    number: int
    rules: list[tuple[str, str]]  # (rule id, title)
    phase: str
    interfaces: list[str]
    config: str
    verify: str
    rollback: str
    fill_in: list[str]
    warning: str


@dataclass(frozen=True)
class DevicePlan:
    """Everything a consultant needs to fix one device."""

    device: str
    platform: str
    host: str
    apply: str
    references: list[str]
    steps: list[StepView]


def _step(step: PlanStep) -> StepView:
    block = step.block
    return StepView(
        number=step.number,
        rules=[(rid, rule_by_id(rid).title) for rid in step.rules],
        phase=PHASE_TITLES[block.phase],
        interfaces=block.interfaces,
        config=block.config,
        verify=block.verify,
        rollback=block.rollback,
        fill_in=block.fill_in,
        warning=block.warning,
    )


def remediation_plans(result: SiteResult) -> list[DevicePlan]:
    """A plan per device with open findings, devices in the site's order."""
    steps = plan_steps(result.findings)
    plans: list[DevicePlan] = []
    for device in result.devices:
        if device.name not in steps:
            continue
        templates = platform_templates(device.platform)
        plans.append(
            DevicePlan(
                device=device.name,
                platform=device.platform,
                host=device.host,
                apply=templates.apply if templates else "",
                references=templates.references if templates else [],
                steps=[_step(s) for s in steps[device.name]],
            )
        )
    return plans


def step_numbers(result: SiteResult) -> dict[tuple[str, str], int]:
    """(device, rule id) -> the plan step that fixes it, for cross-references from the findings."""
    return {
        (device, rid): s.number
        for device, steps in plan_steps(result.findings).items()
        for s in steps
        for rid in s.rules
    }
