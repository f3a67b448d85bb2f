"""The bank's events and the pure fold that turns them into account state.

Every fact is an event in ``bank.account-events``, keyed by account id, as JSON::

    {"type": "opened", "account": "alice", "owner": "Alice", "command_id": "..."}
    {"type": "deposited", "account": "alice", "amount": 500, "command_id": "..."}
    {"type": "withdrawn", "account": "alice", "amount": 200, "command_id": "..."}
    {"type": "transfer_debited", "account": "alice", "to": "bob", "amount": 100,
     "command_id": "..."}
    {"type": "transfer_credited", "account": "bob", "from": "alice", "amount": 100,
     "command_id": "..."}

Amounts are integer cents. A transfer is two events on two accounts (which may live on two
partitions): the debit, appended conditionally after the source's balance was checked, then
the credit, appended to the destination once (its state remembers credited transfers), by the
instance that took the command or, should that one die in between, by any other.

Nothing here does I/O: ``decide`` validates a command against the state and returns the event
to append, ``apply`` folds an event into the state. The services, the tests and the projector
all use the same fold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "Account",
    "CommandRejected",
    "Event",
    "apply",
    "decide_deposit",
    "decide_open",
    "decide_transfer_credit",
    "decide_transfer_debit",
    "decide_withdraw",
    "decode",
    "encode",
    "json_bytes",
    "json_load",
]

#: Largest amount one command may move (cents): keeps balances far from any integer limit.
MAX_AMOUNT: Final = 10**12

Event = dict[str, Any]

EVENT_TYPES: Final = frozenset(
    {"opened", "deposited", "withdrawn", "transfer_debited", "transfer_credited"}
)


class CommandRejected(Exception):
    """The command breaks a rule of the account (HTTP status ``status``)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Account:
    """One account's state, folded from its events."""

    account: str
    owner: str
    balance: int = 0
    #: Ids of the transfers credited to this account: a credit is appended once only.
    credited: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "owner": self.owner,
            "balance": self.balance,
            "credited": sorted(self.credited),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Account:
        return cls(data["account"], data["owner"], data["balance"], set(data["credited"]))


def encode(event: Event) -> bytes:
    return json.dumps(event, separators=(",", ":"), sort_keys=True).encode()


def decode(raw: bytes) -> Event:
    event: Event = json.loads(raw)
    if event.get("type") not in EVENT_TYPES:
        raise ValueError(f"not a bank event: {event!r}")
    return event


def apply(accounts: dict[str, Account], event: Event) -> None:
    """Fold one event into ``accounts`` (every account of a partition, by id)."""
    kind = event["type"]
    account_id = event["account"]
    if kind == "opened":
        accounts[account_id] = Account(account_id, event["owner"])
        return
    account = accounts[account_id]
    if kind == "deposited":
        account.balance += event["amount"]
    elif kind in ("withdrawn", "transfer_debited"):
        account.balance -= event["amount"]
    elif kind == "transfer_credited":
        account.balance += event["amount"]
        account.credited.add(event["command_id"])


# -- decisions: command + state -> event (or CommandRejected) --------------------------------


def _amount(amount: object) -> int:
    if type(amount) is not int or not 0 < amount <= MAX_AMOUNT:
        raise CommandRejected(f"amount must be a whole number of cents in 1..{MAX_AMOUNT}", 400)
    return amount


def _existing(accounts: dict[str, Account], account_id: str) -> Account:
    account = accounts.get(account_id)
    if account is None:
        raise CommandRejected(f"no account {account_id!r}", 404)
    return account


def decide_open(
    accounts: dict[str, Account], account_id: str, owner: str, command_id: str
) -> Event:
    if not account_id or len(account_id) > 64:
        raise CommandRejected("an account id is 1 to 64 characters", 400)
    if account_id in accounts:
        raise CommandRejected(f"account {account_id!r} exists already")
    return {"type": "opened", "account": account_id, "owner": owner, "command_id": command_id}


def decide_deposit(
    accounts: dict[str, Account], account_id: str, amount: object, command_id: str
) -> Event:
    _existing(accounts, account_id)
    return {
        "type": "deposited",
        "account": account_id,
        "amount": _amount(amount),
        "command_id": command_id,
    }


def decide_withdraw(
    accounts: dict[str, Account], account_id: str, amount: object, command_id: str
) -> Event:
    account = _existing(accounts, account_id)
    cents = _amount(amount)
    if account.balance < cents:
        raise CommandRejected(f"insufficient funds: {account_id} has {account.balance}")
    return {"type": "withdrawn", "account": account_id, "amount": cents, "command_id": command_id}


def decide_transfer_debit(
    accounts: dict[str, Account], source: str, target: str, amount: object, command_id: str
) -> Event:
    """The first half of a transfer (the caller checked that ``target`` exists)."""
    if source == target:
        raise CommandRejected("a transfer needs two different accounts", 400)
    account = _existing(accounts, source)
    cents = _amount(amount)
    if account.balance < cents:
        raise CommandRejected(f"insufficient funds: {source} has {account.balance}")
    return {
        "type": "transfer_debited",
        "account": source,
        "to": target,
        "amount": cents,
        "command_id": command_id,
    }


def decide_transfer_credit(accounts: dict[str, Account], debit: Event) -> Event | None:
    """The second half of a transfer, or None when it was credited already."""
    account = _existing(accounts, debit["to"])
    if debit["command_id"] in account.credited:
        return None
    return {
        "type": "transfer_credited",
        "account": debit["to"],
        "from": debit["account"],
        "amount": debit["amount"],
        "command_id": debit["command_id"],
    }


def json_bytes(data: Any) -> bytes:
    """Compact JSON (snapshots, alerts)."""
    return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


def json_load(raw: bytes) -> Any:
    return json.loads(raw)
