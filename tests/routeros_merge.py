"""RouterOS script semantics on a saved ``/export``, for the patch-and-re-audit test.

An export is menus of commands. Pasting a fix: ``add`` appends an item (or inserts it at
``place-before=N``), ``set`` on an item (by name or ``[ find k=v ]``) or on a menu's single
settings line replaces the given attributes, ``remove [ find k=v ]`` deletes matching items.
"""

from __future__ import annotations

import re

from platforms.parsers.common import shell_words

_FIND = re.compile(r"\[\s*find\s*(.*?)\s*\]")


def _joined(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        if out and out[-1].endswith("\\"):
            out[-1] = out[-1][:-1] + line.strip()
        elif line.strip() and not line.startswith("#"):
            out.append(line.rstrip())
    return out


def _attrs(words: list[str]) -> dict[str, str]:
    return dict(w.split("=", 1) for w in words if "=" in w)


def _render(verb: str, target: str, attrs: dict[str, str]) -> str:
    values = " ".join(f'{k}="{v}"' if (" " in v or not v) else f"{k}={v}" for k, v in attrs.items())
    return " ".join(x for x in (verb, target, values) if x)


def _matches(line: str, criteria: dict[str, str]) -> bool:
    attrs = _attrs(shell_words(line)[1:])
    return all(attrs.get(k) == v for k, v in criteria.items())


def _parse(text: str) -> tuple[dict[str, list[str]], list[str]]:
    """Menus and their command lines, in order (a fix is written the same way: menu line, then commands)."""
    menus: dict[str, list[str]] = {}
    order: list[str] = []
    menu = ""
    for line in _joined(text):
        if line.startswith("/"):
            menu = line.strip()
            if menu not in menus:
                menus[menu] = []
                order.append(menu)
        elif menu:
            menus[menu].append(line.strip())
    return menus, order


def _set(items: list[str], words: list[str], line: str) -> None:
    find = _FIND.search(line)
    criteria = _attrs(shell_words(find.group(1))) if find else {}
    rest = shell_words(_FIND.sub("", line))[1:]
    target = rest[0] if rest and "=" not in rest[0] else ""
    args = _attrs(rest)
    hit = False
    for i, item in enumerate(items):
        iw = shell_words(item)
        if find:
            ok = iw[0] == "add" and _matches(item, criteria)
        else:
            ok = iw[0] == "set" and ((iw[1] == target) if target else "=" in iw[1])
        if ok:
            hit = True
            head = "add" if iw[0] == "add" else " ".join(w for w in iw[:2] if "=" not in w)
            items[i] = _render(head, "", {**_attrs(iw[1:]), **args})
    if not hit and not find:
        items.append(_render("set", target, args))


def routeros_merge(text: str, fix: str) -> str:
    """The export after ``fix`` is run as a script on the router."""
    menus, order = _parse(text)
    fixes, fix_order = _parse(fix)
    for menu in fix_order:
        if menu not in menus:
            menus[menu] = []
            order.append(menu)
        items = menus[menu]
        for line in fixes[menu]:
            words = shell_words(line)
            if words[0] == "add":
                before = re.search(r"place-before=(\d+|\[\s*find\s*(.*?)\s*\])", line)
                args = _attrs(shell_words(line[: before.start()] + line[before.end() :] if before else line)[1:])
                new = _render("add", "", args)
                if before is None:
                    items.append(new)
                elif before.group(1).isdecimal():
                    items.insert(int(before.group(1)), new)
                else:
                    criteria = _attrs(shell_words(before.group(2)))
                    hits = [i for i, x in enumerate(items) if x.startswith("add") and _matches(x, criteria)]
                    items.insert(hits[0] if hits else len(items), new)
            elif words[0] == "remove":
                find = _FIND.search(line)
                criteria = _attrs(shell_words(find.group(1))) if find else {}
                items[:] = [x for x in items if not (x.startswith("add") and _matches(x, criteria))]
            elif words[0] == "set":
                _set(items, words, line)
    header = [line for line in text.splitlines() if line.startswith("#")]  # the export's own banner
    return "\n".join(header + [f"{m}\n" + "\n".join(menus[m]) for m in order]) + "\n"
