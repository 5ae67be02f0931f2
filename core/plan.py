"""The survey plan: sites, devices, WAN links, voice requirements and thresholds.

Loaded from YAML; a bad plan raises :class:`PlanError` whose message is one
line naming the field and the problem.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.dscp import canonical_dscp
from core.errors import UserError
from core.key_hints import unknown_key_message
from core.platform_names import NAMES as PLATFORM_NAMES
from core.safe_names import SafeName, SafeRelativePath
from core.service_ports import DEFAULT_RTP_PORTS

Codec = Literal["g711", "g722", "g729", "opus"]
# A name or a number 0-63 (YAML may give an int), kept as its canonical name so that "46" and "EF"
# compare equal to the parsers' "ef"; a bad value's error names both accepted forms.
Dscp = Annotated[str, BeforeValidator(canonical_dscp)]
PLATFORMS = PLATFORM_NAMES  # one per unit in platforms/


class PlanError(UserError):
    """The plan file is missing, not YAML, or does not validate."""


class Strict(BaseModel):
    """Base for plan models: unknown keys are errors (typos must not pass silently)."""

    model_config = ConfigDict(extra="forbid")


ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,127}")


class Credentials(Strict):
    """Where a device's credentials come from; never a password in the plan itself."""

    username: str | None = None
    username_env: str | None = None
    password_env: str | None = Field(default=None, description="environment variable holding the password")
    keyring_service: str | None = Field(default=None, description="OS keyring service name (user = username)")
    prompt: bool = Field(default=False, description="ask for the password at run time")
    ssh_key: str | None = Field(default=None, description="path to a private key file")
    enable_secret_env: str | None = Field(
        default=None, description="environment variable holding the enable secret (default: the login password)"
    )

    @field_validator("username_env", "password_env", "enable_secret_env")
    @classmethod
    def _looks_like_a_variable_name(cls, value: str | None) -> str | None:
        # A password typed here by mistake must not be kept (nor echoed in this error, nor later in a reason).
        if value is not None and not ENV_NAME.fullmatch(value):
            raise ValueError(
                "does not look like an environment variable name (A-Z, 0-9 and _): a password typed here by "
                "mistake? The value is not shown or kept; put the password in that variable instead"
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _no_cleartext(cls, data: object) -> object:
        if isinstance(data, dict):
            for key in ("password", "secret", "enable_password"):
                if key in data:
                    raise ValueError(
                        f"'{key}' must not be written in the plan; use password_env, keyring_service or prompt"
                    )
        return data


class Device(Strict):
    """A router, switch or firewall to collect evidence from."""

    name: SafeName  # becomes a folder or file name: one rule (core/safe_names.py)
    host: str = ""
    port: int = Field(default=22, ge=1, le=65535)
    platform: Literal[PLATFORMS] | None = None  # type: ignore[valid-type]
    role: Literal["router", "switch", "firewall", "other"] = "other"
    credentials: Credentials = Field(default_factory=Credentials)
    timeout_s: float = Field(default=60.0, gt=0, le=3600)


class Endpoint(Strict):
    """host[:port] of a far-end service."""

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: object) -> object:
        if isinstance(data, str):
            host, sep, port = data.rpartition(":")
            if sep and port.isdecimal() and host and not host.endswith(":"):
                return {"host": host.strip("[]"), "port": int(port)}
            return {"host": data}
        return data


class Link(Strict):
    """A WAN link of a site and the far-end services to probe it against."""

    name: SafeName  # becomes a folder or file name: one rule (core/safe_names.py)
    provider: str = ""
    contracted_up_mbps: float = Field(gt=0, le=100_000)
    contracted_down_mbps: float = Field(gt=0, le=100_000)
    link_type: Literal["ethernet", "ppp", "mpls", "ipsec"] = "ethernet"
    reflector: Endpoint | None = None
    iperf3: Endpoint | None = None
    stun: Endpoint | None = None
    stun_servers: list[Endpoint] = Field(
        default_factory=list, max_length=2,
        description="two independent binding-only STUN servers: NAT mapping (not filtering) when `stun` is not set",
    )
    role: Literal["primary", "backup"] = "primary"
    source_netns: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="measure this link from a Linux network namespace (e.g. one per WAN uplink); needs root",
    )
    source: str | None = Field(
        default=None,
        pattern=r"^([0-9A-Fa-f:.]{2,45}|[A-Za-z0-9_.@-]{1,15})$",
        description="this link's own local address or interface: the NAT probe leaves by it (several WAN links)",
    )
    dns_server: str | None = Field(
        default=None,
        pattern=r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.:-]+)(:[0-9]{1,5})?$",
        max_length=255,
        description="SERVER[:PORT] the phones use at this site, for the SIP path probe (default: system resolver)",
    )


