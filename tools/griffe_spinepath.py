"""A Griffe extension for spinepath's documentation site (``mkdocs.yml`` loads it).

mkdocstrings renders docstrings as Markdown, and spinepath's are written the Sphinx way. So,
for every object of the loaded package:

- each Sphinx role (``:class:`~spinepath.errors.InvalidDocument```, ``:func:`phase_of```)
  becomes an optional autorefs link: a link where the name is documented on the site, plain
  code where it is not (a private helper), never a broken link. A short name is resolved in the
  scope of the object whose docstring names it, as Python would resolve it;
- a ``::`` that introduces an indented code block becomes ``:``;
- a value longer than :data:`LONGEST_VALUE` characters is not shown (the rule catalogue's
  source is not its documentation), shorter ones are (an enum member's JSON value);
- attrs's hooks (``__attrs_post_init__``) are left out: they check values as they are made,
  which the class's docstring says; nobody calls them.

Needs the ``docs`` extra.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import griffe

__all__ = ["ATTRS_HOOKS", "LONGEST_VALUE", "SpinepathDocs", "convert"]

LONGEST_VALUE = 80
"""Values of attributes longer than this (as source text) are not shown."""

ATTRS_HOOKS = frozenset({"__attrs_pre_init__", "__attrs_post_init__"})
"""Methods attrs calls while making a value; left out of the reference."""

ROLE = re.compile(r":(?:class|func|meth|attr|data|mod|exc|obj):`(?P<tilde>~?)(?P<name>[\w.]+)`")
LITERAL = re.compile(r"::$(?=\n\n[ \t])", re.M)


def convert(text: str, resolve: Callable[[str], str | None]) -> str:
    """``text`` with every role as an autorefs link (or code) and ``::`` before code as ``:``.

    ``resolve`` turns a name as written into the full dotted path it refers to, or ``None``.
    """

    def link(match: re.Match[str]) -> str:
        name = match["name"]
        shown = name.rsplit(".", 1)[-1] if match["tilde"] else name
        target = resolve(name)
        if target is None:
            return f"`{shown}`"
        return f'<autoref identifier="{target}" optional><code>{shown}</code></autoref>'

    return LITERAL.sub(":", ROLE.sub(link, text))


def _resolver(obj: griffe.Object) -> Callable[[str], str | None]:
    def resolve(name: str) -> str | None:
        head, _, rest = name.partition(".")
        if head == obj.package.name:
            return name
        try:
            found = obj.resolve(head)
        except griffe.NameResolutionError:
            return None
        return f"{found}.{rest}" if rest else found

    return resolve


def _objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if isinstance(member, griffe.Object):  # not an alias: each object is visited once
            yield from _objects(member)


class SpinepathDocs(griffe.Extension):
    """Apply the rules of the module docstring to a loaded package."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        hooks = []
        for obj in _objects(pkg):
            if obj.docstring is not None:
                obj.docstring.value = convert(obj.docstring.value, _resolver(obj))
            if isinstance(obj, griffe.Attribute) and len(str(obj.value or "")) > LONGEST_VALUE:
                obj.value = None
            if obj.name in ATTRS_HOOKS and obj.parent is not None and obj.parent.is_class:
                hooks.append(obj)
        for hook in hooks:
            assert hook.parent is not None
            del hook.parent.members[hook.name]
