"""``nft list ruleset`` and ``iptables-save`` text as flat rule records.

Neither format has a maintained Python parser for its text form (libnftables'
bindings need the nft JSON output and root), so both are read line by line:
nft lists one rule per line inside ``chain NAME { ... }`` blocks, and
iptables-save one ``-A CHAIN ...`` per line under ``*table`` headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, Field

from platforms.parsers.common import shell_words


class NetfilterRule(BaseModel):
    """One rule with where it lives (table family, table, chain, hook)."""

    family: str
    table: str
    chain: str
    hook: str = ""
    behind_jump: list[tuple[str, str]] = Field(
        default_factory=list,
        description="(hook, the jumps' own matches) of each other way into its chain: a conditional jump, "
        "or a jump from another hook than its own (matches empty)",
    )
    text: str
    source: str = Field(default="", description="evidence line")


class Ruleset(BaseModel):
    """Rules, named sets and ct helper objects of a netfilter ruleset."""

    rules: list[NetfilterRule] = Field(default_factory=list)
    sets: dict[str, list[str]] = Field(default_factory=dict)
    sip_helpers: list[str] = Field(default_factory=list, description="names of ct helpers of type sip")
    policies: dict[str, str] = Field(default_factory=dict, description="[family ]table/chain -> default policy")
    hooks: dict[str, str] = Field(default_factory=dict, description="[family ]table/chain -> hook of a base chain")


_FAMILIES = ("ip", "ip6", "inet", "arp", "bridge", "netdev")
_TABLE = re.compile(rf"table\s+(?:({'|'.join(_FAMILIES)})\s+)?(\S+)\s*\{{")
# Statements that open a block of their own (everything else inside a chain is a rule).
_BLOCK = re.compile(
    r"(?:table\s+(?:\w+\s+)?\S+|(?:chain|set|map|counter|quota|flowtable|limit|ct\s+helper|ct\s+timeout)\s+\S+)\s*\{"
)
HEAD_CHARS = 20_000


# ``add rule ip filter INPUT ...``: the command form (``iptables-restore-translate``, ``nft -f`` scripts).
_COMMAND = re.compile(
    rf"^\s*(?:nft\s+)?(add|insert|create)\s+(table|chain|rule)\s+(?:({'|'.join(_FAMILIES)})\s+)?(\S+)(?:\s+(\S+))?\s*(.*)$"
)


def looks_like_nft(text: str) -> bool:
    """True for an nftables ruleset (``nft list ruleset`` output or an ``nft -f`` file, listing or commands)."""
    head = text[:HEAD_CHARS]
    return bool(re.search(rf"^\s*{_TABLE.pattern}", head, re.M) or re.search(r"^\s*add\s+rule\s+", head, re.M))


def _commands_as_listing(text: str) -> str:
    """``add table/chain/rule`` commands rewritten as the ``table { chain { ... } }`` listing they build."""
    tables: dict[tuple[str, str], dict[str, list[str]]] = {}
    for raw in text.splitlines():
        match = _COMMAND.match(_without_comment(raw))
        if match is None:
            continue
        verb, kind, family, table, chain, rest = match.groups()
        chains = tables.setdefault((family or "ip", table), {})
        if kind == "chain" and chain:
            body = rest.strip().removeprefix("{").removesuffix("}").strip()
            chains.setdefault(chain, []).extend([body] if body else [])
        elif kind == "rule" and chain:
            rules = chains.setdefault(chain, [])
            rules.insert(0, rest) if verb == "insert" else rules.append(rest)
    listing: list[str] = []
    for (family, table), chains in tables.items():
        listing.append(f"table {family} {table} {{")
        for name, lines in chains.items():
            listing += [f"chain {name} {{", *lines, "}"]
        listing.append("}")
    return "\n".join(listing)


# ``iptables [-t nat] -A INPUT ...`` as a firewall script runs it (sudo, a full path or ``$IPT`` in front).
_IPT_SCRIPT_LINE = re.compile(r"^[ \t]*(?:sudo\s+)?(?:\S*/)?iptables\s+(?:-t\s+(\w+)\s+)?(-[AINP])\s+(\S+)(.*)$", re.M)


def looks_like_iptables_save(text: str) -> bool:
    """True for ``iptables-save`` output, or a shell script of ``iptables -A``/``-P`` commands."""
    saved = re.search(r"^\*(filter|nat|mangle|raw)\s*$", text[:4000], re.M) and "COMMIT" in text
    return bool(saved or _IPT_SCRIPT_LINE.search(text[:HEAD_CHARS]))


def _script_as_save(text: str) -> str:
    """The ``iptables`` commands of a script as the iptables-save dump they leave behind (insert = append)."""
    headers: dict[str, list[str]] = {}
    rules: dict[str, list[str]] = {}
    for table, option, chain, rest in _IPT_SCRIPT_LINE.findall(text):
        table = table or "filter"
        if option == "-P":
            headers.setdefault(table, []).append(f":{chain} {rest.split()[0] if rest.split() else '-'} [0:0]")
        elif option == "-N":
            headers.setdefault(table, []).append(f":{chain} - [0:0]")
        else:
            rest = re.sub(r"^\s+\d+(?=\s)", "", rest) if option == "-I" else rest  # `-I CHAIN 1 ...`
            rules.setdefault(table, []).append(f"-A {chain}{rest}")
    tables = dict.fromkeys([*headers, *rules])
    return "\n".join("\n".join([f"*{t}", *headers.get(t, []), *rules.get(t, []), "COMMIT"]) for t in tables)


def parse_nft(text: str) -> Ruleset:
    """Rules, sets and SIP helpers of an nft ruleset listing (or of the commands that build one)."""
    if not re.search(rf"^\s*{_TABLE.pattern}", text[:HEAD_CHARS], re.M):
        text = _commands_as_listing(text)
    ruleset = Ruleset()
    family = table = chain = hook = ""
    block = ""  # the kind of block we are in: chain, set, map, ct helper ...
    helper = ""
    set_name = ""
    for line in _statements(text):
        if match := _TABLE.match(line):
            family, table, block = match.group(1) or "ip", match.group(2), "table"
        elif match := re.match(r"chain\s+(\S+)\s*\{", line):
            chain, hook, block = match.group(1), "", "chain"
        elif match := re.match(r"(set|map)\s+(\S+)\s*\{", line):
            block, set_name = "set", match.group(2)
            ruleset.sets.setdefault(set_name, [])
        elif match := re.match(r"ct\s+helper\s+(\S+)\s*\{", line):
            block, helper = "helper", match.group(1).strip('"')
        elif line == "}":
            block = "table" if block in ("chain", "set", "helper") else ""
        elif block == "helper" and re.match(r'type "sip"', line):
            ruleset.sip_helpers.append(helper)
        elif block == "set" and line.startswith("elements ="):
            ruleset.sets[set_name].extend(_elements(line))
        elif block == "chain" and (line.startswith("type ") or re.fullmatch(r"policy \w+;?", line)):
            # a one-line chain (`{ type filter hook input priority 0; policy drop; }`): `policy drop` on its own
            hook = _chain_hook(line, family, f"{family} {table}/{chain}", ruleset) or hook
        elif block == "chain" and line:
            source = f"table {family} {table} chain {chain}: {line}"
            ruleset.rules.append(
                NetfilterRule(family=family, table=table, chain=chain, hook=hook, text=line, source=source)
            )
    inherit_hooks(ruleset)
    return ruleset


# A jump with no match of its own: ``jump X`` / ``-A INPUT -j X``, maybe with a counter or a comment.
_JUMP = re.compile(r"(?:-A\s+\S+\s+)?(?:counter\s+)?(?:jump|goto|-j|-g)\s+(\S+)")
_NOISE = re.compile(r'-m\s+comment\s+--comment\s+(?:"[^"]*"|\S+)|\bcomment\s+"[^"]*"|\bcounter\b')
_IPT_BUILTIN_CHAINS = frozenset({"INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING"})


def inherit_hooks(ruleset: Ruleset) -> None:
    """Give the rules of a regular chain the hook of the chain that jumps to it (transitively).

    Generated rulesets (aerleon/capirca, firewalld, hand-made ``IN_CUSTOMRULES`` chains) keep their verdicts
    in regular chains reached by ``jump``/``goto``/``-j``: those rules filter the hook their caller is on.
    Only a jump without a match of its own passes its hook on as it is: behind ``tcp dport 22 jump SAFEZONE``
    the chain's rules only ever see SSH, so that way in is noted with its match (``behind_jump``) instead.
    """
    hooks = {(r.family, r.table, r.chain): r.hook for r in ruleset.rules if r.hook}
    changed = True
    while changed:
        changed = False
        for rule in ruleset.rules:
            hook = hooks.get((rule.family, rule.table, rule.chain))
            target = _JUMP.fullmatch(" ".join(_NOISE.sub(" ", rule.text).split())) if hook else None
            if hook and target and (key := (rule.family, rule.table, target.group(1))) not in hooks:
                hooks[key] = hook
                changed = True
    for rule in ruleset.rules:
        rule.hook = rule.hook or hooks.get((rule.family, rule.table, rule.chain), "")
    _mark_jump_ways(ruleset, hooks)


# Any jump, with or without a match of its own (``iifname "wan" jump wan_in``, a verdict map, ``-A X -i eth0 -j Y``).
_ANY_JUMP = re.compile(r'(?:\b(?:jump|goto)|(?:^|\s)-[jg])\s+"?([\w.-]+)"?')
# ``SELECTOR vmap { KEY : jump CHAIN, ... }`` or ``SELECTOR vmap @named_map``.
_VMAP = re.compile(r"^(.*?)\bvmap\s+(\{.*\}|@\S+)")
_VMAP_VERDICT = re.compile(r'\s*(?:jump|goto)\s+"?([\w.-]+)"?\s*')
# Ways into one chain kept at most: a bound on what a generated ruleset (or a loop the kernel would refuse) can cost.
MAX_WAYS = 16


def jumps(text: str, maps: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(chain, the match a packet must pass to get there) for each jump or goto of one rule.

    The match is the rule's own (``iifname "wan0"`` of ``iifname "wan0" jump wan_in``, ``-i eth0`` of
    ``-A INPUT -i eth0 -j WAN_IN``), or for a verdict map its selector with the key leading to that chain
    (``iifname "wan0"`` of ``iifname vmap { "wan0" : jump wan_in }``).
    """
    words = " ".join(_NOISE.sub(" ", text).split())
    if vmap := _VMAP.match(words):
        selector, body = vmap.group(1).strip(), vmap.group(2)
        elements = maps.get(body[1:], []) if body.startswith("@") else body.strip("{}").split(",")
        found = []
        for element in elements:
            key, _, verdict = element.rpartition(":")
            if (target := _VMAP_VERDICT.fullmatch(verdict)) and key.strip():
                found.append((target.group(1), f"{selector} {key.strip()}".strip()))
        return found
    if (jump := _ANY_JUMP.search(words)) is None:
        return []
    match = f"{words[: jump.start()]} {words[jump.end() :]}"
    return [(jump.group(1), " ".join(re.sub(r"^\s*-A\s+\S+", "", match).split()))]


