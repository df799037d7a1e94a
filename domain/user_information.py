"""The information a channel gives its users (användarinformation, BBS-lagen 3 §): who provides
the channel, that what users write becomes a public record and may be registered, the comment
rules, how removal works, how personal data is handled, and whom to contact. Until the
organisation writes its own, a Swedish default built from the channel register stands in."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from domain.values import required_text

SECTION_LENGTH = 2000
CONTACT_LENGTH = 500


@dataclass(frozen=True)
class UserInformation:
    provider: str
    """Vem som tillhandahåller kanalen."""
    public_records: str
    """Att det användare skriver blir allmän handling och kan registreras."""
    comment_rules: str
    """Regler för kommentarer."""
    removal: str
    """Hur borttagning går till."""
    personal_data: str
    """Hur personuppgifter behandlas."""
    contact: str
    """Kontakt."""

    @classmethod
    def checked(cls, **sections: str | None) -> UserInformation:
        """Each section is required text; the contact at most 500 characters, the others 2,000."""
        return cls(
            **{
                name: required_text(name, sections.get(name), CONTACT_LENGTH if name == "contact" else SECTION_LENGTH)
                for name in cls.__dataclass_fields__
            }
        )

    def sections(self) -> dict[str, Any]:
        return asdict(self)


def default_user_information(organisation: str, channel: str, owning_unit: str, responsible: str) -> UserInformation:
    """The Swedish default, from what the channel register already says."""
    return UserInformation(
        provider=f"Kanalen {channel} tillhandahålls av {organisation}. Ansvarig enhet är {owning_unit}; "
        f"ansvarig för innehållet är {responsible}. Medarbetare som skriver här gör det i tjänsten.",
        public_records=f"Det du skriver här tas emot av {organisation} och blir en allmän handling. "
        "Inlägg och kommentarer sparas och kan registreras i diariet, och vem som helst kan begära att få ta del av dem.",
        comment_rules="Håll god ton och håll dig till ämnet. Skriv inte personuppgifter om dig själv eller andra, "
        "till exempel personnummer, telefonnummer eller adresser. Frågor om ditt eget ärende besvaras inte här: "
        "de flyttas till ärendet och besvaras där.",
        removal="Vi tar bort inlägg som är olaga hot, hets mot folkgrupp, olaga integritetsintrång, uppvigling, "
        "barnpornografi, olaga våldsskildring, uppmaning till terrorism eller intrång i upphovsrätt (BBS-lagen 5 §), "
        "kränkande personuppgifter och sekretessbelagda uppgifter, samt inlägg som bryter mot god debattsed. "
        "Det som tas bort sparas som allmän handling med skälet och vem som beslutade. Du får besked när vi kan.",
        personal_data=f"{organisation} behandlar personuppgifterna i det du skriver för att hantera allmänna handlingar "
        "(arkivlagen, offentlighets- och sekretesslagen). Vi sparar ditt visningsnamn så som plattformen visar det. "
        "Du har rätt att begära information om behandlingen enligt dataskyddsförordningen.",
        contact=f"Kontakta {organisation}, {owning_unit}, via myndighetens växel eller e-post.",
    )
