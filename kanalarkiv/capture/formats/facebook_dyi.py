"""Facebook's "Download your information" for a Page, JSON format (nedladdad kopia av sidans data).

The format has no published schema; its shape is what the export writes (and what tools that
read it, such as deface, document):

- posts files, ``posts/your_posts_1.json`` (``your_posts__check_ins__photos_and_videos_1.json``,
  ``profile_posts_1.json`` in newer exports; albums and video lists beside them are not read): a list of
  ``{"timestamp": <Unix seconds>, "data": [{"post": text}, {"update_timestamp": s}],
  "attachments": [{"data": [{"media": {"uri", "description", "comments": [...]}},
  {"external_context": {"url"}}]}], "title": "..."}``;
- comments files, ``comments.json`` (under ``comments/`` or ``comments_and_reactions/``):
  ``{"comments_v2": [{"timestamp", "title", "data": [{"comment": {"timestamp", "comment",
  "author"}}], "attachments": [...]}]}``.

No item has an id: each gets ``derived_id(kind, time, text)``, so a post edited on the platform
comes back under a new id (the export keeps only its last text), and two comments of the same
second and text are one item.

Comment parents. A comment written on a post's photo or video is inside that post
(``media.comments``): it is read as a comment on that post. A comment of the comments file says
its post only in its ``title`` ("Karin commented on Kommunen's post."), which names the post's
owner, never the post, and is written in the exporting user's language; matching it to a post
would be a guess. So those comments are read as comments of the Page with no known post
(``parent_platform_id`` None), and kind "comment" even where the title says "replied": a kind
read from a translated sentence would change the derived id with the export's language.

Text. The export writes every non-ASCII character as its UTF-8 bytes, each escaped as a Latin-1
character ("Ã¥" for "å"). Every string is repaired where it is such mojibake; a string that is
not (a correct "å", or an export where the fault is fixed) is kept as it is.

Completeness. An export holds the whole Page, but it may have been made for a chosen date range
it does not state: posts are complete for the span of the times its items have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import partial

from kanalarkiv.capture.formats.reading import Node, checked, edited, file_label, load_json, span, unix_time
from kanalarkiv.capture.items import Bundle, Completeness, FormatError, Item, Kind, Source, derived_id

_POSTS = re.compile(r"(?:^|/)(?:your_|profile_)?posts(?:__check_ins__photos_and_videos)?(?:_\d+)?\.json$")
_COMMENTS = re.compile(r"(?:^|/)comments(?:_\d+)?\.json$")


def repaired(text: str) -> str:
    """The text with Facebook's mojibake undone: only when every character is one byte (Latin-1)
    and those bytes are UTF-8, which correct text with "å" or "é" in it almost never is."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _text(node: Node, key: str) -> str:
    return repaired(node.text(key))


class FacebookExport:
    format = "facebook_dyi"

    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        self._period: tuple[datetime, datetime] | None = None
        self._has_posts = False

    def items(self) -> Iterator[Item]:
        posts, comments = self._files()
        self._has_posts = bool(posts)
        for name in posts:
            document = load_json(self.bundle, name)
            where = file_label(self.bundle, name)
            if not isinstance(document, list):
                raise FormatError(where, "is not a list of posts")
            yield from checked(partial(self._posts, document, where))
        for name in comments:
            document = Node.of(load_json(self.bundle, name), file_label(self.bundle, name))
            entries = "comments_v2" if "comments_v2" in document.value else "comments"
            document.need(entries, list)
            yield from checked(partial(self._comments, document, entries))

    def completeness(self) -> Completeness:
        return Completeness(posts=self._has_posts and self._period is not None, period=self._period)

    def _files(self) -> tuple[list[str], list[str]]:
        names = self.bundle.names()
        posts = [name for name in names if _POSTS.search(name)]
        comments = [name for name in names if _COMMENTS.search(name)]
        if len(names) == 1 and not posts and not comments:
            # one file under another name: its shape says which it is
            (posts if isinstance(load_json(self.bundle, names[0]), list) else comments).append(names[0])
        if not posts and not comments:
            raise FormatError(self.bundle.label, "has no posts or comments files of a Facebook export")
        return posts, comments

    def _posts(self, document: list[object], where: str) -> Iterator[Item]:
        for index, value in enumerate(document):
            yield from self._post(Node.of(value, f"{where} item {index}"))

    def _post(self, node: Node) -> Iterator[Item]:
        published = self._time(node, "timestamp")
        texts, updated = [], None
        for entry in node.children("data", "data"):
            if "post" in entry.value:
                texts.append(_text(entry, "post"))
            updated = unix_time(entry, "update_timestamp") or updated
        media = [item.child("media") for item in _attachment_data(node)]
        if not texts:  # a photo posted without text: its description is the post's text
            texts = [_text(m, "description") for m in [m for m in media if m is not None][:1]]
        text = "\n".join(texts)
        post_id = derived_id("post", published, text)
        yield Item(
            kind="post",
            platform_id=post_id,
            parent_platform_id=None,
            author_name="",  # the Page itself: the export names no author for its own posts
            platform_author_id=None,
            text=text,
            published_at=published,
            edited_at=edited(published, updated),
            attachments=_references(node),
            where=node.where,
        )
        for item in media:
            for comment in item.children("comments", "comment") if item is not None else ():
                yield self._comment(comment, comment, post_id)

    def _comments(self, document: Node, entries: str) -> Iterator[Item]:
        for entry in document.children(entries, "item"):
            data = [item.child("comment") for item in entry.children("data", "data")]
            comment = next((c for c in data if c is not None), None)
            if comment is None:
                raise FormatError(entry.where, "has no data comment")
            yield self._comment(entry, comment, None)

    def _comment(self, entry: Node, comment: Node, parent: str | None) -> Item:
        published = self._time(comment if "timestamp" in comment.value else entry, "timestamp")
        text = _text(comment, "comment")
        kind: Kind = "comment"
        return Item(
            kind=kind,
            platform_id=derived_id(kind, published, text),
            parent_platform_id=parent,
            author_name=_text(comment, "author"),
            platform_author_id=None,
            text=text,
            published_at=published,
            attachments=_references(entry) if entry is not comment else (),
            where=entry.where,
        )

    def _time(self, node: Node, key: str) -> datetime:
        at = unix_time(node, key)
        if at is None:
            raise FormatError(node.where, f"has no {key}")
        self._period = span(self._period, at)
        return at


def _attachment_data(node: Node) -> Iterator[Node]:
    for attachment in node.children("attachments", "attachment"):
        yield from attachment.children("data", "data")


def _references(node: Node) -> tuple[str, ...]:
    """The files (``media.uri``, relative to the export) and links (``external_context.url``)."""
    found: list[str] = []
    for item in _attachment_data(node):
        media, link = item.child("media"), item.child("external_context")
        for reference in (_text(media, "uri") if media else "", _text(link, "url") if link else ""):
            if reference and reference not in found:
                found.append(reference)
    return tuple(found)


def reader(bundle: Bundle) -> Source:
    return FacebookExport(bundle)
