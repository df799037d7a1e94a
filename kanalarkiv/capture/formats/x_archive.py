"""X's archive ("Download an archive of your data"): ``data/tweets.js`` (or ``tweets-partN.js``),
``data/deleted-tweets.js`` and ``data/account.js``, each ``window.YTD.<name>.partN = [ … ]``.

Every tweet in it is the account's own, so every tweet is a post (an upprättad handling), a reply
in its own thread included: the archive holds no one else's tweets, and a reply the body wrote is
the body's text, not a comment received (``in_reply_to_status_id_str`` is not kept). The versions
of an edited tweet (``edit_info``) are one post: the first version, then each later one as an
edit at the time X gives it. The archive holds every tweet the account has not deleted, so its
posts are complete for the period from the account's creation (or the first tweet) to when the
archive was made (``manifest.js``; else the last tweet)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kanalarkiv.capture.formats.jsontext import array_items, aware, decoded
from kanalarkiv.capture.items import Account, Bundle, Completeness, Deleted, FormatError, Item

FORMAT = "x-archive"
_PREFIX = re.compile(r"\s*window\.YTD\.([A-Za-z_]+)\.part(\d+)\s*=\s*")
_TWEETS = re.compile(r"(^|/)data/tweets?(-part\d+)?\.js$")
_DELETED = re.compile(r"(^|/)data/deleted-tweets(-part\d+)?\.js$")
_CREATED_AT = "%a %b %d %H:%M:%S %z %Y"


@dataclass
class XArchiveSource:
    bundle: Bundle
    format: str = FORMAT
    _account: Account | None = None
    _display_name: str = "X-kontot"
    _period: list[datetime] = field(default_factory=list)

    def items(self) -> Iterator[Item | Deleted]:
        names = self.bundle.names()
        tweet_files = sorted((n for n in names if _TWEETS.search(n)), key=_part_number)
        if not tweet_files:
            raise FormatError(self.bundle.label, "has no data/tweets.js: not an X archive")
        self._period = []
        self._read_account(names)
        edited: dict[str, list[tuple[int, dict[str, Any], str]]] = {}
        for name in tweet_files:
            for where, tweet in self._tweets(name):
                group = edit_group(tweet, where)
                if group is None:
                    yield self._item(tweet, where)
                else:
                    initial, order = group
                    edited.setdefault(initial, []).append((order, tweet, where))
        for versions in edited.values():
            yield from self._versions(sorted(versions, key=lambda v: v[0]))
        for name in sorted((n for n in names if _DELETED.search(n)), key=_part_number):
            for where, tweet in self._tweets(name):
                when = tweet.get("deleted_at")
                yield Deleted(self._item(tweet, where), aware(when, where, "deleted_at") if when else None)

    def completeness(self) -> Completeness:
        return Completeness(posts=True, period=(min(self._period), max(self._period)) if self._period else None)

    def account(self) -> Account | None:
        return self._account

    def _read_account(self, names: list[str]) -> None:
        account_file = next((n for n in names if n.endswith("data/account.js")), None)
        if account_file is not None:
            for where, record in self._records(account_file, "account"):
                self._account = Account(_str(record.get("accountId")), _str(record.get("username")))
                self._display_name = _str(record.get("accountDisplayName")) or f"@{record.get('username')}"
                if record.get("createdAt"):
                    self._period.append(aware(record["createdAt"], where, "createdAt"))
        manifest = next((n for n in names if n.endswith("data/manifest.js")), None)
        if manifest is not None:
            text = decoded(self.bundle.read(manifest), manifest)
            match = re.search(r'"generationDate"\s*:\s*"([^"]+)"', text)
            if match:
                self._period.append(aware(match.group(1), manifest, "generationDate"))

    def _tweets(self, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
        yield from self._records(name, "tweet")

    def _records(self, name: str, wrapper: str) -> Iterator[tuple[str, dict[str, Any]]]:
        label = f"{self.bundle.label}:{name}" if name != self.bundle.label else name
        text = decoded(self.bundle.read(name), label)
        prefix = _PREFIX.match(text)
        if prefix is None:
            raise FormatError(
                f"{label} line 1", "does not begin with window.YTD.<name>.partN = : not an X archive file"
            )
        for index, (line, value) in enumerate(array_items(text, prefix.end(), label)):
            where = f"{label} line {line}, item {index}"
            record = value.get(wrapper) if isinstance(value, dict) else None
            if not isinstance(record, dict):
                raise FormatError(where, f'expected {{"{wrapper}": {{…}}}}')
            yield where, record

    def _item(self, tweet: dict[str, Any], where: str, platform_id: str | None = None, **changes: Any) -> Item:
        published = tweet_time(tweet, where)
        self._period.append(published)
        own_id = tweet_id(tweet, where)
        return Item(
            kind="post",
            platform_id=platform_id or own_id,
            parent_platform_id=None,
            author_name=self._display_name,
            platform_author_id=None,
            text=_full_text(tweet, where),
            published_at=changes.pop("published_at", published),
            attachments=attachments(tweet),
            where=where,
            **changes,
        )

    def _versions(self, versions: list[tuple[int, dict[str, Any], str]]) -> Iterator[Item]:
        _, first, first_where = versions[0]
        initial = self._item(first, first_where)
        yield initial
        for _, tweet, where in versions[1:]:
            yield self._item(
                tweet,
                where,
                platform_id=initial.platform_id,
                published_at=initial.published_at,
                edited_at=tweet_time(tweet, where),
            )


def reader(bundle: Bundle) -> XArchiveSource:
    return XArchiveSource(bundle)


def _part_number(name: str) -> int:
    match = re.search(r"-part(\d+)\.js$", name)
    return int(match.group(1)) if match else 0


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def tweet_id(tweet: dict[str, Any], where: str) -> str:
    value = tweet.get("id_str") or tweet.get("id")
    if not isinstance(value, str) or not value.isdigit():
        raise FormatError(where, "id_str must be the tweet's id (digits)")
    return value


def tweet_time(tweet: dict[str, Any], where: str) -> datetime:
    value = tweet.get("created_at")
    try:
        return datetime.strptime(str(value), _CREATED_AT)
    except ValueError:
        raise FormatError(where, f"created_at {value!r} is not like 'Tue Sep 25 10:00:00 +0000 2018'") from None


def _full_text(tweet: dict[str, Any], where: str) -> str:
    text = tweet.get("full_text", tweet.get("text"))
    if not isinstance(text, str) or not text.strip():
        raise FormatError(where, "full_text must be the tweet's text")
    return text


def edit_group(tweet: dict[str, Any], where: str) -> tuple[str, int] | None:
    """(the first version's id, this version's place) for a tweet that was edited; None otherwise."""
    info = tweet.get("edit_info") or {}
    control = (info.get("initial") or (info.get("edit") or {}).get("editControlInitial")) or {}
    ids = control.get("editTweetIds") or []
    if not isinstance(ids, list) or len(ids) < 2:
        return None
    own = tweet_id(tweet, where)
    if own not in ids:
        raise FormatError(where, f"edit_info does not list the tweet's own id {own}")
    return str(ids[0]), ids.index(own)


def attachments(tweet: dict[str, Any]) -> tuple[str, ...]:
    """Media and links as references (URLs), never the bytes."""
    found: list[str] = []
    for entities in (tweet.get("entities") or {}, tweet.get("extended_entities") or {}):
        for media in entities.get("media") or []:
            url = media.get("media_url_https") or media.get("expanded_url")
            if isinstance(url, str) and url not in found:
                found.append(url)
    for link in (tweet.get("entities") or {}).get("urls") or []:
        url = link.get("expanded_url")
        if isinstance(url, str) and url not in found:
            found.append(url)
    return tuple(found)
