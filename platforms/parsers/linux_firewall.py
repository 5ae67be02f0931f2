"""Netfilter rules (nft or iptables) reduced to voice facts: permits, NAT, SIP helper, DSCP re-marks."""

from __future__ import annotations

import re

from core.models.facts import FilterVerdict, FirewallRule, SipAlgState
from core.service_ports import SIP_PORT, SIPS_PORT
from platforms.parsers.common import dscp_name, port_ranges, shell_words
from platforms.parsers.firewall import Action, Protocol, Service, build_rules
from platforms.parsers.linux_nft import NetfilterRule, Ruleset

FILTER_HOOKS = ("forward", "input")
POLICY_HOOKS = ("input", "forward", "output")
# Where a drop filters traffic coming in: the filter hooks, and the hooks every packet crosses before them.
DROP_HOOKS = (*FILTER_HOOKS, "prerouting", "ingress")
_NFT_VERDICTS: dict[str, Action] = {"accept": "permit", "drop": "deny", "reject": "deny"}
_IPT_VERDICTS: dict[str, Action] = {"ACCEPT": "permit", "DROP": "deny", "REJECT": "deny"}
_SERVICE_PORTS = {
    "sip": str(SIP_PORT),
    "sips": str(SIPS_PORT),
    "domain": "53",
    "ntp": "123",
    "http": "80",
    "https": "443",
}
_VALUE = r"(!=\s*)?(\{[^}]*\}|@\S+|\S+)"


def _nft_value(text: str, key: str) -> tuple[bool, list[str]] | None:
    """(negated, values) of ``key`` (e.g. 'udp dport') in an nft rule, None when absent."""
    match = re.search(rf"(?:^|\s){re.escape(key)}\s+{_VALUE}", text)
    if match is None:
        return None
    raw = match.group(2)
    values = [v.strip() for v in raw.strip("{}").split(",") if v.strip()] if raw.startswith("{") else [raw]
    return bool(match.group(1)), [v.strip('"') for v in values]


def _addresses(found: tuple[bool, list[str]] | None, sets: dict[str, list[str]]) -> list[str]:
    if found is None:
        return ["any"]
    negated, values = found
    out = [a for v in values for a in (sets.get(v[1:], [v]) if v.startswith("@") else [v])]
    return [f"!{a}" for a in out] if negated else out


def _nft_service(text: str) -> Service:
    for proto in ("udp", "tcp", "th"):
        found = _nft_value(text, f"{proto} dport")
        if found is not None:
            protocol: Protocol = "udp" if proto == "udp" else "tcp" if proto == "tcp" else "any"
            ports = [] if found[0] else [r for v in found[1] for r in port_ranges(_SERVICE_PORTS.get(v, v), ",")]
            return Service(protocol, tuple(ports))
    if re.search(r"\bicmp(?:v6)? type\b", text):
        return Service("other")
    l4 = _nft_value(text, "meta l4proto") or _nft_value(text, "ip protocol")
    if l4 is not None and not l4[0]:
        names = set(l4[1])
        return Service("udp" if names == {"udp"} else "tcp" if names == {"tcp"} else "other")
    return Service("any")


def _only_established(text: str) -> bool:
    state = _nft_value(text, "ct state")
    return state is not None and not state[0] and "new" not in ",".join(state[1])


def _from_source_ports(text: str) -> bool:
    """True for a rule that matches only given source ports (traceroute replies, DNS answers).

    Facts have no source ports: such a rule must not read as opening its destination ports to everyone.
    """
    return any(_nft_value(text, f"{proto} sport") for proto in ("udp", "tcp", "th"))


