"""The editorial life of the benchmark world's channels, recorded through the domain as the
commands record it: editors assigned, posts published by editors or captured from the platform
(a few by someone without an assignment: deviations), edited and deleted; comment threads that
are bursty (most posts get none or a few comments, some get hundreds, arriving right after the
post); editors' replies; moderation (hide or remove, on a ground) and now and then its reversal;
comments moved to a case; and the records officer registering comments, posts and removal
decisions in the diary, with gap-free numbers per organisation and year.

Every function takes the clock (``now``) and a seeded random source, so the world is the same for
the same seed; each step yields the aggregates it changed, in the order the application would
save them (a case before its entry)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.case import Case
from domain.channel import Channel
from domain.comment import Comment
from domain.diary import Diary
from domain.diary_entry import DiaryEntry
from domain.diary_numbers import DiaryNumber, series_year
from domain.post import Post, platform_record_id
from domain.record_registration import RecordRegistration
from domain.registration import comment_reading, decision_reading, post_reading
from domain.roster import Assignment, ChannelRoster

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Rates:
    """How often things happen: per post, per comment, per thread."""

    posts_alpha: float = 1.25  # Pareto tail of a channel's posts: median about 6, a few channels thousands
    posts_scale: float = 8.0
    posts_max: int = 4000
    comments_alpha: float = 1.4  # Pareto tail of a post's comments: median under one, some hundreds
    comments_scale: float = 1.6
    comments_max: int = 900
    captured: float = 0.12  # posts captured from the platform rather than recorded by their editor
    deviation: float = 0.08  # of captured posts: published by someone without an assignment
    edited: float = 0.06
    deleted: float = 0.02
    reply: float = 0.22
    moderated: float = 0.04
    removed: float = 0.4  # of moderated comments: removed rather than hidden
    reversed: float = 0.08  # of moderation decisions
    moved_to_case: float = 0.008
    registered: float = 0.02  # comments registered like a phone call
    post_registered: float = 0.03
    decision_registered: float = 0.5  # of removals

    def expected_events_per_post(self) -> float:
        """About how many events one post's thread makes (for spreading the world's clock)."""
        comments = self.comments_scale / (self.comments_alpha - 1) * 0.7  # the cap trims the tail's mean
        per_comment = (
            1 + self.reply + self.moderated * (1 + self.reversed + self.removed * self.decision_registered * 3)
        )
        per_comment += self.moved_to_case * 5 + self.registered * 2
        return 1 + self.edited + self.deleted + self.post_registered * 2 + comments * per_comment

    def posts(self, rng: random.Random) -> int:
        return min(self.posts_max, int(self.posts_scale * (rng.paretovariate(self.posts_alpha) - 1)))

    def comments(self, rng: random.Random) -> int:
        return min(self.comments_max, int(self.comments_scale * (rng.paretovariate(self.comments_alpha) - 1)))


@dataclass
class Newsroom:
    """One organisation's people and diary series, shared by its channels."""

    org_id: UUID
    slug: str
    prefix: str
    manager: Actor
    records_officer: Actor
    capture_client: Actor
    editors: list[Actor]
    series: Counter[int] = field(default_factory=Counter)

    @classmethod
    def staffed(
        cls, org_id: UUID, slug: str, prefix: str, manager: Actor, channels: int, rng: random.Random
    ) -> Newsroom:
        editors = [
            Actor(f"actor:editor-{slug}-{n}", _person(rng), Role.EDITOR, org_id)
            for n in range(max(1, round(channels / 2.5)))
        ]
        return cls(
            org_id,
            slug,
            prefix,
            manager,
            Actor(f"actor:registrator-{slug}", _person(rng), Role.RECORDS_OFFICER, org_id),
            Actor(f"actor:capture-{slug}", "Insamlingsklient", Role.CAPTURE_CLIENT, org_id),
            editors,
        )

    def open_diary(self, at: datetime) -> Diary:
        return Diary.open(self.org_id, self.prefix, by=self.records_officer, at=at)

    def next_number(self, at: datetime) -> DiaryNumber:
        """The series' next number: the importer saves in order, so n follows n - 1 (gap-free)."""
        year = series_year(at)
        self.series[year] += 1
        return DiaryNumber(self.prefix, year, self.series[year])


