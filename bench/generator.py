"""A deterministic, seeded world of public bodies and their social media, recorded through the
domain exactly as commands would record it.

The world is organisations (kommuner, regioner, kommunala bolag, myndigheter), each with staff
tokens and a register of channels across platforms. Sizes are heavy-tailed: most organisations
have a handful of channels and most channels a short history, a few have many.

Extending it: an *activity* is a generator function ``(plan, world) -> Iterator[Aggregate]``
that performs one domain action per step and yields the aggregate it changed (or created).
Organisation activities run once per organisation, channel activities once per channel; the
steps of an organisation's channels are interleaved round-robin, as if they happened side by
side. What happens on an active channel (editors, posts, comments, moderation, diary
registrations) is in ``bench/editorial.py``.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from bench.editorial import Desk, Newsroom, Rates
from domain.access import AccessToken
from domain.actors import Actor, Role
from domain.channel import Channel
from domain.organisation import Organisation, OrganisationNumberClaim

START = datetime(2019, 1, 2, 8, 0, tzinfo=UTC)
SPAN = timedelta(days=7 * 365)

_STEMS = (
    "Sol",
    "Berg",
    "Strand",
    "Lind",
    "Ek",
    "Björk",
    "Sjö",
    "Älv",
    "Dal",
    "Hög",
    "Norr",
    "Söder",
    "Väster",
    "Öster",
    "Mark",
    "Skog",
    "Ås",
    "Hav",
    "Fjäll",
    "Mo",
    "Ny",
    "Gran",
    "Ljung",
    "Sten",
    "Kvarn",
    "Bro",
    "Hammar",
    "Ör",
    "Ring",
    "Val",
)
_ENDINGS = (
    "vik",
    "köping",
    "sund",
    "å",
    "berga",
    "holm",
    "torp",
    "fors",
    "stad",
    "hamn",
    "by",
    "näs",
    "ryd",
    "mark",
    "sjö",
    "dal",
    "lunda",
    "hult",
    "ås",
    "bo",
)
_KINDS = (
    ("kommun", 0.55, "212000", 1.0),
    ("region", 0.03, "232100", 3.0),
    ("bolag", 0.30, "556000", 0.4),
    ("myndighet", 0.12, "202100", 1.5),
)
_SERIES = {"kommun": "KS", "region": "RS", "bolag": "STYR", "myndighet": "DNR"}
_PLATFORMS = (
    ("facebook", 34),
    ("instagram", 22),
    ("x", 10),
    ("youtube", 8),
    ("linkedin", 9),
    ("blog", 6),
    ("newsroom", 5),
    ("debate_forum", 2),
    ("other", 4),
)
_HOSTS = {
    "facebook": "www.facebook.com",
    "instagram": "www.instagram.com",
    "x": "x.com",
    "youtube": "www.youtube.com",
    "linkedin": "www.linkedin.com/company",
    "blog": "blogg.{org}.se",
    "newsroom": "www.mynewsdesk.com/se",
    "debate_forum": "forum.{org}.se",
    "other": "www.tiktok.com",
}
_UNITS = (
    "Kommunledningskontoret",
    "Kultur- och fritidsförvaltningen",
    "Barn- och utbildningsförvaltningen",
    "Socialförvaltningen",
    "Samhällsbyggnadsförvaltningen",
    "Räddningstjänsten",
    "Biblioteket",
    "Turistbyrån",
    "Näringslivsenheten",
    "Kommunikationsenheten",
    "Fritidsgården",
    "Musikskolan",
    "Äldreomsorgen",
    "Gymnasieskolan",
    "Miljö- och hälsoskyddsenheten",
    "Vatten och avfall",
)
_PURPOSES = (
    "Information och dialog med invånarna om {unit_l} verksamhet.",
    "Nyheter, evenemang och driftinformation från {unit_l}.",
    "Att nå unga med information om fritid, kultur och föreningsliv; frågor besvaras vardagar.",
    "Krisinformation och störningar. Kanalen bevakas dygnet runt under pågående händelser, annars "
    "vardagar 8–17. Frågor om enskilda ärenden hänvisas till kontaktcenter och registreras.",
    "Rekrytering och arbetsgivarvarumärke.",
    "Dialog om {unit_l} utvecklingsarbete, med möjlighet att lämna synpunkter som diarieförs.",
)
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
)
_REASONS = (
    "Sommaruppehåll",
    "Omorganisation av enheten",
    "Kanalen ersätts av kommunens gemensamma sida",
    "Vakans, ingen redaktör har uppdrag",
    "Låg aktivitet enligt årlig översyn",
    "Säkerhetsincident hos plattformen",
)


@dataclass(frozen=True)
class Sizes:
    """The shape of the world: how many channels an organisation has, how long a channel's history is."""

    channels_median: float = 9.0
    channels_sigma: float = 0.9
    channels_max: int = 300
    history_alpha: float = 1.3  # Pareto tail of a channel's changes: most few, some hundreds
    history_scale: float = 3.0
    history_max: int = 1500
    tokens_per_channel: float = 0.35
    revoked_share: float = 0.3
    rates: Rates = field(default_factory=Rates)