def nft_rules(ruleset: Ruleset) -> list[FirewallRule]:
    """Verdict rules of forward/input chains (and of the chains they jump to) plus DNAT port forwards."""
    rules: list[FirewallRule] = []
    for rule in ruleset.rules:
        words = rule.text.split()
        verdict = next((_NFT_VERDICTS[w] for w in reversed(words) if w in _NFT_VERDICTS), None)
        dnat = "dnat" in words and rule.hook == "prerouting"
        for hook, text, behind in [(rule.hook, rule.text, "")] if dnat else filter_ways(rule, verdict):
            if _only_established(text) or _from_source_ports(text):
                continue
            iif = _nft_value(text, "iifname") or _nft_value(text, "iif")  # `iif "lo"`: by index, same meaning
            direction = "dnat" if dnat else f"{hook} from {','.join(iif[1]) if iif else 'any'}{behind}"
            destinations = _addresses(_nft_value(text, "ip daddr"), ruleset.sets)
            if dnat and (to := re.search(r"dnat (?:ip )?to (\S+)", text)):
                destinations = [to.group(1).split(":")[0]]
            rules.extend(
                build_rules(
                    f"{rule.table}/{rule.chain}",
                    "permit" if dnat else verdict or "deny",
                    [_nft_service(text)],
                    _addresses(_nft_value(text, "ip saddr"), ruleset.sets),
                    destinations,
                    direction,
                    rule.source,
                )
            )
    return rules


def _stated_policies(ruleset: Ruleset, hook: str) -> dict[str, str]:
    """Base chain -> the policy it states, for the chains on ``hook`` (a chain stating none accepts)."""
    return {c: ruleset.policies[c] for c, h in ruleset.hooks.items() if h == hook and c in ruleset.policies}


def hook_policies(ruleset: Ruleset) -> dict[str, FilterVerdict]:
    """Each filter hook's verdict for a packet no rule decides.

    A packet must pass every base chain on its hook, so one chain dropping by policy makes the hook drop;
    a hook without base chains (a nat-only ruleset, iptables without its filter table) accepts.
    """
    return {
        hook: "accept" if all(p == "accept" for p in _stated_policies(ruleset, hook).values()) else "drop"
        for hook in POLICY_HOOKS
    }


def filter_ways(rule: NetfilterRule, verdict: Action | None) -> list[tuple[str, str, str]]:
    """(hook, the rule's text with the jumps' matches after it, direction suffix) for each way into the rule's
    chain on a hook where its verdict filters inbound traffic: an accept on input/forward, a drop there or on
    the earlier prerouting/ingress hooks.

    A rule behind ``iifname "wan0" jump wan_in`` only ever sees what comes in on wan0, so it is read with that
    match added; a chain reached from several hooks (or by several jumps) filters each of them. A field both
    name is read from the rule (the first found): a packet must match both, and rulesets dispatch by interface
    or port in the jump and narrow by address in the chain (``tcp dport 22 ... -s 0.0.0.0/0 -j SAFEZONE``, then
    ``-A SAFEZONE -s 192.0.2.7 -j ACCEPT``). A jump and a rule naming different protocols match nothing, which
    this does not see.
    """
    if verdict is None:
        return []
    where = DROP_HOOKS if verdict == "deny" else FILTER_HOOKS
    ways = [(rule.hook, "")] if rule.hook else []
    return [
        (hook, f"{rule.text} {match}" if match else rule.text, " behind a conditional jump" if match else "")
        for hook, match in [*ways, *rule.behind_jump]
        if hook in where
    ]


def policy_evidence(ruleset: Ruleset) -> str:
    """The base chains' stated policies the hook policies come from, on one line."""
    stated = [f"{c} policy {p}" for hook in POLICY_HOOKS for c, p in _stated_policies(ruleset, hook).items()]
    return "; ".join(stated) or "no base chain on the input, forward or output hook states a policy (accept)"


def policy_rules(ruleset: Ruleset) -> list[FirewallRule]:
    """An implicit permit-all for a filter hook without base chains or whose base chains all accept."""
    rules: list[FirewallRule] = []
    policies = hook_policies(ruleset)
    for hook in FILTER_HOOKS:
        if policies[hook] == "accept":
            chains = _stated_policies(ruleset, hook)
            evidence = "; ".join(f"{c} policy accept" for c in chains) or f"no base chain on the {hook} hook"
            rules.extend(
                build_rules(f"{hook} policy accept", "permit", [Service("any")], ["any"], ["any"], hook, evidence)
            )
    return rules


def _ipt_option(words: list[str], *names: str) -> tuple[bool, str] | None:
    for index, word in enumerate(words[:-1]):
        if word in names:
            negated = index > 0 and words[index - 1] == "!"
            return negated, words[index + 1]
    return None


