"""Regular-expression subscriptions of KIP-848 groups: a safe subset of Python's ``re``.

Kafka evaluates ``SubscribedTopicRegex`` with RE2, whose matching time is linear in the input.
Python's ``re`` backtracks, so only patterns whose cost stays bounded are accepted: at most
``MAX_REGEX_LENGTH`` characters, no backreferences, no lookarounds, no conditionals, and no
quantifier inside a quantified group (the shape of catastrophic backtracking, ``(a+)+``).
A topic matches when the whole name matches (RE2's ``matches``).
"""

from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any, Final

#: Longest pattern accepted: topic names are at most 249 characters, and a bounded pattern
#: bounds the compile cost and the parse walk below.
MAX_REGEX_LENGTH: Final = 1024

_REPEATS: Final = frozenset(
    {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}
)
_REFUSED: Final = {
    sre_constants.GROUPREF: "backreferences are not supported",
    sre_constants.GROUPREF_EXISTS: "conditionals are not supported",
    sre_constants.ASSERT: "lookarounds are not supported",
    sre_constants.ASSERT_NOT: "lookarounds are not supported",
}


class RegexError(ValueError):
    """A pattern outside the safe subset (INVALID_REGULAR_EXPRESSION, with this message)."""


def _children(op: Any, av: Any) -> list[Any]:
    """The sub-patterns of one parsed node."""
    if op in _REPEATS:
        return [av[2]]
    if op is sre_constants.SUBPATTERN:
        return [av[3]]
    if op is sre_constants.BRANCH:
        return list(av[1])
    if op is sre_constants.ATOMIC_GROUP:
        return [av]
    return []


def _walk(pattern: Any, inside_repeat: bool) -> None:
    for op, av in pattern:
        reason = _REFUSED.get(op)
        if reason is not None:
            raise RegexError(reason)
        repeat = op in _REPEATS
        if repeat and inside_repeat:
            raise RegexError("nested quantifiers are not supported (unbounded matching cost)")
        for child in _children(op, av):
            _walk(child, inside_repeat or repeat)


def compile_subscription(pattern: str) -> re.Pattern[str]:
    """Check ``pattern`` against the safe subset and compile it; raises ``RegexError``."""
    if not pattern:
        raise RegexError("the regular expression is empty")
    if len(pattern) > MAX_REGEX_LENGTH:
        raise RegexError(f"the regular expression is longer than {MAX_REGEX_LENGTH} characters")
    try:
        parsed = sre_parser.parse(pattern)
        _walk(parsed, inside_repeat=False)
        return re.compile(pattern)
    except re.error as exc:
        raise RegexError(f"invalid regular expression: {exc}") from exc