class Desk:
    """One channel's editors and its posts' threads."""

    def __init__(self, newsroom: Newsroom, channel: Channel, rng: random.Random, now: Clock, rates: Rates):
        self.newsroom, self.channel, self.rng, self.now, self.rates = newsroom, channel, rng, now, rates
        self.roster: ChannelRoster | None = None
        self.editors: list[Actor] = []
        self.staffed_at: datetime | None = None

    def staff(self) -> Iterator[Aggregate]:
        """The channel's roster: one to three of the organisation's editors, from now on."""
        at, manager = self.now(), self.newsroom.manager
        self.roster, self.staffed_at = ChannelRoster.open(self.channel, by=manager, at=at), at
        pool = self.newsroom.editors
        self.editors = self.rng.sample(pool, min(len(pool), 1 + int(self.rng.random() * 3)))
        for editor in self.editors:
            self.roster.assign(
                self.channel,
                _uuid(self.rng),
                editor.id,
                editor.name,
                valid_from=at,
                valid_until=None,
                scope=f"Publicera och moderera på {self.channel.name}",
                by=manager,
                at=at,
            )
        yield self.roster

    def thread(self) -> Iterator[Aggregate]:
        """One post and everything that follows it."""
        post, published_at = self._post()
        yield post
        comments = self.rates.comments(self.rng)
        for _ in range(comments):
            yield from self._comment(post)
        if self.rng.random() < self.rates.edited:
            editor, at = self._editor(), self.now()
            post.edit(
                f"{post.text} {_sentence(self.rng)}",
                self._assignment(editor, at),
                None,
                None,
                by=editor,
                at=at,
                channel_registered_at=self.channel.created_on,
            )
            yield post
        if self.rng.random() < self.rates.post_registered:
            yield from self._register(lambda at: post_reading(post, published_at, self.channel, None, None, at))
        if self.rng.random() < self.rates.deleted:
            editor, at = self._editor(), self.now()
            post.delete(
                self.rng.choice(("own_decision", "published_by_mistake")),
                self.rng.choice(("Fel datum i inlägget", "Inaktuell information", "Publicerades av misstag")),
                self._assignment(editor, at),
                None,
                None,
                by=editor,
                at=at,
                channel_registered_at=self.channel.created_on,
            )
            yield post

    def _post(self) -> tuple[Post, datetime]:
        """A post recorded by its editor, or captured from the platform; and when it was published."""
        rng, at, text = self.rng, self.now(), _text(self.rng, 2, 9)
        platform_id = f"{self.channel.platform.value}-{rng.getrandbits(52)}"
        post_id = platform_record_id("post", self.channel.id, platform_id)
        editor = self._editor()
        if rng.random() >= self.rates.captured:
            return Post.publish(
                post_id, self.channel, self._assignment(editor, at), text, at, platform_id, by=editor, at=at
            ), at
        else:
            author = (
                editor
                if rng.random() >= self.rates.deviation
                else Actor(f"actor:unassigned-{rng.getrandbits(32)}", _person(rng), Role.EDITOR, self.newsroom.org_id)
            )
            published = max(self.staffed_at, at - timedelta(minutes=rng.randrange(1, 240)))  # type: ignore[type-var]
            return Post.capture(
                post_id,
                self.channel,
                self._assignment(author, published),
                platform_id,
                text,
                published,
                at,
                author.id,
                author.name,
                by=self.newsroom.capture_client,
                at=at,
            ), published

    def _comment(self, post: Post) -> Iterator[Aggregate]:
        rng, capture, at = self.rng, self.newsroom.capture_client, self.now()
        platform_id = f"c-{rng.getrandbits(56)}"
        comment = Comment.receive(
            platform_record_id("comment", self.channel.id, platform_id),
            post,
            platform_id,
            _person(rng),
            f"{self.channel.platform.value}:{rng.getrandbits(40)}",
            _text(rng, 1, 4),
            at,
            at,
            by=capture,
            at=at,
        )
        yield comment
        received_at = at
        if rng.random() < self.rates.reply:
            editor, at = self._editor(), self.now()
            comment.reply(
                _uuid(rng),
                _text(rng, 1, 3),
                self._assignment(editor, at),
                None,
                None,
                None,
                None,
                by=editor,
                at=at,
                channel_registered_at=self.channel.created_on,
            )
            yield comment
        if rng.random() < self.rates.moderated:
            yield from self._moderate(comment)
        elif rng.random() < self.rates.moved_to_case:
            yield from self._move_to_case(comment, received_at)
        elif rng.random() < self.rates.registered:
            yield from self._register(
                lambda at: comment_reading(
                    comment, received_at, self.channel, None, None, "Frågan besvarad i kanalen.", at
                )
            )

    def _moderate(self, comment: Comment) -> Iterator[Aggregate]:
        rng, editor, at = self.rng, self._editor(), self.now()
        removed = rng.random() < self.rates.removed
        ground = rng.choice(
            ("etiquette", "spam", "off_topic", "offensive_personal_data", "unlawful_threat")
            if removed
            else ("etiquette", "spam", "off_topic")
        )
        comment.moderate(
            _uuid(rng),
            "remove" if removed else "hide",
            ground,
            None,
            rng.choice(_JUSTIFICATIONS),
            self._assignment(editor, at),
            by=editor,
            at=at,
        )
        decision = comment.pending_events[-1]
        yield comment
        if removed and rng.random() < self.rates.decision_registered:
            yield from self._register(lambda at: decision_reading(comment, decision, self.channel, None, None, at))
        elif not removed and rng.random() < self.rates.reversed:
            at = self.now()
            comment.reverse_moderation(
                _uuid(rng),
                "Kommentaren bedömdes vid omprövning hålla sig till ämnet.",
                self._assignment(editor, at),
                by=editor,
                at=at,
            )
            yield comment

    def _move_to_case(self, comment: Comment, received_at: datetime) -> Iterator[Aggregate]:
        editor, at = self._editor(), self.now()
        comment.transfer_to_case(
            None,
            "Synpunkt som ska handläggas; hänvisad till kontaktcenter.",
            self._assignment(editor, at),
            by=editor,
            at=at,
        )
        yield comment
        at, officer = self.now(), self.newsroom.records_officer
        case = Case.open(
            self.newsroom.org_id,
            self.newsroom.next_number(at),
            f"Synpunkt via {self.channel.platform.label_sv}",
            self.channel.owning_unit,
            by=officer,
            at=at,
        )
        yield from self._register(
            lambda at: comment_reading(comment, received_at, self.channel, None, None, None, at), case, at
        )

    def _register(
        self, reading_of: Callable[[datetime], tuple], case: Case | None = None, at: datetime | None = None
    ) -> Iterator[Aggregate]:
        """A registration as DiaryCommands makes it: the case's next record or the series' next
        number, the entry, and the claim that the record is registered once."""
        at, officer = at or self.now(), self.newsroom.records_officer
        reading, links = reading_of(at)
        number = case.next_record_number() if case else self.newsroom.next_number(at)
        entry = DiaryEntry.register(
            self.newsroom.org_id, number, case.id if case else None, reading, links, by=officer, at=at
        )
        if case is not None:
            case.add_record(entry.id, number, by=officer, at=at)
            yield case
        yield RecordRegistration.claim(None, entry, by=officer, at=at)
        yield entry

    def _editor(self) -> Actor:
        return self.rng.choice(self.editors)

    def _assignment(self, editor: Actor, when: datetime) -> Assignment | None:
        assert self.roster is not None
        return self.roster.valid_assignment(editor.id, when)