def iptables_rules(ruleset: Ruleset) -> list[FirewallRule]:
    """ACCEPT/DROP/REJECT rules of the filter table's FORWARD and INPUT chains (and of the chains they jump to)."""
    rules: list[FirewallRule] = []
    for rule in ruleset.rules:
        target = _ipt_option(shell_words(rule.text), "-j")
        verdict = _IPT_VERDICTS.get(target[1]) if target else None
        for hook, text, behind in filter_ways(rule, verdict) if rule.table == "filter" else ():
            rules.extend(_iptables_rule(rule, shell_words(text), verdict or "deny", hook, behind))
    return rules


def _iptables_rule(
    rule: NetfilterRule, words: list[str], verdict: Action, hook: str, behind: str
) -> list[FirewallRule]:
    """One iptables rule on ``hook``, read from its words (the jumps' matches after its own)."""
    state = _ipt_option(words, "--ctstate", "--state")
    if state is not None and "NEW" not in state[1]:
        return []
    if _ipt_option(words, "--sport", "--sports", "--source-port", "--source-ports"):
        return []  # matches only given source ports: see _from_source_ports
    proto = _ipt_option(words, "-p", "--protocol")
    protocol: Protocol = (
        "any" if proto is None else "udp" if proto[1] == "udp" else "tcp" if proto[1] == "tcp" else "other"
    )
    dport = _ipt_option(words, "--dport", "--dports", "--destination-port")
    ports = tuple(port_ranges(dport[1], ",")) if dport and not dport[0] else ()
    source = _ipt_option(words, "-s", "--source")
    dest = _ipt_option(words, "-d", "--destination")
    match_set = _ipt_option(words, "--match-set")
    sources = [f"{'!' if source[0] else ''}{source[1]}"] if source else [f"@{match_set[1]}"] if match_set else ["any"]
    where = _ipt_option(words, "-i", "--in-interface")
    return build_rules(
        rule.chain,
        verdict,
        [Service(protocol, ports)],
        sources,
        [f"{'!' if dest[0] else ''}{dest[1]}"] if dest else ["any"],
        f"{hook} from {where[1] if where else 'any'}{behind}",
        rule.source,
    )


def sip_alg(ruleset: Ruleset | None) -> tuple[SipAlgState, str]:
    """The kernel SIP helper is active only when a rule assigns a ct helper of type sip."""
    if ruleset is None:
        return "unknown", "no netfilter ruleset in the evidence"
    for rule in ruleset.rules:
        assigned = rule.text.partition("ct helper set")[2]
        # 'ct helper set "sip-5060"' or a map: 'ct helper set udp dport map { 5060 : "sip-5060" }'
        names = re.findall(r'"([^"]+)"|(\S+)', assigned)
        if any((quoted or bare) in ruleset.sip_helpers for quoted, bare in names):
            return "enabled", rule.source
        if "--helper sip" in rule.text:
            return "enabled", rule.source
    return "disabled", "no rule assigns a ct helper of type sip (kernel >= 4.7 does not auto-assign it)"


def nat_enabled(ruleset: Ruleset | None) -> tuple[bool | None, str]:
    """Whether a masquerade/SNAT rule exists."""
    if ruleset is None:
        return None, ""
    for rule in ruleset.rules:
        if re.search(r"\b(masquerade|snat)\b|-j (MASQUERADE|SNAT)\b", rule.text):
            return True, rule.source
    return False, "no masquerade or snat rule"


def wan_interfaces(ruleset: Ruleset | None) -> set[str]:
    """Interfaces traffic is masqueraded/SNATed out of, as written: a name, or a prefix pattern (iptables
    ``ppp+``, nftables ``"ppp*"``); every member of an nftables set (``oifname { "eth0", "wwan0" }``, a dual-WAN
    box masquerading out of both uplinks). A negated match (``oifname != "lan"``, ``! -o lan``) names none."""
    found: set[str] = set()
    for rule in ruleset.rules if ruleset else []:
        nat = re.search(r"\b(masquerade|snat)\b|-j (MASQUERADE|SNAT)\b", rule.text)
        match = re.search(r'(?<!! )-o (\S+)|oifname (?:"?([^"\s{!]+)"?|\{([^}]*)\})', rule.text)
        if nat and match:
            names = match.group(3).split(",") if match.group(3) else [match.group(1) or match.group(2)]
            found.update(n.strip().strip('"') for n in names if n.strip().strip('"'))
    return found