def _mark_jump_ways(ruleset: Ruleset, hooks: dict[tuple[str, str, str], str]) -> None:
    """Note on the rules of a chain every other way into it: (hook, the jumps' matches along the way).

    A chain behind ``iifname "wan0" jump wan_in`` sees only what comes in on wan0, so its rules filter that hook
    with the jump's match added; a chain jumped to from two hooks filters both.
    """
    reached: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    changed = True
    while changed:
        changed = False
        for rule in ruleset.rules:
            key = (rule.family, rule.table, rule.chain)
            ways = ([(hooks[key], "")] if key in hooks else []) + reached.get(key, [])
            for target, match in jumps(rule.text, ruleset.sets) if ways else ():
                found = (rule.family, rule.table, target)
                into = reached.setdefault(found, [])
                for hook, condition in ways:
                    way = (hook, f"{condition} {match}".strip())
                    # a chain its hook reaches by a plain jump sees everything there already
                    if hooks.get(found) != hook and way not in into and len(into) < MAX_WAYS:
                        into.append(way)
                        changed = True
    for rule in ruleset.rules:
        rule.behind_jump = reached.get((rule.family, rule.table, rule.chain), [])


def _statements(text: str) -> Iterator[str]:
    """One nft statement per item: continuations joined, comments dropped, one-line blocks opened.

    ``nft -f`` files put short chains on one line (``chain input { type filter hook input priority 0; }``)
    and spread anonymous maps over several (``ct helper set udp dport map {`` ... ``}``).
    """
    pending = ""
    for raw in text.replace("\\\n", " ").splitlines():
        line = _without_comment(raw).strip()
        if not line:
            continue
        pending = f"{pending} {line}" if pending else line
        depth = pending.count("{") - pending.count("}")
        if depth > 0 and not _BLOCK.match(pending):
            continue  # a rule whose anonymous set or map goes on over the next lines
        pending, statement = "", pending
        yield from _opened(statement)
    if pending:
        yield pending


