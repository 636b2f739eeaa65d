"""Gather a bilan's sections from the same masked tables the pages show.

Observation, co-traitance and partnership tables come from lib.ui / lib.indicators (masked
and cached there); the programme from lib.animation; the map from lib.export.carte. Nothing
here counts people or calls protect.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping

from lib.animation import programme as prog
from lib.animation import store as animation_store
from lib.bilan import formats
from lib.bilan import tables as tb
from lib.bilan.model import Bilan, Chiffre, Graphique, Image, Section, Texte
from lib.config import settings
from lib.db.engine import get_engine
from lib.export.carte import carte_png, plan_carte
from lib.export.tables import rules_note
from lib.indicators.carte import carte_masquee
from lib.indicators.data import Warehouse
from lib.indicators.periods import Period
from lib.indicators.scope import Scope
from lib.partenariat import dashboard as pk
from lib.partenariat import trimestres
from lib.partenariat.catalogue import CatalogueError
from lib.secret.masked import LEGEND, TOTAL
from lib.ui import cotraitance as cotraitance_ui
from lib.ui import observation as view

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]

SECTIONS = {
    "chiffres": "Chiffres clés",
    "profils": "Profil des jeunes suivis",
    "dispositifs": "Dispositifs et situations",
    "tendances": "Activité mois par mois",
    "carte": "Carte des missions locales",
    "cotraitance": "Co-traitance avec Pôle emploi",
    "partenariat": "Indicateurs du partenariat",
    "animation": "Programme régional d'animation",
}
PROFILS = ("sexe", "age", "niveau", "qpv", "zrr", "indemnise")
OUTCOME_MONTHS = 6


def titre_bilan(period: Period) -> str:
    return f"Bilan annuel {period.start.year}" if period.kind == "annee" else f"Bilan du {_quarter_words(period)}"


def _quarter_words(period: Period) -> str:
    q = (period.start.month - 1) // 3 + 1
    return f"{'1er' if q == 1 else f'{q}e'} trimestre {period.start.year}"


def build(
    w: Warehouse,
    period: Period,
    scope: Scope,
    textes: Mapping[str, str] | None = None,
    progress: Progress = lambda f, m: None,
) -> Bilan:
    """Every section of the bilan for `period` and `scope`; `textes`: the animateur's text per section."""
    textes = textes or {}
    sections = []
    for n, code in enumerate(SECTIONS):
        progress(n / len(SECTIONS), f"{SECTIONS[code]}…")
        section = build_section(w, period, scope, code)
        section.texte_animateur = (textes.get(code) or "").strip()
        sections.append(section)
    progress(1.0, "Mise en page")
    return header(w, period, scope, sections)


def build_section(w: Warehouse, period: Period, scope: Scope, code: str) -> Section:
    """One section alone: the meeting mode builds only the screen it shows."""
    makers: dict[str, Callable[[], Section]] = {
        "chiffres": lambda: _chiffres(w, period, scope),
        "profils": lambda: _profils(w, period, scope),
        "dispositifs": lambda: _dispositifs(w, period, scope),
        "tendances": lambda: _tendances(w, period, scope),
        "carte": lambda: _carte(w, period),
        "cotraitance": lambda: _cotraitance(w, period, scope),
        "partenariat": lambda: _partenariat(w, period, scope, view.scope_label(w, scope)),
        "animation": lambda: _animation(period),
    }
    return makers[code]()


def header(w: Warehouse, period: Period, scope: Scope, sections: list[Section]) -> Bilan:
    """Title, territory, version, sources and rules around `sections`."""
    territoire = view.scope_label(w, scope)
    return Bilan(
        titre=titre_bilan(period),
        sous_titre=f"{territoire} — {_period_words(period)}",
        territoire=territoire,
        association=association(),
        logo=cfg_logo(),
        version=int(w.version),
        source=settings().source,
        genere_le=dt.datetime.now(),
        sections=sections,
        regles=tuple(rules_note()[1:]),
        legende=LEGEND,
    )


def association() -> str:
    return settings().association or settings().titre


def cfg_logo() -> bytes | None:
    path = settings().logo
    if not path:
        return None
    try:
        return path.read_bytes()
    except OSError:
        log.warning("logo introuvable : %s", path)
        return None


def _period_words(period: Period) -> str:
    if period.kind == "annee":
        return (
            f"année {period.start.year} (du {formats.date_longue(period.start)} au {formats.date_longue(period.end)})"
        )
    if period.kind == "trimestre":
        return f"{_quarter_words(period)} (du {formats.date_longue(period.start)} au {formats.date_longue(period.end)})"
    return period.label


# ------------------------------------------------------------------ sections