class Voice(Strict):
    """The voice service the site must carry."""

    peak_calls: int = Field(default=10, ge=0, le=100_000)
    codec: Codec = "g711"
    ptime_ms: int = Field(default=20, ge=10, le=120)
    rtp_ports: tuple[int, int] = DEFAULT_RTP_PORTS
    voice_vlan: int | None = Field(default=None, ge=1, le=4094)
    dscp_media: Dscp = "ef"
    dscp_signalling: Dscp = "cs3"
    sip_transport: Literal["udp", "tcp", "tls"] = "udp"
    registration_interval_s: int = Field(default=600, ge=10, le=86_400)
    keepalive_interval_s: int | None = Field(default=None, ge=1, le=86_400)
    sip_alg: Literal["disabled", "enabled", "any"] = Field(
        default="disabled", description="what the SIP ALG should be (most providers want it off)"
    )
    provider_sip: list[str] = Field(default_factory=list, description="provider signalling addresses/prefixes")
    provider_media: list[str] = Field(default_factory=list, description="provider media addresses/prefixes")
    sip_domain: str | None = None
    sbc: bool = Field(default=False, description="an on-site SBC terminates SIP")

    @field_validator("rtp_ports")
    @classmethod
    def _range_ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not (1024 <= low <= high <= 65535):
            raise ValueError("must be [low, high] with 1024 <= low <= high <= 65535")
        return value


class Thresholds(Strict):
    """Link-quality targets; defaults are ITU-T G.114 and the common vendor targets."""

    one_way_delay_ms: float = Field(default=150.0, gt=0, le=10_000)
    jitter_ms: float = Field(default=30.0, gt=0, le=10_000)
    loss_pct: float = Field(default=1.0, ge=0, le=100)
    mos_min: float = Field(default=4.0, ge=1, le=5)
    rtt_ms: float | None = Field(default=None, gt=0)
    min_headroom_pct: float = Field(default=20.0, ge=0, le=100)


Targets = str | Thresholds  # a target profile's name (g114, teams, ucaas) or the figures themselves

RULE_SETS = ("baseline", "enterprise", "contact-centre")  # checks/profiles.yaml


class ScoringOverrides(Strict):
    """Scoring settings a plan may change; each replaces (or, for the tables, updates) the shipped default."""

    weights: dict[str, float] | None = None
    penalties: dict[str, float] | None = None
    status_factors: dict[str, float] | None = None
    repeat_factor: float | None = Field(default=None, ge=0, le=1)
    no_go_below: float | None = Field(default=None, ge=0, le=100)
    go_at: float | None = Field(default=None, ge=0, le=100)
    required_categories: list[str] | None = None
    min_coverage_pct: float | None = Field(default=None, ge=0, le=100)

    def describe(self) -> list[str]:
        """``key value`` per override, for the report (empty when nothing is overridden)."""
        out: list[str] = []
        for key, value in self.model_dump(exclude_none=True).items():
            if isinstance(value, dict):
                out.extend(f"{key}.{k} {v:g}" for k, v in value.items())
            elif isinstance(value, list):
                out.append(f"{key} {', '.join(value)}")
            else:
                out.append(f"{key} {value:g}")
        return out


def _deprecated(model: Site | Plan, where: str) -> list[str]:
    """Notes for the old threshold keys (``profile:``, ``thresholds:``) a plan or site still uses."""
    notes = []
    if "profile" in model.model_fields_set:
        notes.append(f"{where}profile: is deprecated; write `targets: {model.profile}`")
    if "thresholds" in model.model_fields_set:
        notes.append(f"{where}thresholds: is deprecated; write the figures under `targets:`")
    return notes


class Site(Strict):
    """One location to survey."""

    name: SafeName  # becomes a folder or file name: one rule (core/safe_names.py)
    title: str = ""
    address: str = ""
    devices: list[Device] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    voice: Voice | None = None
    targets: Targets | None = Field(default=None, description="this site's link-quality targets (as the plan's)")
    rules: Literal[RULE_SETS] | None = Field(default=None, description="this site's rule set")  # type: ignore[valid-type]
    thresholds: Thresholds | None = Field(default=None, description="deprecated: use targets")
    profile: str | None = Field(default=None, description="deprecated: use targets")
    captures: list[SafeRelativePath] = Field(
        default_factory=list, description="pcap/pcapng files of real calls at the site, relative to the plan file"
    )

    @model_validator(mode="after")
    def _unique_names(self) -> Site:
        for kind, names in (("device", [d.name for d in self.devices]), ("link", [x.name for x in self.links])):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} name {dupes[0]!r}")
        return self


