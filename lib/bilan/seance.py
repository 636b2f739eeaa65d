"""The meeting mode's sequence: which part of the bilan each projected screen shows.

Screens are picked from the bilan's sections (lib.bilan.content), so the meeting shows the
same masked figures as the document, one idea per screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.bilan.model import Bilan, Chiffre, Element, Graphique, Image, Tableau, Texte


@dataclass(frozen=True)
class Ecran:
    titre: str
    section: str  # code of the bilan's section
    types: tuple[type, ...]  # kinds of elements shown
    rang: int | None = None  # the n-th element of those kinds (None: all of them)


ECRANS = (
    Ecran("Chiffres clés", "chiffres", (Chiffre,)),
    Ecran("Niveau de formation des jeunes suivis", "profils", (Graphique,), 1),
    Ecran("Âge des jeunes suivis", "profils", (Graphique,), 0),
    Ecran("Entrées en dispositif", "dispositifs", (Tableau,), 0),
    Ecran("Situation six mois après le premier accueil", "dispositifs", (Graphique,), 0),
    Ecran("Activité mois par mois", "tendances", (Graphique,)),
    Ecran("Carte des missions locales", "carte", (Image,)),
    Ecran("Co-traitance : réalisation face au quota", "cotraitance", (Graphique,), 0),
    Ecran("Co-traitance : alertes", "cotraitance", (Texte,)),
    Ecran("Co-traitance : délai du premier entretien", "cotraitance", (Tableau,), 2),
    Ecran("Partenariat : indicateurs face aux objectifs", "partenariat", (Tableau, Texte)),
    Ecran("Programme régional d'animation", "animation", (Chiffre, Texte)),
)


def elements(bilan: Bilan, ecran: Ecran) -> list[Element]:
    """The elements of `ecran` in `bilan` (empty when the section has nothing of that kind)."""
    section = next(s for s in bilan.sections if s.code == ecran.section)
    found = [e for e in section.elements if isinstance(e, ecran.types)]
    if ecran.rang is None:
        return found
    return found[ecran.rang : ecran.rang + 1]
