"""Principals of TLS clients: a certificate's distinguished name, and Kafka's
``ssl.principal.mapping.rules`` that turn it into a user name.

``distinguished_name`` prints the subject of ``ssl.SSLSocket.getpeercert()`` as Java's
``X500Principal.getName()`` does (RFC 2253: most specific RDN first, ``CN=alice,OU=eng,O=Acme``),
so that rules written for Kafka match the same strings here. ``PrincipalMapper`` applies the
rules: ``DEFAULT`` (the whole DN) or ``RULE:<regex>/<replacement>/[LU]``, tried in order, the
first whose regex matches the whole DN wins. Pure: no IO.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

__all__ = [
    "ANONYMOUS",
    "NoMatchingRule",
    "PrincipalMapper",
    "distinguished_name",
]

ANONYMOUS: Final = "User:ANONYMOUS"

#: One rule of ``ssl.principal.mapping.rules`` (Kafka's grammar): ``DEFAULT``, or
#: ``RULE:pattern/replacement/`` with an optional ``L`` or ``U`` (lower or upper case the
#: result); ``\`` escapes a ``/`` (or anything) inside the pattern and the replacement.
_RULE: Final = re.compile(r"(DEFAULT)|RULE:((?:\\.|[^\\/])*)/((?:\\.|[^\\/])*)/([LU]?)")
#: The rules list: rules separated by commas (a comma inside a rule's pattern is part of it
#: as long as the rule goes on to its closing ``/``).
_SPLITTER: Final = re.compile(
    r"\s*((?:DEFAULT)|RULE:(?:\\.|[^\\/])*/(?:\\.|[^\\/])*/[LU]?.*?|.*?)\s*(?:,\s*|$)"
)
#: Java's named group ``(?<name>`` is Python's ``(?P<name>``.
_JAVA_NAMED_GROUP: Final = re.compile(r"\(\?<(?=[A-Za-z])")


class NoMatchingRule(ValueError):
    """No rule of ``ssl.principal.mapping.rules`` applies to a DN (Kafka refuses the client)."""


class _Rule:
    __slots__ = ("case", "pattern", "replace")

    def __init__(self, pattern: str | None, replacement: str, case: str) -> None:
        try:
            self.pattern = re.compile(_JAVA_NAMED_GROUP.sub("(?P<", pattern)) if pattern else None
        except re.error as exc:
            raise ValueError(f"ssl.principal.mapping.rules: bad regex {pattern!r}: {exc}") from None
        self.replace = _java_replacement(replacement, self.pattern) if self.pattern else None
        self.case = case

    def apply(self, dn: str) -> str | None:
        if self.pattern is None or self.replace is None:
            return dn  # DEFAULT
        if self.pattern.fullmatch(dn) is None:
            return None
        # Java's String.replaceAll over the whole DN (a pattern that can match empty also
        # matches at the end, as in Java).
        result = self.pattern.sub(self.replace, dn)
        if self.case == "L":
            return result.lower()
        if self.case == "U":
            return result.upper()
        return result


def _java_replacement(text: str, pattern: re.Pattern[str]) -> Callable[[re.Match[str]], str]:
    """Java's ``Matcher.replaceAll`` replacement: ``$n`` and ``${name}`` are groups, ``\\c`` is
    the character c. ValueError names a group the pattern does not have."""
    parts: list[str | int] = []  # literal text, or a group (number or name)
    named: list[str] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            literal.append(text[i + 1])
            i += 2
            continue
        if c == "$":
            if text.startswith("{", i + 1):
                end = text.find("}", i + 2)
                name = text[i + 2 : end] if end > 0 else ""
                if not name or name not in pattern.groupindex:
                    raise ValueError(
                        f"ssl.principal.mapping.rules: no group {{{name}}} in {text!r}"
                    )
                parts.append("".join(literal))
                literal = []
                named.append(name)
                parts.append(pattern.groupindex[name])
                i = end + 1
                continue
            j = i + 1
            while j < len(text) and text[j].isdigit():
                j += 1
            if j == i + 1:
                raise ValueError(f"ssl.principal.mapping.rules: lone $ in {text!r}")
            # Java reads as many digits as still name a group of the pattern.
            digits = text[i + 1 : j]
            number = int(digits[0])
            used = 1
            while used < len(digits) and int(digits[: used + 1]) <= pattern.groups:
                used += 1
                number = int(digits[:used])
            if number > pattern.groups:
                raise ValueError(f"ssl.principal.mapping.rules: no group {number} in {text!r}")
            parts.append("".join(literal))
            literal = [digits[used:]]
            parts.append(number)
            i = j
            continue
        literal.append(c)
        i += 1
    parts.append("".join(literal))

    def expand(match: re.Match[str]) -> str:
        return "".join(p if isinstance(p, str) else (match.group(p) or "") for p in parts)

    return expand


class PrincipalMapper:
    """``ssl.principal.mapping.rules``: a TLS client's DN -> ``User:<name>``."""

    __slots__ = ("_rules",)

    def __init__(self, rules: str) -> None:
        """Parse the rules; ValueError (one line) on a malformed one."""
        parsed: list[_Rule] = []
        for found in _SPLITTER.finditer(rules.strip()):
            text = found.group(1)
            if not text:
                continue  # empty rules are ignored, as Kafka does
            match = _RULE.fullmatch(text)
            if match is None:
                raise ValueError(f"ssl.principal.mapping.rules: invalid rule {text!r}")
            if match.group(1):
                parsed.append(_Rule(None, "", ""))
            else:
                parsed.append(_Rule(match.group(2), match.group(3), match.group(4)))
        self._rules: tuple[_Rule, ...] = tuple(parsed) if parsed else (_Rule(None, "", ""),)

    def principal_for_dn(self, dn: str) -> str:
        """``"User:" +`` the first rule's result; NoMatchingRule if no rule applies."""
        for rule in self._rules:
            name = rule.apply(dn)
            if name is not None:
                return "User:" + name
        raise NoMatchingRule(f"no ssl.principal.mapping.rules rule applies to {dn!r}")


