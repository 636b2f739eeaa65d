"""The validation report of an import: every problem in French, with file, line, column and value.

A file of a million lines can hold a million problems: the report keeps the first
`MAX_DETAILS` of each kind with their place, and counts all of them, so a bad
file costs memory in proportion to the kinds of problems, not to the lines.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Gravite = Literal["erreur", "avertissement"]
MAX_DETAILS = 50  # problems listed in full (the issue: "the first 50, and counts per kind")


@dataclass(frozen=True)
class Constat:
    """One problem: `genre` names its kind (what is counted), `message` says it for this place."""

    gravite: Gravite
    genre: str
    message: str
    fichier: str | None = None
    ligne: int | None = None
    colonne: str | None = None
    valeur: str | None = None

    def __str__(self) -> str:
        lieu = [f"« {self.fichier} »"] if self.fichier else []
        if self.ligne is not None:
            lieu.append(f"ligne {self.ligne}")
        if self.colonne:
            lieu.append(f"colonne « {self.colonne} »")
        texte = self.message
        if self.valeur is not None:
            texte += f" (valeur lue : « {_court(self.valeur)} »)"
        return f"{', '.join(lieu)} : {texte}" if lieu else texte


def _court(valeur: str, n: int = 80) -> str:
    return valeur if len(valeur) <= n else valeur[: n - 1] + "…"


@dataclass
class Rapport:
    """Problems found so far; `erreurs` block the load, `avertissements` must be accepted."""

    details: list[Constat] = field(default_factory=list)
    comptes: Counter[tuple[Gravite, str]] = field(default_factory=Counter)
    _listes: Counter[tuple[Gravite, str]] = field(default_factory=Counter)  # details kept per kind

    def ajouter(
        self,
        gravite: Gravite,
        genre: str,
        message: str,
        fichier: str | None = None,
        ligne: int | None = None,
        colonne: str | None = None,
        valeur: object = None,
    ) -> None:
        self.comptes[(gravite, genre)] += 1
        if self._place(gravite, genre) > 0:
            self._listes[(gravite, genre)] += 1
            self.details.append(
                Constat(gravite, genre, message, fichier, ligne, colonne, None if valeur is None else str(valeur))
            )

    def ajouter_lignes(
        self,
        gravite: Gravite,
        genre: str,
        message: str,
        fichier: str,
        colonne: str | None,
        lignes: np.ndarray,
        valeurs: np.ndarray | None = None,
    ) -> None:
        """The same problem on many lines at once (a vectorised check): counted, first ones listed."""
        n = len(lignes)
        if n == 0:
            return
        place = self._place(gravite, genre)
        vals = list(valeurs[:place]) if valeurs is not None else [None] * min(place, n)
        self._listes[(gravite, genre)] += len(vals)
        for ligne, valeur in zip(lignes[:place].tolist(), vals, strict=False):
            self.details.append(
                Constat(gravite, genre, message, fichier, int(ligne), colonne, None if valeur is None else str(valeur))
            )
        self.comptes[(gravite, genre)] += n

    def _place(self, gravite: Gravite, genre: str) -> int:
        """How many more details of this kind are kept (the count goes on past it)."""
        return max(0, MAX_DETAILS - self._listes[(gravite, genre)])

    @property
    def erreurs(self) -> int:
        return sum(n for (g, _), n in self.comptes.items() if g == "erreur")

    @property
    def avertissements(self) -> int:
        return sum(n for (g, _), n in self.comptes.items() if g == "avertissement")

    def premiers(self, gravite: Gravite, n: int = MAX_DETAILS) -> list[Constat]:
        return [d for d in self.details if d.gravite == gravite][:n]

    def par_genre(self, gravite: Gravite) -> list[tuple[str, int]]:
        """Kinds of problems of this gravity, most frequent first."""
        rows = [(genre, n) for (g, genre), n in self.comptes.items() if g == gravite]
        return sorted(rows, key=lambda r: (-r[1], r[0]))

    def texte(self) -> str:
        """The whole report in French, as the command line prints it and the page shows it."""
        lines: list[str] = []
        for gravite, titre in (("erreur", "Erreurs bloquantes"), ("avertissement", "Avertissements")):
            total = self.erreurs if gravite == "erreur" else self.avertissements
            if not total:
                continue
            lines.append(f"{titre} : {_nombre(total)}")
            lines += [f"  - {genre} : {_nombre(n)}" for genre, n in self.par_genre(gravite)]
            premiers = self.premiers(gravite)
            lines.append(f"  Les {len(premiers)} premiers :" if len(premiers) > 1 else "  Le détail :")
            lines += [f"    {c}" for c in premiers]
        return "\n".join(lines)


def _nombre(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")
