"""The error every importer raises: a French message and the list of problems,
each saying where (line, column) and what (value)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Probleme:
    """One problem found in an imported file, located as precisely as possible."""

    message: str
    ligne: int | None = None
    colonne: str | None = None
    valeur: str | None = None

    def lieu(self) -> str:
        """Where the problem is, in French ("ligne 12, colonne CODGEO")."""
        parts = []
        if self.ligne is not None:
            parts.append(f"ligne {self.ligne}")
        if self.colonne is not None:
            parts.append(f"colonne {self.colonne}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = self.message
        if self.valeur is not None:
            text = f"{text} (valeur « {self.valeur} »)"
        lieu = self.lieu()
        return f"{lieu[:1].upper()}{lieu[1:]} : {text}" if lieu else text


class ImportErrorFr(ValueError):
    """An import refused: ``message`` sums it up, ``problemes`` lists each problem."""

    def __init__(self, message: str, problemes: Sequence[Probleme] = ()) -> None:
        self.message = message
        self.problemes: list[Probleme] = list(problemes)
        super().__init__(self.texte())

    def texte(self, max_problemes: int = 20) -> str:
        """The message followed by the first problems, one per line."""
        lines = [self.message]
        lines += [f"- {p}" for p in self.problemes[:max_problemes]]
        rest = len(self.problemes) - max_problemes
        if rest > 0:
            lines.append(f"… et {rest} autre{'s' if rest > 1 else ''} problème{'s' if rest > 1 else ''}")
        return "\n".join(lines)