def _chiffres(w: Warehouse, period: Period, scope: Scope) -> Section:
    s = Section("chiffres", SECTIONS["chiffres"])
    figures = view.key_figures(w, scope, period)
    if figures.message:  # not in the publication plan for this territory and period
        s.elements.append(Texte(figures.message))
    for measure in ("suivis", "premiers_accueils") if not figures.message else ():
        m = figures.tables[measure]
        row = m.grand_total()
        detail = f"{tb.evolution(row[view.EVOLUTION])} sur un an" if view.EVOLUTION in row.index else ""
        s.elements.append(Chiffre(m.label(m.count), tb._text(row, m.count, tb.entier, True), detail))
    cot = _cotraitance_tables(w, period, scope)
    if cot is not None:
        real, obj, defm = cot.realisation.grand_total(), cot.objectifs.grand_total(), cot.defm.grand_total()
        s.elements.append(
            Chiffre(
                f"Entrées en co-traitance {period.end.year}",
                tb._text(real, "n", tb.entier, True),
                f"quota {tb.entier(obj['quota'])}, soit {tb._text(real, 'taux_annuel', tb.pct0, True)} du quota",
            )
        )
        s.elements.append(
            Chiffre(f"DEFM jeunes fin décembre {period.end.year - 1}", tb._text(defm, "defm", tb.entier, True))
        )
    return s


def _profils(w: Warehouse, period: Period, scope: Scope) -> Section:
    s = Section("profils", SECTIONS["profils"])
    if view.too_small(view.key_figures(w, scope, period)):
        s.elements.append(Texte(view.too_small(view.key_figures(w, scope, period)) or ""))
        return s
    tables = view.profiles(w, scope, period, "suivis")
    if not tables:
        s.elements.append(Texte("Le profil des jeunes est publié par année, pour la région, un département ou une ML."))
    for dim in (d for d in PROFILS if d in tables):
        m = tables[dim]
        name = m.dims[0]
        s.elements.append(
            tb.tableau(
                m,
                f"Jeunes suivis par {view.lower_first(name)}",
                [(m.count, tb.entier), (view.PART, tb.pct1), (view.EVOLUTION, tb.evolution)],
                lambda x: tb.premiere_categorie(x, view.PART, x.count),
            )
        )
        if dim in ("age", "niveau"):
            s.elements.append(
                tb.barres(m, name, view.PART, f"Part des jeunes suivis par {view.lower_first(name)}", "%")
            )
    return s


def _dispositifs(w: Warehouse, period: Period, scope: Scope) -> Section:
    s = Section("dispositifs", SECTIONS["dispositifs"])
    if view.too_small(view.key_figures(w, scope, period)):
        return s
    for mouvement, m in view.schemes(w, scope, period).items():
        s.elements.append(
            tb.tableau(m, f"Dispositifs : {mouvement.lower()}", [(m.count, tb.entier), (view.EVOLUTION, tb.evolution)])
        )
    o = view.outcomes(w, scope, period, OUTCOME_MONTHS)
    m = o.table
    if m is None:  # published for a year (a quarterly bilan says so)
        s.elements.append(Texte(o.message or ""))
    else:
        s.elements.append(
            tb.tableau(
                m,
                f"Situation {OUTCOME_MONTHS} mois après le premier accueil (jeunes accueillis sur la période)",
                [(m.count, tb.entier), (view.PART, tb.pct1)],
            )
        )
    if m is not None and not o.complete:
        s.elements.append(
            Texte(f"Recul incomplet : données jusqu'au {formats.date_longue(o.data_end)}, situations encore à venir.")
        )
    if m is not None:
        s.elements.append(
            tb.barres(m, "Situation", view.PART, f"Situation à {OUTCOME_MONTHS} mois (%)", "%", horizontal=True)
        )
    return s


def _tendances(w: Warehouse, period: Period, scope: Scope) -> Section:
    s = Section("tendances", SECTIONS["tendances"])
    m = view.monthly(w, scope, period)
    if m is None:
        s.elements.append(Texte(view.NOT_PUBLISHED))
    else:
        s.elements.append(tb.lignes_mensuelles(m, "Mois", "Mesure", "Activité mois par mois (24 derniers mois)"))
    return s


def _carte(w: Warehouse, period: Period) -> Section:
    s = Section("carte", SECTIONS["carte"])
    plan = plan_carte(carte_masquee(w, period, "ml"), "suivis")
    s.elements.append(Image(f"{plan.titre} — {plan.sous_titre}", carte_png(plan, dpi=110), tuple(plan.notes)))
    return s


def _cotraitance_tables(w: Warehouse, period: Period, scope: Scope):  # noqa: ANN202 (TableauMasque | None)
    try:
        _, m = cotraitance_ui.dashboard(w, period.end, scope, settings().cotraitance)
    except ValueError as exc:  # no envelope, keys or DEFM for this year: the section says so
        log.info("co-traitance absente du bilan : %s", exc)
        return None
    return m