def _opened(statement: str) -> Iterator[str]:
    """``chain x { a; b; }`` as ``chain x {``, ``a``, ``b``, ``}``; anything else as it is."""
    match = re.fullmatch(r"(.*?\{)(.*)\}\s*;?", statement)
    if match is None or not _BLOCK.match(statement) or "{" in match.group(2):
        yield statement
        return
    yield match.group(1)
    yield from (part.strip() for part in match.group(2).split(";") if part.strip())
    yield "}"


def _without_comment(line: str) -> str:
    """The line up to a ``#`` that is not inside a quoted string."""
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return line[:i]
    return line


def _chain_hook(line: str, family: str, where: str, ruleset: Ruleset) -> str:
    hook = re.search(r"hook (\w+)", line)
    policy = re.search(r"policy (\w+)", line)
    if policy and family != "arp":  # an arp chain's policy decides ARP packets, not IP traffic
        ruleset.policies[where] = policy.group(1)
    if hook:
        ruleset.hooks[where] = hook.group(1)
    return hook.group(1) if hook else ""


def _elements(line: str) -> list[str]:
    body = line.split("=", 1)[1].strip().strip("{}").strip()
    return [e.strip() for e in body.split(",") if e.strip()]


def parse_iptables_save(text: str) -> Ruleset:
    """Rules of an iptables-save dump (chains map to hooks by their built-in names), or of a script's commands."""
    if not re.search(r"^\*(filter|nat|mangle|raw|security)\s*$", text, re.M):
        text = _script_as_save(text)
    ruleset = Ruleset()
    table = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("*"):
            table = line[1:]
        elif line.startswith(":") and table == "filter":
            name, _, rest = line[1:].partition(" ")
            ruleset.policies[f"{table}/{name}"] = rest.split()[0].lower() if rest else "-"
            ruleset.hooks[f"{table}/{name}"] = name.lower()
        elif line.startswith("-A "):
            words = shell_words(line)
            chain = words[1] if len(words) > 1 else ""
            hook = chain.lower() if chain in _IPT_BUILTIN_CHAINS else ""  # a user chain takes its caller's hook
            rule = NetfilterRule(family="ip", table=table, chain=chain, hook=hook, text=line, source=line)
            ruleset.rules.append(rule)
            if "--helper" in words and words[words.index("--helper") + 1 :][:1] == ["sip"]:
                ruleset.sip_helpers.append("sip (iptables CT target)")
    inherit_hooks(ruleset)
    return ruleset
