"""TLS principals: RFC 2253 names from ``getpeercert()`` as Java prints them, and Kafka's
``ssl.principal.mapping.rules``."""

from __future__ import annotations

from typing import Any

import pytest

from broker.security.principal import (
    ANONYMOUS,
    NoMatchingRule,
    PrincipalMapper,
    distinguished_name,
)

pytestmark = pytest.mark.timeout(10)


def _cert(*rdns: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """A ``getpeercert()`` dict whose subject lists ``rdns`` in certificate order."""
    return {"subject": rdns, "issuer": ((("commonName", "ca"),),)}


@pytest.mark.parametrize(
    ("peercert", "dn"),
    [
        (
            _cert(
                (("countryName", "GB"),),
                (("organizationName", "Acme"),),
                (("organizationalUnitName", "eng"),),
                (("commonName", "alice"),),
            ),
            "CN=alice,OU=eng,O=Acme,C=GB",
        ),
        (
            _cert(
                (("domainComponent", "com"),),
                (("domainComponent", "example"),),
                (("localityName", "Leeds"),),
                (("stateOrProvinceName", "Yorks"),),
                (("streetAddress", "1 Main St"),),
                (("userId", "u1"),),
            ),
            "UID=u1,STREET=1 Main St,ST=Yorks,L=Leeds,DC=example,DC=com",
        ),
        # A multi-valued RDN keeps its attributes' order, joined by +.
        (_cert((("commonName", "bob"), ("organizationalUnitName", "ops"))), "CN=bob+OU=ops"),
        # Java's escapes: , = + < > # ; " \ everywhere, a space at either end.
        (
            _cert((("commonName", 'a,b=c+d<e>f#g;h"i\\j'),)),
            'CN=a\\,b\\=c\\+d\\<e\\>f\\#g\\;h\\"i\\\\j',
        ),
        (_cert((("commonName", " padded "),)), "CN=\\ padded\\ "),
        (_cert((("commonName", "#1"),)), "CN=\\#1"),
        (_cert((("commonName", "émilie"),)), "CN=émilie"),
        # Attributes without a keyword: OID=#hex of the DER value, as Java prints them.
        (
            _cert((("commonName", "carol"),), (("emailAddress", "c@x.io"),)),
            "1.2.840.113549.1.9.1=#16066340782e696f,CN=carol",
        ),
        (
            _cert(
                (("serialNumber", "42"),),
            ),
            "2.5.4.5=#13023432",
        ),
        (
            _cert(
                (("1.3.6.1.4.1.99", "v"),),
            ),
            "1.3.6.1.4.1.99=#0c0176",
        ),
        ({}, ""),
    ],
)
def test_distinguished_name(peercert: dict[str, Any], dn: str) -> None:
    assert distinguished_name(peercert) == dn


DN = "CN=alice,OU=ServiceUsers,O=Acme,L=Leeds,ST=Yorks,C=GB"


@pytest.mark.parametrize(
    ("rules", "dn", "principal"),
    [
        ("DEFAULT", DN, "User:" + DN),
        ("", DN, "User:" + DN),
        ("RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/", DN, "User:alice"),
        ("RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/U", DN, "User:ALICE"),
        ("RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=.*$/$1@$2/L", DN, "User:alice@serviceusers"),
        # First matching rule wins; a rule that does not match the whole DN is skipped.
        ("RULE:^CN=bob.*$/bob/, RULE:^CN=(.*?),.*$/x-$1/, DEFAULT", DN, "User:x-alice"),
        ("RULE:CN=alice/nope/,DEFAULT", DN, "User:" + DN),
        # Escaped slashes and dollars, named groups, a literal digit after a group.
        ("RULE:^CN=([^,]*),.*$/a\\/b\\$$1/", DN, "User:a/b$alice"),
        ("RULE:^CN=(?<who>[^,]*),.*$/${who}/", DN, "User:alice"),
        ("RULE:^CN=([^,]*),.*$/$10/", DN, "User:alice0"),
        # A comma inside a rule's regex belongs to the rule.
        ("RULE:^CN=([^,]*),OU=([^,]*),.*$/$2.$1/L,DEFAULT", DN, "User:serviceusers.alice"),
    ],
)
def test_mapping_rules(rules: str, dn: str, principal: str) -> None:
    assert PrincipalMapper(rules).principal_for_dn(dn) == principal


def test_no_matching_rule() -> None:
    mapper = PrincipalMapper("RULE:^CN=bob,.*$/bob/")
    with pytest.raises(NoMatchingRule, match=r"no ssl\.principal\.mapping\.rules rule applies"):
        mapper.principal_for_dn(DN)
    assert isinstance(NoMatchingRule("x"), ValueError)


@pytest.mark.parametrize(
    ("rules", "match"),
    [
        ("NONSENSE", "invalid rule 'NONSENSE'"),
        ("RULE:a/b", "invalid rule"),
        ("RULE:a/b/X", "invalid rule 'RULE:a/b/X'"),
        ("DEFAULT,RULE:(/x/", "bad regex"),
        ("RULE:(a)/$2/", "no group 2"),
        ("RULE:(a)/${n}/", "no group {n}"),
        ("RULE:(a)/x$/", "lone \\$"),
    ],
)
def test_bad_rules(rules: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        PrincipalMapper(rules)


def test_anonymous() -> None:
    assert ANONYMOUS == "User:ANONYMOUS"