ReportFormat = Literal["pdf", "html", "json"]


def _default_formats() -> list[ReportFormat]:
    return ["pdf", "json"]


class ReportOptions(Strict):
    """How reports look."""

    page_size: Literal["A4", "Letter"] = "A4"
    formats: list[ReportFormat] = Field(default_factory=_default_formats)


class Plan(Strict):
    """The whole survey: a company and its sites."""

    company: str = Field(min_length=1)
    consultant: str = ""
    targets: Targets | None = Field(
        default=None, description="link-quality targets: a profile name (g114, teams, ucaas) or the figures"
    )
    rules: Literal[RULE_SETS] = Field(  # type: ignore[valid-type]
        default="contact-centre", description="rule set (checks/profiles.yaml): baseline, enterprise, contact-centre"
    )
    scoring: ScoringOverrides = Field(default_factory=ScoringOverrides, description="overrides of assess/scoring.yaml")
    profile: str = Field(default="g114", description="deprecated: use targets")
    voice: Voice = Field(default_factory=Voice, description="defaults for every site")
    thresholds: Thresholds = Field(default_factory=Thresholds, description="deprecated: use targets")
    report: ReportOptions = Field(default_factory=ReportOptions)
    sites: list[Site] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_sites(self) -> Plan:
        names = [s.name for s in self.sites]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate site name {dupes[0]!r}")
        return self

    def voice_for(self, site: Site) -> Voice:
        """The voice requirements that apply at ``site``."""
        return site.voice or self.voice

    def thresholds_for(self, site: Site) -> Thresholds:
        """The explicit thresholds that apply at ``site`` (profiles are resolved by the survey)."""
        return site.thresholds or self.thresholds

    def targets_for(self, site: Site) -> Targets:
        """The targets of ``site``: its own, else the plan's; the old keys are read when `targets` is absent."""
        for owner in (site, self):
            if owner.targets is not None:
                return owner.targets
            if owner.thresholds is not None and "thresholds" in owner.model_fields_set:
                return owner.thresholds
            if owner.profile is not None and "profile" in owner.model_fields_set:
                return owner.profile
        return self.profile

    def rules_for(self, site: Site) -> str:
        """The rule set that applies at ``site``."""
        return site.rules or self.rules

    def deprecation_notes(self) -> list[str]:
        """One line per old key still used (they keep working)."""
        notes = _deprecated(self, "")
        for site in self.sites:
            notes += _deprecated(site, f"sites[{site.name}].")
        return notes


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "plan"


def describe_validation_error(source: str, err: ValidationError, model: type[BaseModel] | None = None) -> str:
    """One line naming the first invalid field and the problem (an unknown key of ``model`` with a close match).

    An unknown key is named before any other problem: a misspelt required key also reads as "Field required".
    """
    errors = err.errors()
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    msg = first["msg"].removeprefix("Value error, ")
    parts = tuple(p for p in first["loc"] if not str(p).startswith("function-"))
    if first["type"] == "extra_forbidden" and model is not None and parts:
        msg, parts = unknown_key_message(model, parts), parts[:-1]
    loc = _location(parts)
    more = f" (and {err.error_count() - 1} more problem(s))" if err.error_count() > 1 else ""
    return f"{source}: {loc}: {msg}{more}"


def parse_plan(text: str, source: str = "plan") -> Plan:
    """Validate plan YAML text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise PlanError(f"{source}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    except RecursionError:
        raise PlanError(f"{source}: nested too deeply to be a survey plan") from None
    if not isinstance(data, dict):
        raise PlanError(f"{source}: expected a mapping with 'company' and 'sites', got {type(data).__name__}")
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError(describe_validation_error(source, exc, Plan)) from None
    except RecursionError:
        raise PlanError(f"{source}: nested too deeply to be a survey plan") from None


def load_plan(path: Path) -> Plan:
    """Read and validate a plan file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"{path}: no such plan file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path}: cannot read plan: {exc}") from None
    return parse_plan(text, str(path))
