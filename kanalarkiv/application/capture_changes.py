"""One pass of an import over a source: each item compared with the record, chunk by chunk —
new, unchanged, edited, hidden or visible again on the platform, deleted by the account — and
at the end the observed deletions: items recorded under a parent the source holds whole that it
no longer has. The same pass validates (``record=False``: nothing saved, the dry run) and records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor
from domain.capture_run import RunCounts
from domain.channel import Channel
from domain.comment import Comment
from domain.grounds import Ground
from domain.post import Post, platform_record_id
from domain.roster import ChannelRoster, valid_assignment
from kanalarkiv.capture.items import Completeness, Deleted, FormatError, Item, normalised
from projections.capture_runs import POSTS

LOOKUP_CHUNK = 500
ACCOUNT_DELETED = "Deleted by the account on the platform, as its export says; why is not recorded there."
Progress = Callable[[str, int, int], None]
"""Told (phase: checking or recording, items read, items stored) after each chunk."""


def record_id(item: Item, channel_id: UUID) -> UUID:
    return platform_record_id("post" if item.kind == "post" else "comment", channel_id, item.platform_id)


@dataclass
class Pass:
    """What one pass needs of the application, and what it has found so far."""

    app: Any  # RecordsApplication: recorded_ids, repository, save chunk
    channel: Channel
    roster: ChannelRoster | None
    run_id: UUID
    by: Actor
    at: datetime
    record: bool
    progress: Progress | None = None
    confirm: Callable[[str], bool] | None = None  # a live source's direct fetch of a missing item
    counts: RunCounts = field(default_factory=RunCounts)
    seen: set[UUID] = field(default_factory=set)
    posts: dict[UUID, Post] = field(default_factory=dict)  # this pass's posts, for their comments
    comment_posts: dict[UUID, UUID] = field(default_factory=dict)  # this pass's comments' posts, for replies
    stored: int = 0
    held_posts: dict[str, datetime] = field(default_factory=dict)  # the source's posts (platform ids): published
    comment_on: dict[str, str] = field(default_factory=dict)  # the source's comments: the post each is on
    _pending: list[Item | Deleted] = field(default_factory=list)

    def read(self, entries: Iterable[Item | Deleted]) -> None:
        last: UUID | None = None
        for entry in entries:
            rid = record_id(_item(entry), self.channel.id)
            # Versions of one item (an edited tweet) stay in one chunk.
            if len(self._pending) >= LOOKUP_CHUNK and rid != last:
                self._flush()
            self._pending.append(entry)
            self._hold(_item(entry))
            last = rid
        self._flush()

    def whole(self, completeness: Completeness, view: Any) -> Completeness:
        """The source's completeness as the record keeps threads: a reply is recorded on the post
        its comment is on, so a post under which a thread is partial is not whole; where every
        thread after a time is in the source, so is every post published after it (recorded
        before or held now) with all its comments, but for those partial threads."""
        after = completeness.every_thread_after
        cut = {self.comment_on.get(parent, parent) for parent in completeness.partial}
        threads = set(completeness.threads)
        if after is not None:
            threads |= {post for post, published in self.held_posts.items() if published > after}
            threads |= set(view.posts_published_after(self.channel.id, after))
        return replace(completeness, threads=threads - cut)

    def _hold(self, item: Item) -> None:
        if item.kind == "post":
            self.held_posts[item.platform_id] = item.published_at
        elif item.kind == "comment" and item.parent_platform_id is not None:
            self.comment_on[item.platform_id] = item.parent_platform_id

    def observe_deletions(self, completeness: Completeness, view: Any) -> None:
        parents = [str(platform_record_id("post", self.channel.id, p)) for p in completeness.threads]
        period = completeness.period if completeness.posts else None
        missing = [r for r in view.present_under(self.channel.id, parents, period) if r["record_id"] not in self.seen]
        if self.confirm is not None:  # not confirmed gone: not recorded; the next poll looks again
            missing = [row for row in missing if self.confirm(row["platform_id"])]
        for start in range(0, len(missing), LOOKUP_CHUNK):
            changed = [self._observe_missing(row) for row in missing[start : start + LOOKUP_CHUNK]]
            self._store([a for a in changed if a is not None])

    def _flush(self) -> None:
        if not self._pending:
            return
        chunk, self._pending = self._pending, []
        ids = [record_id(_item(e), self.channel.id) for e in chunk]
        existing = self.app._recorded_ids(list(set(ids)))
        touched: dict[UUID, Aggregate] = {}
        final = {rid: index for index, rid in enumerate(ids)}
        for index, (rid, entry) in enumerate(zip(ids, chunk, strict=True)):
            if rid in existing and index != final[rid] and not isinstance(entry, Deleted):
                continue  # an earlier version of a recorded item: only its latest is compared
            aggregate = touched.get(rid) or (self._load(rid) if rid in existing else None)
            aggregate = self._apply(entry, aggregate, rid)
            if aggregate is not None:
                touched[rid] = aggregate
            self.seen.add(rid)
        self._count(read=len(chunk))
        self._store([a for a in touched.values() if a.pending_events])

    def _apply(self, entry: Item | Deleted, aggregate: Any, rid: UUID) -> Aggregate | None:
        item = _item(entry)
        if aggregate is None:
            if rid in self.seen:  # recorded by this (dry) pass in an earlier chunk
                return None
            if not item.text:
                raise FormatError(item.where, f"{item.kind} {item.platform_id} is neither in the export nor recorded")
            aggregate = self._create(item, rid)
            self._count(new=1)
        elif not isinstance(entry, Deleted):
            self._compare(aggregate, item)
        self._visibility(aggregate, item)
        if isinstance(entry, Deleted):
            self._account_deleted(aggregate, entry)
        return aggregate  # type: ignore[no-any-return]

    def _create(self, item: Item, rid: UUID) -> Aggregate:
        by, at = self.by, self.at
        if item.kind == "post":
            assignment = valid_assignment(self.roster, item.platform_author_id, item.published_at)
            post = Post.capture(rid, self.channel, assignment, item.platform_id, item.text, item.published_at, at,
                                item.platform_author_id, item.author_name, by=by, at=at)  # fmt: skip
            self.posts[rid] = post
            return post
        post = self._post_of(item)
        self.comment_posts[rid] = post.id
        return Comment.receive(rid, post, item.platform_id, item.author_name, item.platform_author_id, item.text,
                               item.published_at, at, by=by, at=at)  # fmt: skip

    def _post_of(self, item: Item) -> Post:
        if item.parent_platform_id is None:
            raise FormatError(item.where, "a comment names the post it is on")
        rid = platform_record_id("post", self.channel.id, item.parent_platform_id)
        if item.kind == "reply":  # on a comment: recorded as a comment on the same post
            rid = self._post_of_comment(item, platform_record_id("comment", self.channel.id, item.parent_platform_id))
        post = self.posts.get(rid)
        if post is None:
            if rid not in self.app.repository:
                raise FormatError(
                    item.where, f"is on post {item.parent_platform_id}, neither in the export nor recorded"
                )
            post = self.posts[rid] = self.app.get_post(rid)
        return post

    def _post_of_comment(self, item: Item, comment_id: UUID) -> UUID:
        post_id = self.comment_posts.get(comment_id)
        if post_id is None and comment_id in self.app.repository:
            post_id = self.app.repository.get(comment_id).post_id
        if post_id is None:
            raise FormatError(
                item.where, f"answers comment {item.parent_platform_id}, neither in the export nor recorded"
            )
        return post_id

    def _compare(self, aggregate: Any, item: Item) -> None:
        gone = aggregate.observed_deleted or getattr(aggregate, "deleted", False)
        if gone or normalised(aggregate.text) == normalised(item.text):
            self._count(unchanged=0 if item.hidden is not None and item.hidden != aggregate.platform_hidden else 1)
            return
        if isinstance(aggregate, Post):
            when = item.edited_at if item.edited_at and item.edited_at >= aggregate.changed_at else self.at
            aggregate.edit(item.text, None, when, self.at, by=self.by, at=self.at,
                           channel_registered_at=self.channel.created_on)  # fmt: skip
        else:
            aggregate.capture_edit(item.text, item.edited_at, self.run_id, self.at, by=self.by, at=self.at)
        self._count(edited=1)

    def _visibility(self, aggregate: Any, item: Item) -> None:
        if item.hidden is None or item.hidden == aggregate.platform_hidden or aggregate.observed_deleted:
            return
        aggregate.observe_visibility(item.hidden, self.run_id, self.at, by=self.by, at=self.at)
        self._count(**({"hidden": 1} if item.hidden else {"unhidden": 1}))

    def _account_deleted(self, aggregate: Any, entry: Deleted) -> None:
        if getattr(aggregate, "deleted", False) or aggregate.observed_deleted:
            self._count(unchanged=1)
            return
        when = entry.deleted_at
        if isinstance(aggregate, Post):
            when = when if when and when >= aggregate.changed_at else self.at
            aggregate.delete(Ground.NOT_STATED.value, ACCOUNT_DELETED, None, when, self.at, by=self.by, at=self.at,
                             channel_registered_at=self.channel.created_on)  # fmt: skip
        else:
            aggregate.observe_deletion(self.run_id, None, aggregate.received_at, self.at, when, by=self.by, at=self.at)
        self._count(account_deleted=1)

    def _observe_missing(self, row: dict[str, Any]) -> Aggregate | None:
        aggregate: Any = self._load(row["record_id"])
        if aggregate is None or aggregate.observed_deleted or getattr(aggregate, "deleted", False):
            return None
        seen_in_run = row["run_id"] is not None and row["run_position"] > row["position"]
        last_run, last_at = (row["run_id"], row["run_at"]) if seen_in_run else (None, row["seen_at"])
        aggregate.observe_deletion(self.run_id, last_run, last_at, self.at, None, by=self.by, at=self.at)
        self._count(deletions_observed=1)
        return aggregate  # type: ignore[no-any-return]

    def _load(self, rid: UUID) -> Aggregate | None:
        aggregate = self.app.repository.get(rid)
        if aggregate.channel_id != self.channel.id:
            return None
        return aggregate  # type: ignore[no-any-return]

    def _store(self, aggregates: list[Aggregate]) -> None:
        if self.record:
            self.app.save_in_chunks(aggregates)
            self.stored += len(aggregates)
        else:
            for aggregate in aggregates:
                aggregate.collect_events()  # validated; nothing is kept of a dry pass
        if self.progress is not None:
            self.progress("recording" if self.record else "checking", self.counts.read, self.stored)

    def _count(self, **more: int) -> None:
        self.counts = replace(self.counts, **{k: getattr(self.counts, k) + v for k, v in more.items()})


def _item(entry: Item | Deleted) -> Item:
    return entry.item if isinstance(entry, Deleted) else entry


__all__ = ["POSTS", "Pass", "Progress", "record_id"]
