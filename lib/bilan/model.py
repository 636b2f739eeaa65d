"""What a bilan holds, independent of its format: sections of figures, tables, charts, texts.

Every number in here is already a string made from a MaskedTable ("s" where hidden) or a
chart series where hidden points are None (not drawn). The PDF and PPTX writers only lay
these out: they never see a count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

Point = float | None  # None: hidden by the secret, or not entered — never drawn


@dataclass(frozen=True)
class Chiffre:
    libelle: str
    valeur: str
    detail: str = ""  # evolution over a year, objective…


@dataclass(frozen=True)
class Tableau:
    titre: str
    colonnes: tuple[str, ...]
    lignes: tuple[tuple[str, ...], ...]
    commentaire: str = ""  # automatic comment: only when the table is commentable
    non_commentable: str = ""  # why it is not (rules 2 and 3)
    notes: tuple[str, ...] = ()
    masques: int = 0  # hidden cells shown as "s"


@dataclass(frozen=True)
class Graphique:
    titre: str
    nature: str  # "barres", "barres_h", "lignes"
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[Point, ...]], ...]
    unite: str = ""  # "%", "€" or "" (people)
    bande: tuple[float, float] | None = None  # tolerance band drawn behind the bars
    reference: float | None = None  # a line at this value (100 % of the pro rata)
    masques: int = 0  # points not drawn because of the secret

    @property
    def note(self) -> str:
        return f"{self.masques} valeur(s) non représentée(s) : secret statistique." if self.masques else ""


@dataclass(frozen=True)
class Image:
    titre: str
    png: bytes
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Texte:
    texte: str
    alerte: bool = False


Element = Chiffre | Tableau | Graphique | Image | Texte


@dataclass
class Section:
    code: str
    titre: str
    elements: list[Element] = field(default_factory=list)
    texte_animateur: str = ""  # typed by the animateur before generating

    @property
    def chiffres(self) -> list[Chiffre]:
        return [e for e in self.elements if isinstance(e, Chiffre)]


@dataclass
class Bilan:
    titre: str
    sous_titre: str  # territory and period
    territoire: str
    association: str
    logo: bytes | None
    version: int
    source: str
    genere_le: dt.datetime
    sections: list[Section]
    regles: tuple[str, ...]  # the confidentiality rules, in words
    legende: str  # what "s" means

    @property
    def masques(self) -> int:
        return sum(getattr(e, "masques", 0) for s in self.sections for e in s.elements)