#: OpenSSL's attribute names (as ``getpeercert()`` prints them) -> the keyword Java's
#: ``X500Principal.getName()`` prints; other attributes are printed as ``OID=#hex``.
_KEYWORDS: Final = {
    "commonName": "CN",
    "countryName": "C",
    "localityName": "L",
    "stateOrProvinceName": "ST",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "streetAddress": "STREET",
    "domainComponent": "DC",
    "userId": "UID",
}
#: The other attributes certificates carry: OID and the ASN.1 string tag they are written with
#: (``getpeercert()`` gives only the text, so the tag is the one the standards prescribe:
#: IA5String for e-mail, PrintableString for serial numbers and DN qualifiers, UTF8String
#: otherwise).
_OIDS: Final = {
    "emailAddress": ("1.2.840.113549.1.9.1", 0x16),
    "serialNumber": ("2.5.4.5", 0x13),
    "surname": ("2.5.4.4", 0x0C),
    "givenName": ("2.5.4.42", 0x0C),
    "title": ("2.5.4.12", 0x0C),
    "initials": ("2.5.4.43", 0x0C),
    "generationQualifier": ("2.5.4.44", 0x0C),
    "dnQualifier": ("2.5.4.46", 0x13),
    "pseudonym": ("2.5.4.65", 0x0C),
    "businessCategory": ("2.5.4.15", 0x0C),
    "postalCode": ("2.5.4.17", 0x0C),
    "name": ("2.5.4.41", 0x0C),
}
#: Characters RFC 2253 values escape with a backslash (Java escapes ``=`` and ``#`` too).
_ESCAPED: Final = frozenset(',=+<>#;"\\')
_OID_TEXT: Final = re.compile(r"\d+(?:\.\d+)+")


def _der_string(tag: int, value: str) -> bytes:
    body = value.encode("utf-8")
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _escape(value: str) -> str:
    out: list[str] = []
    last = len(value) - 1
    for i, c in enumerate(value):
        if c == "\0":
            out.append("\\00")
        elif c in _ESCAPED or (c == " " and i in (0, last)):
            out.append("\\" + c)  # a leading or trailing space is escaped too
        else:
            out.append(c)
    return "".join(out)


def _ava(name: str, value: str) -> str:
    keyword = _KEYWORDS.get(name)
    if keyword is not None:
        return f"{keyword}={_escape(value)}"
    oid, tag = _OIDS.get(name, (name, 0x0C))
    if _OID_TEXT.fullmatch(oid) is None:
        return f"{name}={_escape(value)}"  # an attribute neither Java nor we can name
    return f"{oid}=#{_der_string(tag, value).hex()}"


def distinguished_name(peercert: dict[str, Any]) -> str:
    """The subject of ``getpeercert()``'s dict in RFC 2253 as Java prints it (most specific
    RDN first, ``+`` between the attributes of a multi-valued RDN); empty if there is none."""
    subject = peercert.get("subject") or ()
    rdns = ["+".join(_ava(str(name), str(value)) for name, value in rdn) for rdn in subject]
    return ",".join(reversed(rdns))