@dataclass
class OrganisationPlan:
    index: int
    slug: str
    name: str
    number: str
    org_id: UUID
    operator: Actor
    manager: Actor
    channels: list[ChannelPlan] = field(default_factory=list)
    tokens: int = 0
    newsroom: Newsroom = field(init=False)  # staffed once its channels are planned

    def expected_events(self, rates: Rates) -> int:
        """About this many events: exactly for the register, by the rates' means for the content."""
        per_post = rates.expected_events_per_post()
        return 3 + self.tokens + sum(1 + c.changes + round(c.posts * per_post) for c in self.channels)


@dataclass
class ChannelPlan:
    organisation: OrganisationPlan
    platform: str
    unit: str
    changes: int
    posts: int
    rng: random.Random


class World:
    """The seeded random source and the clock of one organisation's history."""

    def __init__(self, rng: random.Random, events: int, sizes: Sizes):
        self.rng = rng
        self.sizes = sizes
        self._now = START
        self._step = SPAN / max(events, 1)

    def now(self) -> datetime:
        self._now += self._step * (0.5 + self.rng.random())
        return self._now


Activity = Callable[[OrganisationPlan, World], Iterator[Aggregate]]
ChannelActivity = Callable[[ChannelPlan, World], Iterator[Aggregate]]


def organisation_registered(plan: OrganisationPlan, world: World) -> Iterator[Aggregate]:
    organisation = Organisation.register(plan.slug, plan.name, plan.number, by=plan.operator, at=world.now())
    yield organisation
    yield OrganisationNumberClaim.claim(organisation, by=plan.operator, at=world.now())


def staff_tokens(plan: OrganisationPlan, world: World) -> Iterator[Aggregate]:
    rng = world.rng
    for index in range(plan.tokens):
        role = (
            (Role.MANAGER, Role.RECORDS_OFFICER)[index]
            if index < 2
            else rng.choice((Role.EDITOR, Role.EDITOR, Role.EDITOR, Role.WEBMASTER, Role.AUDITOR))
        )
        name = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
        token_id = UUID(int=rng.getrandbits(128), version=4)
        digest = hashlib.sha256(f"{plan.slug}/{index}".encode()).hexdigest()
        token = AccessToken.issue(
            token_id, plan.org_id, f"actor:{token_id}", name, role.value, digest, by=plan.operator, at=world.now()
        )
        yield token
        if index >= 2 and rng.random() < world.sizes.revoked_share:
            token.revoke(
                rng.choice(("Slutat sin anställning", "Bytt roll", "Uppdraget upphört")),
                by=plan.operator,
                at=world.now(),
            )
            yield token


def diary_opened(plan: OrganisationPlan, world: World) -> Iterator[Aggregate]:
    yield plan.newsroom.open_diary(world.now())


def channel_life(plan: ChannelPlan, world: World) -> Iterator[Aggregate]:
    """A channel registered and activated, editors assigned; then its posts' threads, with the
    channel's changes (paused, resumed, closed, reopened, new purpose …) spread between them.
    Nothing is published while the channel is not active: when its changes run out on a paused
    or closed channel, its remaining posts are never written."""
    rng, org = plan.rng, plan.organisation
    name = f"{org.name.split(' ')[0]} {plan.unit}" if rng.random() < 0.7 else org.name
    channel = Channel.register(
        UUID(int=rng.getrandbits(128), version=4),
        org.org_id,
        plan.platform,
        name,
        _url(plan, rng),
        plan.unit,
        _manager_title(plan.unit, rng),
        _purpose(plan.unit, rng),
        by=org.manager,
        at=world.now(),
    )
    yield channel
    changes, posts = plan.changes, plan.posts
    desk = Desk(org.newsroom, channel, rng, world.now, world.sizes.rates)
    while changes or posts:
        wants_change = channel.status.value != "active" or not posts or rng.random() < changes / (changes + posts)
        if wants_change and changes:
            _change(channel, rng, org.manager, world.now())
            changes -= 1
            yield channel
        elif channel.status.value != "active":
            return
        else:
            if desk.roster is None:
                yield from desk.staff()
            yield from desk.thread()
            posts -= 1


ORGANISATION_ACTIVITIES: list[Activity] = [organisation_registered, staff_tokens, diary_opened]
CHANNEL_ACTIVITIES: list[ChannelActivity] = [channel_life]


def _change(channel: Channel, rng: random.Random, by: Actor, at: datetime) -> None:
    status = channel.status.value
    if status == "planned":
        channel.activate(by, at)
    elif status == "closed":
        channel.reopen(rng.choice(_REASONS), by, at)
    elif status == "paused":
        (channel.activate(by, at) if rng.random() < 0.8 else channel.close(rng.choice(_REASONS), by, at))
    else:
        roll = rng.random()
        if roll < 0.35:
            channel.change_responsible(_manager_title(channel.owning_unit, rng), by, at)
        elif roll < 0.55:
            channel.change_purpose(_purpose(channel.owning_unit, rng), by, at)
        elif roll < 0.70:
            channel.change_address(f"{channel.url.split('?')[0]}?v={rng.randrange(10**6)}", by, at)
        elif roll < 0.92:
            channel.pause(rng.choice(_REASONS), by, at)
        else:
            channel.close(rng.choice(_REASONS), by, at)


