"""The device's outputs were understood: the parser's warnings become a finding instead of silent n/a."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import DeviceRule, Outcome, SiteContext
from core.models.common import Category, Severity, Status
from core.models.facts import DeviceFacts


class ConfigUnderstood(DeviceRule):
    """The parser understood the device's configuration and outputs.

    What it does:
        Reports the parser's warnings for a device: a configuration in which it recognised
        nothing voice-relevant, terminal bytes left in an output, constructs it could not map,
        and lines inside voice-relevant blocks (policy-maps, class-of-service, applied ACLs)
        it did not understand, naming the block and the lines.
    Why it matters:
        Every verdict stands on the parsed facts; a config the parser did not understand
        turns into a page of silent "n/a" that reads like a clean bill of health.
    Example:
        parsed 212 lines, recognised nothing voice-relevant: unsupported syntax?
    Fix:
        check the platform (--platform), save the outputs again without paging
        (terminal length 0), or report the construct
    """

    id = "VQ511"
    title = "Device configuration understood"
    severity = Severity.MEDIUM
    category = Category.RESILIENCE
    since = "0.2.0"
    rationale = "Findings are only as good as the facts parsed from the device; unread input must be visible."
    remediation = (
        "Check that the platform is right (pass --platform), save the outputs again from a session "
        "without paging (`terminal length 0` or the platform's equivalent) and re-run; report constructs the "
        "parser does not read."
    )

    def check(self, facts: DeviceFacts, ctx: SiteContext) -> Iterator[Outcome]:
        if facts.parse_warnings:
            count = len(facts.parse_warnings)
            yield Outcome(
                Status.WARN, f"{count} parse warning(s): {facts.parse_warnings[0]}", "\n".join(facts.parse_warnings)
            )
        else:
            yield Outcome(Status.PASS, "no parse warnings", facts.platform_evidence or facts.platform)