def _cotraitance(w: Warehouse, period: Period, scope: Scope) -> Section:
    s = Section("cotraitance", SECTIONS["cotraitance"])
    m = _cotraitance_tables(w, period, scope)
    if m is None:
        s.elements.append(Texte(f"Aucune répartition de co-traitance n'est possible pour {period.end.year}."))
        return s
    tol = settings().cotraitance.tolerance * 100
    s.elements.append(
        tb.tableau(
            m.cles,
            f"Répartition de l'enveloppe {period.end.year} : clés et quotas",
            [("part_defm", tb.pct2), ("cle_activite", tb.pct2), ("cle", tb.pct2), ("quota", tb.entier)],
        )
    )
    real = m.realisation
    s.elements.append(
        tb.tableau(
            real,
            f"Réalisation des quotas au {formats.date_longue(period.end)}",
            [("n", tb.entier), ("taux_prorata", tb.pct0), ("taux_annuel", tb.pct0), ("projection", tb.entier)],
        )
    )
    g = tb.barres(real, "ml", "taux_prorata", f"Réalisation / attendu au prorata (bande : tolérance ±{tol:.0f} %)", "%")
    s.elements.append(
        Graphique(
            g.titre,
            "barres_h",
            g.categories,
            g.series,
            "%",
            bande=(100 - tol, 100 + tol),
            reference=100,
            masques=g.masques,
        )
    )
    alertes = [a for a in m.alertes if a.ml in set(g.categories) or scope.level == "region"]
    if alertes:
        s.elements.extend(Texte(a.message, alerte=True) for a in alertes)
    else:
        s.elements.append(Texte("Aucune alerte : missions locales dans la tolérance et au rythme attendu."))
    if m.delais is not None:  # published from the end of the first quarter
        s.elements.append(
            tb.croise(m.delais, "ml", "delai", "part", tb.pct1, "Délai entre affectation et premier entretien (%)")
        )
    return s


def _partenariat(w: Warehouse, period: Period, scope: Scope, territoire: str) -> Section:
    s = Section("partenariat", SECTIONS["partenariat"])
    region = f"Région {settings().region_nom}"
    try:
        review = pk.tableau(get_engine(), region)
    except CatalogueError as exc:
        s.elements.append(Texte(f"Catalogue des indicateurs illisible : {exc}"))
        return s
    quarter = trimestres.normalize(f"{period.end.year}-T{(period.end.month - 1) // 3 + 1}")
    target = scope.code if scope.level == "ml" else pk.REGION
    rows = pk.select(review, ml_code=target, trimestre=quarter)
    if not len(rows.table):
        s.elements.append(Texte(f"Aucun indicateur saisi pour {trimestres.label(quarter)}."))
        return s
    name = territoire if scope.level == "ml" else region
    if scope.level == "departement":
        s.elements.append(Texte("Indicateurs suivis par mission locale et pour la région : valeurs de la région."))
    s.elements.append(
        tb.tableau(
            rows,
            f"{name} — {trimestres.label(quarter)} : valeur face à l'objectif",
            [("valeur", str), ("cible", str), ("atteinte", str), ("statut", str)],
            dims=["indicateur"],
        )
    )
    return s


def _animation(period: Period) -> Section:
    s = Section("animation", SECTIONS["animation"])
    annee = period.end.year
    p = prog.build(animation_store.active_values(get_engine(), annee), annee)
    if not p.renseignees:
        s.elements.append(Texte(f"Aucune action du programme {annee} n'est renseignée."))
        return s
    s.elements.append(Texte(p.budget.phrase()))
    b = prog.budget_table(p).grand_total()
    s.elements.append(Chiffre("Programme prévu", formats.euros(b["prevu"]), f"réalisé {formats.euros(b['realise'])}"))
    s.elements.append(Chiffre("Part du budget des ML", formats.pourcent(b["part"], 2), "repère : 2 à 4 %"))
    s.elements.append(Chiffre("Part de l'État", formats.pourcent((p.part_etat or 0) * 100, 1)))
    actions = prog.actions_table(p)
    funded = actions.table[actions.table["cout_prevu"].notna() | (actions.table["action"] == TOTAL)]
    s.elements.append(
        tb.tableau(
            actions,
            f"Actions du programme {annee} (actions financées)",
            [
                ("cout_prevu", formats.euros),
                ("cout_realise", formats.euros),
                ("part_etat", tb.pct0),
                ("avancement", tb.pct0),
            ],
            rows=funded,
            dims=["action"],
        )
    )
    missions = prog.missions_table(p)
    s.elements.append(tb.barres(missions, "mission", "cout_prevu", f"Coût prévu par mission, {annee}", "€", True))
    return s
