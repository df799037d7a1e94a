"""What a capture source yields: the platform's own posts, comments and replies as items, the
items the account itself deleted, and how complete the source is (which decides whether an item
missing from it may be taken as deleted on the platform)."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol, runtime_checkable

Kind = Literal["post", "comment", "reply"]


class FormatError(ValueError):
    """The file is not what its format says: names the file and the line or item (``where``)."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class Item:
    """One post, comment or reply as the platform holds it."""

    kind: Kind
    platform_id: str  # the platform's id; a source without ids derives one (``derived_id``)
    parent_platform_id: str | None  # the post a comment is on; the comment a reply answers; None for a post
    author_name: str
    platform_author_id: str | None
    text: str
    published_at: datetime  # the platform's time, timezone-aware
    edited_at: datetime | None = None  # the platform's time of the last edit, when it gives one
    hidden: bool | None = None  # hidden (or held for review) on the platform; None: the source does not say
    attachments: tuple[str, ...] = ()  # references (URLs, or names of files in the export), never the bytes
    where: str = ""  # "data/tweets.js item 12": for messages about this item


@dataclass(frozen=True)
class Deleted:
    """An item the account deleted itself, as the source tells it (X's ``deleted-tweets.js``):
    recorded as a deletion with the platform's time where it is given."""

    item: Item
    deleted_at: datetime | None


@dataclass
class Completeness:
    """What the source holds whole. Only there may an item recorded before and missing now be
    taken as an observed deletion; a bounded window (a feed's latest N) is never complete."""

    posts: bool = False  # every post of the account (in ``period``) is in the source
    period: tuple[datetime, datetime] | None = None  # the platform times the source covers, when it says
    threads: set[str] = field(default_factory=set)  # platform ids of parents whose every child is in the source
    # Parents of which the source holds some children but not all (a listing that goes on). A reply
    # is recorded on the post its comment is on, so a post with such a comment is not whole either.
    partial: set[str] = field(default_factory=set)
    # Every thread of the account begun after this time is in the source (``EVERY_THREAD``: all of
    # them): so is every comment and reply on a post published after it, but under ``partial``.
    every_thread_after: datetime | None = None


EVERY_THREAD = datetime.min.replace(tzinfo=UTC)
"""``every_thread_after`` of a source that holds every thread of the account, however old."""


@dataclass(frozen=True)
class Account:
    """The account an export is of, as the export names it (X's ``account.js``): compared with the
    channel's address and with the account of the channel's earlier captures."""

    platform_id: str | None
    handle: str | None


@runtime_checkable
class NamesAccount(Protocol):
    """A source that can say which account it is of (valid once ``items()`` has been read)."""

    def account(self) -> Account | None: ...


@runtime_checkable
class ConfirmsDeletions(Protocol):
    """A source that can ask the platform directly whether an item missing from it is gone (a live
    source: its connector's ``confirm_deleted``). Only a confirmed absence is an observed deletion."""

    def confirm_deleted(self, platform_id: str) -> bool: ...


class Bundle(Protocol):
    """The file or files a source is read from: one file, a directory, or a zip archive."""

    @property
    def label(self) -> str:
        """The file or directory name, for messages."""
        ...

    def names(self) -> list[str]: ...

    def read(self, name: str) -> bytes: ...


class Source(Protocol):
    """A format's reader over one bundle."""

    format: str

    def items(self) -> Iterator[Item | Deleted]: ...

    def completeness(self) -> Completeness:
        """Valid once ``items()`` has been read to its end."""
        ...


def normalised(text: str) -> str:
    """Text as compared between captures: NFC, whitespace runs as one space, no space at the ends."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def derived_id(kind: Kind, published_at: datetime, text: str) -> str:
    """An id for a source that gives none (Facebook's "Download your information"): the platform
    time and the normalised text. Two items with the same time and text are one item; an item
    whose text was edited on the platform gets a new id (the export keeps only the last text)."""
    digest = hashlib.sha256(normalised(text).encode()).hexdigest()[:20]
    return f"{kind}:{int(published_at.timestamp())}:{digest}"
