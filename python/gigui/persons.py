"""Identity merging: identities sharing a name (exact) or an email (case-insensitive) are one
person, transitively (union-find)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Identity = tuple[str, str]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, x: object) -> object:
        parent = self.parent
        if x not in parent:
            parent[x] = x
            return x
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass
class Person:
    key: int
    identities: list[Identity] = field(default_factory=list)
    name: str = ""
    email: str = ""
    names: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    excluded: bool = False


def merge_identities(
    identities: Iterable[Identity],
    commits: Mapping[Identity, int] | None = None,
    lines: Mapping[Identity, int] | None = None,
) -> dict[Identity, Person]:
    """Map every identity to its Person."""
    commits = commits or {}
    lines = lines or {}
    uf = _UnionFind()
    idents = sorted(set(identities))
    for name, email in idents:
        node = ("i", name, email)
        uf.union(node, ("n", name))
        uf.union(node, ("e", email.lower()))
    groups: dict[object, list[Identity]] = {}
    for ident in idents:
        groups.setdefault(uf.find(("i", *ident)), []).append(ident)
    result: dict[Identity, Person] = {}
    for key, members in enumerate(sorted(groups.values())):
        best = max(
            members,
            key=lambda i: (commits.get(i, 0), lines.get(i, 0), _neg(i)),
        )
        person = Person(
            key=key,
            identities=members,
            name=best[0],
            email=best[1],
            names=sorted({m[0] for m in members}),
            emails=sorted({m[1] for m in members}),
        )
        for m in members:
            result[m] = person
    return result


def _neg(ident: Identity) -> tuple[int, ...]:
    # deterministic tie-break that prefers the alphabetically first identity under max()
    return tuple(-ord(c) for c in ident[0] + "\0" + ident[1])


def is_excluded(person: Person, ex_authors: list[str], ex_emails: list[str]) -> bool:
    if ex_authors:
        for n in person.names:
            low = n.lower()
            if any(fnmatch.fnmatchcase(low, p.lower()) for p in ex_authors):
                return True
    if ex_emails:
        for e in person.emails:
            low = e.lower()
            if any(fnmatch.fnmatchcase(low, p.lower()) for p in ex_emails):
                return True
    return False