def _uuid(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)


_GIVEN = (
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Eva",
    "Anders",
    "Sara",
    "Mikael",
    "Lena",
    "Fredrik",
    "Emma",
    "Per",
    "Ingrid",
    "Ali",
    "Fatima",
    "Nils",
    "Elin",
    "Oskar",
    "Amir",
    "Linnea",
    "Hugo",
    "Maja",
)
_FAMILY = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Lindberg",
    "Hassan",
    "Lindqvist",
    "Berg",
    "Holm",
    "Ahmed",
    "Sandberg",
    "Öberg",
)
_SENTENCES = (
    "Nu öppnar vi anmälan till sommarens simskola för barn mellan fem och tio år.",
    "På grund av vattenläcka är Storgatan avstängd mellan torget och stationen under eftermiddagen.",
    "Välkommen på öppet hus i nya biblioteket på lördag klockan 11–15.",
    "Kommunfullmäktige sammanträder på torsdag och mötet sänds direkt på webben.",
    "Vi söker sommarvikarier till äldreomsorgen, sista ansökningsdag är den 15 mars.",
    "Sophämtningen flyttas en dag under helgveckan, kontrollera ditt schema.",
    "Tack till alla som lämnade synpunkter på förslaget till ny detaljplan för hamnområdet.",
    "Varför plogas inte vår gata? Vi har väntat sedan i morse.",
    "När öppnar badhuset igen efter renoveringen?",
    "Bra initiativ, hoppas det blir av även nästa år!",
    "Kan ni svara på hur man ansöker om bygglov för en altan?",
    "Busstrafiken är försenad på grund av halka, följ trafikinformationen.",
    "Skolornas lov börjar vecka 44, fritidshemmen har öppet som vanligt.",
    "Hej, vi har skickat frågan vidare till handläggaren som återkommer till dig.",
    "Det finns mer information på vår webbplats under Bygga och bo.",
    "Felanmälan av gatubelysning gör du enklast i appen eller via kontaktcenter.",
)
_JUSTIFICATIONS = (
    "Kommentaren bröt mot kanalens regler för god ton.",
    "Reklam för en kommersiell tjänst.",
    "Inlägget handlade inte om ämnet för tråden.",
    "Kommentaren innehöll uppgifter om en enskild.",
)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"


def _sentence(rng: random.Random) -> str:
    return rng.choice(_SENTENCES)


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_SENTENCES) for _ in range(rng.randint(low, high)))
