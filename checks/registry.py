"""The explicit list of rules; ids are append-only and never change meaning (see checks/ids.md)."""

from __future__ import annotations

from checks.base import DeviceRule, Rule
from checks.config_understood import ConfigUnderstood
from checks.crosscheck import BindingLifetimeMatchesEdgeTimeout, DscpMatchesEdgeMarking
from checks.drift import QosPolicyDrift, RtpRangeDrift, SipAlgDrift, UdpTimeoutDrift, VoiceVlanDrift
from checks.fw_rtp_rules import RtpOpenToProviderOnly, RtpPermitNotWider, RtpRangeCovered
from checks.fw_sip_alg import NoAlgBehindSbc, SipAlgMatchesPlan
from checks.fw_sip_rules import SipFromProviderOnly, SipTlsPermitted
from checks.lan_edge import PortfastOnPhonePorts, StormControlOnPhonePorts
from checks.lan_lldp_poe import LldpMedNetworkPolicy, PoeBudgetForPhones
from checks.lan_trust import TrustAtPhonePorts, UntrustedDataPorts
from checks.lan_voice_vlan import (
    VoiceVlanDefined,
    VoiceVlanDistinctFromData,
    VoiceVlanMatchesPlan,
    VoiceVlanOnPhonePorts,
)
from checks.link_capacity import ContractDelivered, UdpLossAtVoiceLoad, VoiceHeadroom
from checks.link_dscp import DscpPreservedDownstream, DscpPreservedUpstream
from checks.link_paths import LinksLeaveByOwnPath
from checks.link_pilot import PilotIntervalsWithinTargets
from checks.link_quality import Jitter, LossBurstsAndReordering, MosAboveMinimum, OneWayDelay, PacketLoss
from checks.marking import NoEfBleaching, VoiceMarkingMatchesPlan
from checks.nat_timeouts import UdpTimeoutCoversRefresh
from checks.resilience import BackupCarriesVoice, BackupWanLink, DevicesAssessed
from checks.sip_failover import SipSignallingFailover
from checks.traversal import (
    LargeSipOverUdp,
    NatBindingLifetime,
    NatMappingEndpointIndependent,
    SipAlgConfigMatchesPath,
    SipAlgOnPath,
    VoicePortsReachable,
)
from checks.wan_capacity import ContractCarriesPeakVoice
from checks.wan_priority_queue import (
    EfPriorityOnWanEgress,
    PriorityQueueFitsPeakCalls,
    PriorityQueueNotOversized,
    PriorityQueueOnlyVoice,
    QosPolicyAttached,
)
from checks.wan_shaping import ShapeToContractedRate
from checks.wan_signalling import SignallingClassOnWan

# Each module's rules are listed here by name; importing a module registers nothing by itself.
ALL_RULES: tuple[type[Rule], ...] = (
    # VQ1xx LAN QoS
    VoiceVlanOnPhonePorts,
    VoiceVlanMatchesPlan,
    VoiceVlanDefined,
    VoiceVlanDistinctFromData,
    TrustAtPhonePorts,
    UntrustedDataPorts,
    LldpMedNetworkPolicy,
    PoeBudgetForPhones,
    PortfastOnPhonePorts,
    StormControlOnPhonePorts,
    # VQ2xx WAN QoS & capacity
    EfPriorityOnWanEgress,
    PriorityQueueFitsPeakCalls,
    PriorityQueueNotOversized,
    QosPolicyAttached,
    PriorityQueueOnlyVoice,
    SignallingClassOnWan,
    ShapeToContractedRate,
    VoiceMarkingMatchesPlan,
    NoEfBleaching,
    ContractCarriesPeakVoice,
    # VQ3xx firewall, NAT & traversal
    SipAlgMatchesPlan,
    RtpOpenToProviderOnly,
    RtpRangeCovered,
    SipFromProviderOnly,
    SipTlsPermitted,
    UdpTimeoutCoversRefresh,
    NoAlgBehindSbc,
    RtpPermitNotWider,
    NatMappingEndpointIndependent,
    NatBindingLifetime,
    SipAlgOnPath,
    SipAlgConfigMatchesPath,
    VoicePortsReachable,
    LargeSipOverUdp,
    BindingLifetimeMatchesEdgeTimeout,
    # VQ4xx link quality
    PacketLoss,
    Jitter,
    OneWayDelay,
    MosAboveMinimum,
    LossBurstsAndReordering,
    DscpPreservedUpstream,
    DscpPreservedDownstream,
    VoiceHeadroom,
    UdpLossAtVoiceLoad,
    ContractDelivered,
    PilotIntervalsWithinTargets,
    DscpMatchesEdgeMarking,
    # VQ5xx resilience, operations & drift between sites
    BackupWanLink,
    BackupCarriesVoice,
    DevicesAssessed,
    QosPolicyDrift,
    VoiceVlanDrift,
    SipAlgDrift,
    RtpRangeDrift,
    UdpTimeoutDrift,
    SipSignallingFailover,
    LinksLeaveByOwnPath,
    ConfigUnderstood,
)


def rule_by_id(rule_id: str) -> type[Rule]:
    """The rule class with ``rule_id`` (KeyError when unknown)."""
    for rule in ALL_RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)


def device_rules() -> tuple[type[Rule], ...]:
    """The rules judged from device configs alone (what ``assess audit FILE`` runs)."""
    return tuple(r for r in ALL_RULES if issubclass(r, DeviceRule))