def _url(plan: ChannelPlan, rng: random.Random) -> str:
    host = _HOSTS[plan.platform].format(org=plan.organisation.slug)
    return f"https://{host}/{plan.organisation.slug}-{plan.unit.split(' ')[0].lower()}-{rng.randrange(10**4)}"


def _manager_title(unit: str, rng: random.Random) -> str:
    return (
        f"{rng.choice(('Sektorschef', 'Enhetschef', 'Förvaltningschef', 'Kommunchef'))} {unit.split(' ')[0]}, "
        f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
    )


def _purpose(unit: str, rng: random.Random) -> str:
    return rng.choice(_PURPOSES).format(unit_l=unit.lower() + "s")


def _check_digit(nine: str) -> str:
    total = 0
    for index, char in enumerate(nine):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return str((10 - total % 10) % 10)


class Generator:
    """The seeded world, planned organisation by organisation until it holds ``target_events``."""

    def __init__(self, seed: int, target_events: int, sizes: Sizes = Sizes()):
        self.seed = seed
        self.target_events = target_events
        self.sizes = sizes

    def plans(self) -> Iterator[OrganisationPlan]:
        """Organisations without end, each planned from the same seeded source in turn."""
        rng = random.Random(self.seed)
        index, taken = 0, Counter[str]()
        serials: Counter[str] = Counter()
        operator = Actor.operator("bench-import")
        while True:
            kind, prefix, weight = self._kind(rng)
            stem = rng.choice(_STEMS) + rng.choice(_ENDINGS)
            base = stem.lower().translate(str.maketrans("åäöé", "aaoe"))
            taken[base] += 1
            slug = base if taken[base] == 1 else f"{base}-{taken[base]}"
            name = {
                "kommun": f"{stem}s kommun",
                "region": f"Region {stem}",
                "bolag": f"{stem} Energi AB",
                "myndighet": f"{stem}myndigheten",
            }[kind]
            serials[prefix] += 1
            serial = serials[prefix]
            nine = f"{int(prefix) + serial // 1000:06d}{serial % 1000:03d}"
            organisation = Organisation.register(
                slug, name, f"{nine[:6]}-{nine[6:]}{_check_digit(nine)}", by=operator, at=START
            )
            manager = Actor(f"actor:manager-{slug}", f"Chef {stem}", Role.MANAGER, organisation.id)
            plan = OrganisationPlan(index, slug, name, organisation.number, organisation.id, operator, manager)
            self._plan_channels(plan, rng, weight)
            plan.newsroom = Newsroom.staffed(
                organisation.id, slug, _SERIES[kind], manager, len(plan.channels), random.Random(rng.getrandbits(64))
            )
            index += 1
            yield plan

    def _kind(self, rng: random.Random) -> tuple[str, str, float]:
        roll, acc = rng.random(), 0.0
        for kind, share, prefix, weight in _KINDS:
            acc += share
            if roll < acc:
                return kind, prefix, weight
        return _KINDS[0][0], _KINDS[0][2], _KINDS[0][3]

    def _plan_channels(self, plan: OrganisationPlan, rng: random.Random, weight: float) -> None:
        s = self.sizes
        count = max(
            1, min(s.channels_max, round(weight * rng.lognormvariate(math.log(s.channels_median), s.channels_sigma)))
        )
        platforms, weights = zip(*_PLATFORMS, strict=True)
        for _ in range(count):
            changes = min(s.history_max, int(s.history_scale * (rng.paretovariate(s.history_alpha) - 1)))
            plan.channels.append(
                ChannelPlan(
                    plan,
                    rng.choices(platforms, weights)[0],
                    rng.choice(_UNITS),
                    changes,
                    s.rates.posts(rng),
                    random.Random(rng.getrandbits(64)),
                )
            )
        plan.tokens = 2 + round(count * s.tokens_per_channel)

    def steps(self) -> Iterator[Aggregate]:
        """Every domain action of the world in order; each yields the aggregate it changed (almost
        always by one event). Whole organisations, until at least ``target_events`` actions."""
        actions = 0
        for plan in self.plans():
            if actions >= self.target_events:
                return
            world = World(
                random.Random(self.seed * 1_000_003 + plan.index), plan.expected_events(self.sizes.rates), self.sizes
            )
            for activity in ORGANISATION_ACTIVITIES:
                for aggregate in activity(plan, world):
                    actions += 1
                    yield aggregate
            live = [activity(channel, world) for channel in plan.channels for activity in CHANNEL_ACTIVITIES]
            while live:
                still = []
                for steps in live:
                    for _ in range(4):
                        aggregate = next(steps, None)
                        if aggregate is None:
                            break
                        actions += 1
                        yield aggregate
                    else:
                        still.append(steps)
                live = still