def interface_matches(name: str, pattern: str) -> bool:
    """Whether interface ``name`` is one ``pattern`` names (``ppp+`` / ``ppp*`` is every name starting ppp).

    >>> [interface_matches(n, "ppp+") for n in ("ppp0", "eth0")], interface_matches("wwan0", "wwan0")
    ([True, False], True)
    """
    if pattern[-1:] in ("+", "*"):
        return name.startswith(pattern[:-1])
    return name == pattern


def _zeroing_rules(ruleset: Ruleset | None) -> list[NetfilterRule]:
    """Rules that set DSCP to best effort."""
    rules: list[NetfilterRule] = []
    for rule in ruleset.rules if ruleset else []:
        found = re.search(r"ip6? dscp set (\S+)", rule.text) or re.search(r"--set-dscp(?:-class)? (\S+)", rule.text)
        # a re-marking that leaves EF out in its own match (`ip dscp != ef`, `-m dscp ! --dscp 0x2e`) spares voice
        spares_ef = re.search(r"ip6? dscp != (ef|0x2e|46)\b|! --dscp (0x2e|46)\b|! --dscp-class ef\b", rule.text)
        if found is not None and dscp_name(found.group(1)) == "cs0" and not spares_ef:
            rules.append(rule)
    return rules


def dscp_remarks(ruleset: Ruleset | None) -> list[str]:
    """Rules that set DSCP to best effort."""
    return [rule.source for rule in _zeroing_rules(ruleset)]


# What a re-marking rule may say and still match every packet: the re-marking itself, interfaces, counters,
# comments, the chain it is appended to, and a verdict after it.
_NOT_A_MATCH = re.compile(
    r'(?:^|\s)(?:ip6? dscp set \S+|(?:meta )?[io]if(?:name)?(?: !=)? (?:\{[^}]*\}|\S+)'
    r'|counter(?: packets \d+ bytes \d+)?|comment "[^"]*"|accept|continue'
    r'|-A \S+|!? ?(?:-[io]|--(?:in|out)-interface) \S+|-j DSCP|--set-dscp(?:-class)? \S+'
    r'|-m comment --comment (?:"[^"]*"|\S+))(?=\s|$)'
)


# A verdict that ends a packet's walk through the chain (nft accept/drop/reject/return/jump/goto, iptables
# ACCEPT/DROP/REJECT/RETURN or -g): a rule before the wash that says one may take EF out of the chain first.
_LEAVES_CHAIN = re.compile(
    r"(?:^|\s)(?:accept|drop|reject|return|jump \S+|goto \S+|-j (?:ACCEPT|DROP|REJECT|RETURN)|-g \S+)(?=\s|$)"
)


def whole_traffic_remarks(ruleset: Ruleset | None) -> list[str]:
    """The rules of :func:`dscp_remarks` that re-mark every packet their hook carries: in a base chain (or one
    every packet of the hook jumps to) with no match but interfaces, as a wash-all-DSCP rule is written, and no
    rule before it in its chain that could let a packet (EF) leave the chain first."""
    rules = ruleset.rules if ruleset else []
    return [
        rule.source
        for rule in _zeroing_rules(ruleset)
        if rule.hook
        and not rule.behind_jump
        and not _NOT_A_MATCH.sub(" ", rule.text).strip()
        and not _verdict_before(rules, rule)
    ]


def _verdict_before(rules: list[NetfilterRule], wash: NetfilterRule) -> bool:
    """Whether a rule earlier in the wash's own chain may end a packet's walk through it."""
    for rule in rules:
        if rule is wash:
            return False
        same_chain = (rule.family, rule.table, rule.chain) == (wash.family, wash.table, wash.chain)
        if same_chain and _LEAVES_CHAIN.search(rule.text):
            return True
    return False
