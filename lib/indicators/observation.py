"""Regional observation: who the young people followed are, what support they get, where they go.

Modelled on the yearly "synthèse d'activité" of the regional associations of MLs.
Every function returns RAW counts (one row per combination of dimensions, column
"n", every combination present, zeros included): nothing here is fit for the
screen until lib.secret masks it.

Populations ("measures") are sets of young people or of scheme movements:
  suivis             at least one interview or workshop in the period (accueil.followed_ids)
  premiers_accueils  first reception in the period
  entrees            entries in a support scheme in the period (entrees:CODE for one scheme)
  en_cours           young people in a scheme on the period's last day
  sorties            exits from a scheme in the period, whenever the entry was
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.config import settings
from lib.indicators.accueil import followed_ids
from lib.indicators.data import Warehouse
from lib.indicators.periods import Period
from lib.indicators.scope import Scope

# ---------------------------------------------------------------- dimensions

AGE_BANDS = ("Moins de 18 ans", "18 à 21 ans", "22 à 25 ans", "26 ans et plus")
NIVEAUX = ("VI/Vbis", "V", "IV", "III et plus")
_NIVEAU_MAP = {"VI": "VI/Vbis", "Vbis": "VI/Vbis", "V": "V", "IV": "IV", "III+": "III et plus", "III": "III et plus"}
SEXES = {"F": "Femmes", "H": "Hommes"}
LOGEMENTS = (
    "Chez les parents",
    "Logement autonome",
    "Hébergé (famille, amis)",
    "Foyer ou logement précaire",
)
# Yes/no attributes of a young person: (label when true, label when false)
FLAGS: dict[str, tuple[str, str]] = {
    "qpv": ("Réside en QPV / ZUS", "Hors QPV / ZUS"),
    "zrr": ("Réside en ZRR", "Hors ZRR"),
    "permis": ("Permis de conduire", "Sans permis"),
    "vehicule": ("Dispose d'un véhicule", "Sans véhicule"),
    "indemnise": ("Indemnisé (assurance chômage)", "Non indemnisé"),
}

DIMENSIONS: dict[str, str] = {
    "ml": "Mission locale",
    "departement": "Département",
    "bassin": "Bassin d'emploi",
    "sexe": "Sexe",
    "age": "Tranche d'âge",
    "niveau": "Niveau de formation",
    "qpv": "QPV / ZUS",
    "zrr": "ZRR",
    "logement": "Logement",
    "permis": "Permis de conduire",
    "vehicule": "Véhicule",
    "indemnise": "Indemnisation chômage",
    "commune": "Commune de résidence",
}
SMALL_COMMUNES = "Communes de moins de 2 000 habitants (regroupées)"
GEO_DIMENSIONS = ("ml", "departement", "bassin")
PROFILE_DIMENSIONS = ("sexe", "age", "niveau", "qpv", "zrr", "logement", "permis", "vehicule", "indemnise")
# Ordered dimensions: adjacent categories may be merged by lib.secret (rule 5)
ORDERED: dict[str, tuple[str, ...]] = {"age": AGE_BANDS, "niveau": NIVEAUX}

# ---------------------------------------------------------------- measures

BASE_MEASURES: dict[str, str] = {
    "suivis": "Jeunes suivis",
    "premiers_accueils": "Premiers accueils",
    "entrees": "Entrées en dispositif",
    "en_cours": "Jeunes en dispositif (fin de période)",
    "sorties": "Sorties de dispositif",
}
MOUVEMENTS: dict[str, str] = {
    "entrees": "Entrées",
    "en_cours": "En cours (fin de période)",
    "sorties": "Sorties",
}

# ---------------------------------------------------------------- outcomes

SITUATIONS = (
    "Emploi à durée indéterminée",
    "Emploi à durée déterminée",
    "Emploi en intérim",
    "Emploi en contrat aidé",
    "Emploi (contrat non précisé)",
    "Alternance",
    "Formation",
    "Immersion en entreprise",
    "Aucune situation enregistrée",
)
_CONTRATS = {
    "CDI": SITUATIONS[0],
    "CDD": SITUATIONS[1],
    "Intérim": SITUATIONS[2],
    "Contrat aidé": SITUATIONS[3],
}
_TYPES = {"alternance": "Alternance", "formation": "Formation", "immersion": "Immersion en entreprise"}
NO_SITUATION = SITUATIONS[-1]


def scheme_labels(dispositifs: Mapping[str, str] | None = None) -> dict[str, str]:
    """Scheme code → label shown on screen, "Libellé (CODE)": the label itself explains the acronym."""
    cfg = settings().dispositifs if dispositifs is None else dispositifs
    return {code: f"{label} ({code})" if label else code for code, label in cfg.items()}


def measures(dispositifs: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every measure the explorer offers: the base ones, then the entries in each configured scheme."""
    cfg = settings().dispositifs if dispositifs is None else dispositifs
    return {**BASE_MEASURES, **{f"entrees:{code}": f"Entrées en {code}" for code in cfg}}


# ---------------------------------------------------------------- helpers


def _ts(d: object) -> pd.Timestamp:
    return pd.Timestamp(d)


def _between(s: pd.Series, start: object, end: object) -> pd.Series:
    return (s >= _ts(start)) & (s <= _ts(end))


def age_at(mois_naissance: pd.Series, at: object) -> pd.Series:
    """Age in completed years on date `at`.

    Only the birth month is known and it is stored as its first day: a young person
    born in the month of `at` is taken as having had their birthday already, so one
    turning 26 during the period counts as 26 at its end.
    """
    at = _ts(at)
    born = pd.to_datetime(mois_naissance)
    before_birthday = (born.dt.month > at.month) | ((born.dt.month == at.month) & (born.dt.day > at.day))
    return at.year - born.dt.year - before_birthday.astype(int)


def age_band(mois_naissance: pd.Series, at: object) -> pd.Categorical:
    """Age band at date `at` (the END of the period): under 18, 18–21, 22–25, 26 and over."""
    age = age_at(mois_naissance, at).to_numpy()
    codes = np.select([age < 18, age <= 21, age <= 25], [0, 1, 2], 3)
    return pd.Categorical.from_codes(codes, categories=list(AGE_BANDS))


def _recode(values: pd.Series, mapping: Mapping[str, str], categories: Sequence[str]) -> pd.Categorical:
    """Relabel a column through `mapping` into a categorical of `categories`, working on the
    distinct values only (a few), never on each of the 300,000 strings."""
    cat = values.astype("category") if not isinstance(values.dtype, pd.CategoricalDtype) else values
    source = [str(c) for c in cat.cat.categories]
    position = {c: i for i, c in enumerate(categories)}
    lookup = np.array([position.get(mapping.get(c, ""), -1) for c in source] + [-1])  # last: missing value
    codes = cat.cat.codes.to_numpy()
    return pd.Categorical.from_codes(lookup[np.where(codes >= 0, codes, len(source))], categories=list(categories))


def niveau_group(niveau: pd.Series) -> pd.Categorical:
    """2010 qualification levels, VI and Vbis (no qualification) grouped."""
    present = set(niveau.dropna().astype("category").cat.remove_unused_categories().cat.categories.astype(str))
    unknown = sorted(present - set(_NIVEAU_MAP))
    if unknown:
        raise ValueError(f"niveau de formation inconnu : {unknown} (attendu : VI, Vbis, V, IV, III+)")
    return _recode(niveau, _NIVEAU_MAP, NIVEAUX)


def _flag(values: pd.Series, dim: str) -> pd.Categorical:
    codes = np.where(values.astype(bool).to_numpy(), 0, 1)  # 0: yes, 1: no
    return pd.Categorical.from_codes(codes, categories=list(FLAGS[dim]))


def _geo(w: Warehouse, j: pd.DataFrame, dim: str) -> pd.Categorical:
    """Territory of each young person, named; categories = territories present in the selection."""
    if dim == "ml":
        col, names = "ml_code", w.ml_names()
    elif dim == "departement":
        codes = w.departements["code"].astype(str)  # a categorical in the warehouse
        col, names = "dep_code", dict(zip(codes, codes + " " + w.departements["nom"].astype(str), strict=True))
    else:
        b = w.bassins
        col, names = "bassin_code", dict(zip(b["code"].astype(str), b["nom"].astype(str), strict=True))
    values = j[col].astype("category").cat.remove_unused_categories()
    present = sorted(str(c) for c in values.cat.categories)
    mapping = {c: names.get(c, c) for c in present}
    return _recode(values, mapping, [mapping[c] for c in present])


def commune_groups(communes: pd.DataFrame, present: Sequence[str], minimum: int) -> dict[str, str]:
    """Commune code → label: its name when it has at least `minimum` inhabitants, else one group.

    Rule 4 (seed 000): a commune under 2,000 inhabitants is never shown on its own. The group
    of the small ones must itself reach the threshold; if not, the smallest named communes
    join it until it does, so the group never stands for one small commune either.
    """
    c = communes[communes["code"].astype(str).isin(present)]
    pop = dict(zip(c["code"].astype(str), c["population"].astype(int), strict=True))
    # the département tells homonyms apart (there is an Aubin in Aveyron and one in Pyrénées-Atlantiques)
    dep = c["dep_code"].astype(str) if "dep_code" in c else c["code"].astype(str).str[:2]
    names = dict(zip(c["code"].astype(str), c["nom"].astype(str) + " (" + dep + ")", strict=True))
    small = {k for k, v in pop.items() if v < minimum}
    named = sorted(set(pop) - small, key=lambda k: pop[k])
    while small and sum(pop[k] for k in small) < minimum and named:
        small.add(named.pop(0))
    return {k: (SMALL_COMMUNES if k in small else names[k]) for k in pop}


def _commune(w: Warehouse, j: pd.DataFrame) -> pd.Categorical:
    values = j["commune_code"].astype("category").cat.remove_unused_categories()
    present = [str(c) for c in values.cat.categories]
    mapping = commune_groups(w.communes, present, settings().secret.population_commune_min)
    named = sorted({v for v in mapping.values() if v != SMALL_COMMUNES})
    groups = [*named, SMALL_COMMUNES] if SMALL_COMMUNES in mapping.values() else named
    return _recode(values, mapping, groups)


def _categorical(w: Warehouse, j: pd.DataFrame, dim: str, at: object) -> pd.Categorical:
    if dim in GEO_DIMENSIONS:
        return _geo(w, j, dim)
    if dim == "commune":
        return _commune(w, j)
    if dim == "sexe":
        return _recode(j["sexe"], SEXES, list(SEXES.values()))
    if dim == "age":
        return age_band(j["mois_naissance"], at)
    if dim == "niveau":
        return niveau_group(j["niveau"])
    if dim == "logement":
        values = j["logement"].astype("category").cat.remove_unused_categories()
        present = [str(c) for c in values.cat.categories]
        extra = sorted(set(present) - set(LOGEMENTS))  # a new housing label in an import is shown, not dropped
        return _recode(values, {c: c for c in present}, [*LOGEMENTS, *extra])
    if dim in FLAGS:
        return _flag(j[dim], dim)
    raise ValueError(f"dimension inconnue : {dim!r} (attendu : {', '.join(DIMENSIONS)})")


def attributes(w: Warehouse, scope: Scope, dims: Sequence[str], at: object) -> pd.DataFrame:
    """One row per young person of the scope, indexed by id, one categorical column per dimension."""
    j = w.jeunes[scope.mask(w.jeunes)]
    return pd.DataFrame({d: _categorical(w, j, d, at) for d in dims}, index=pd.Index(j["id"], name="id"))


# ---------------------------------------------------------------- populations


def _schemes(w: Warehouse, ids: pd.Index, code: str | None = None) -> pd.DataFrame:
    d = w.dispositifs
    sel = d["jeune_id"].isin(ids)
    if code is not None:
        sel &= d["code"].astype(str) == code
    return d[sel]


def _in_progress(d: pd.DataFrame, at: object) -> pd.Series:
    """In a scheme on date `at`: entered on or before it (an entry never accepted has no date), not yet out."""
    at = _ts(at)
    return (d["date_entree"] <= at) & (d["date_sortie"].isna() | (d["date_sortie"] > at))


def population(w: Warehouse, period: Period, scope: Scope, measure: str) -> np.ndarray:
    """Ids of the young people counted by `measure` (an id repeats when a young person has two movements)."""
    j = w.jeunes[scope.mask(w.jeunes)]
    ids = pd.Index(j["id"])
    if measure == "suivis":
        return followed_ids(w, period, ids).to_numpy()
    if measure == "premiers_accueils":
        return j.loc[_between(j["date_premier_accueil"], period.start, period.end), "id"].to_numpy()
    base, _, code = measure.partition(":")
    d = _schemes(w, ids, code or None)
    if base == "entrees":
        return d.loc[_between(d["date_entree"], period.start, period.end), "jeune_id"].to_numpy()
    if base == "sorties":
        return d.loc[_between(d["date_sortie"], period.start, period.end), "jeune_id"].to_numpy()
    if base == "en_cours":
        return d.loc[_in_progress(d, period.end), "jeune_id"].unique()
    raise ValueError(f"mesure inconnue : {measure!r}")


def _count(attrs: pd.DataFrame, ids: np.ndarray, dims: Sequence[str]) -> pd.DataFrame:
    """Counts per combination of `dims`, every combination present (zeros included)."""
    pos = attrs.index.get_indexer(ids)
    rows = attrs.iloc[pos[pos >= 0]]
    if not dims:
        return pd.DataFrame({"n": [len(rows)]})
    counts = rows.groupby(list(dims), observed=False).size()
    return counts.rename("n").reset_index().astype({d: str for d in dims})


def breakdown(w: Warehouse, period: Period, scope: Scope, measure: str, dims: Sequence[str]) -> pd.DataFrame:
    """Raw counts of `measure` by `dims` (0, 1 or 2 dimensions): columns dims…, n.

    Age is the age at the END of the period."""
    attrs = attributes(w, scope, dims, period.end)
    return _count(attrs, population(w, period, scope, measure), dims)


def breakdowns(
    w: Warehouse, period: Period, scope: Scope, measure: str, dims: Sequence[str] = PROFILE_DIMENSIONS
) -> dict[str, pd.DataFrame]:
    """One-dimension breakdowns of the same population (computed once), by each of `dims`."""
    attrs = attributes(w, scope, dims, period.end)
    ids = population(w, period, scope, measure)
    return {d: _count(attrs[[d]], ids, [d]) for d in dims}


def total(w: Warehouse, period: Period, scope: Scope, measure: str) -> int:
    return len(population(w, period, scope, measure))


def headline(w: Warehouse, period: Period, scope: Scope) -> dict[str, int]:
    """The key figures: every base measure, raw."""
    return {m: total(w, period, scope, m) for m in BASE_MEASURES}


# ---------------------------------------------------------------- support schemes


def schemes(w: Warehouse, period: Period, scope: Scope, dispositifs: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Entries, young people in progress at the period's end, and exits, per scheme: columns
    dispositif (label), mouvement, n. Schemes are the configured ones, in configuration order,
    plus any code found in the data; a configured scheme nobody in the selection ever entered is left out."""
    labels = scheme_labels(dispositifs)
    j = w.jeunes[scope.mask(w.jeunes)]
    d = _schemes(w, pd.Index(j["id"]))
    codes = d["code"].astype(str)
    present = set(codes)
    order = [c for c in labels if c in present] + sorted(present - set(labels))
    masks: dict[str, pd.Series] = {
        "entrees": _between(d["date_entree"], period.start, period.end),
        "en_cours": _in_progress(d, period.end),
        "sorties": _between(d["date_sortie"], period.start, period.end),
    }
    rows = []
    for code in order:
        is_code = codes == code
        for key, label in MOUVEMENTS.items():
            n = int((masks[key] & is_code).sum())
            rows.append({"dispositif": labels.get(code, code), "mouvement": label, "n": n})
    return pd.DataFrame(rows, columns=["dispositif", "mouvement", "n"])


# ---------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcomes:
    """First situation within `months` of the first reception, for the young people first received in the period."""

    table: pd.DataFrame  # situation, n — the categories partition the cohort, so the total is the cohort
    months: int
    data_end: pd.Timestamp  # last date known in the warehouse
    complete: bool  # False when some windows end after data_end: later situations are not known yet


def data_end(w: Warehouse) -> pd.Timestamp:
    """Last date with recorded activity (contacts, situations, first receptions)."""
    candidates = [w.contacts["date"].max(), w.situations["date_debut"].max(), w.jeunes["date_premier_accueil"].max()]
    return max(pd.Timestamp(c) for c in candidates if pd.notna(c))


def _situation_label(s: pd.DataFrame) -> pd.Series:
    contrat = s["contrat"].astype(object).map(_CONTRATS).fillna(SITUATIONS[4])
    typ = s["type"].astype(str)
    return pd.Series(np.where(typ == "emploi", contrat, typ.map(_TYPES).fillna("Autre situation")), index=s.index)


def outcomes(w: Warehouse, period: Period, scope: Scope, months: int) -> Outcomes:
    """Situation of each young person first received in the period: the FIRST situation
    (employment by contract, alternance, training, immersion) starting between the first
    reception and `months` months later, or "no situation recorded". One category per
    young person, so shares add up to 100 %."""
    j = w.jeunes[scope.mask(w.jeunes)]
    cohort = j.loc[_between(j["date_premier_accueil"], period.start, period.end), ["id", "date_premier_accueil"]]
    counts = first_situations(w, cohort, months).value_counts()
    categories = [c for c in SITUATIONS[:-1] if c != SITUATIONS[4] or counts.get(c, 0)]
    categories += sorted(set(counts.index) - set(SITUATIONS))  # a new situation type in an import is shown
    table = pd.DataFrame({"situation": [*categories, NO_SITUATION]})
    table["n"] = [int(counts.get(c, 0)) for c in [*categories, NO_SITUATION]]
    end = data_end(w)
    last_window = pd.Timestamp(period.end) + pd.DateOffset(months=months)
    return Outcomes(table=table, months=months, data_end=end, complete=bool(last_window <= end))


def first_situations(w: Warehouse, cohort: pd.DataFrame, months: int) -> pd.Series:
    """For each young person of `cohort` (columns id, date_premier_accueil), the first situation starting
    between the first reception and `months` months later, else NO_SITUATION; indexed like `cohort`."""
    if months < 1:
        raise ValueError("le délai doit être d'au moins un mois")
    s = w.situations[w.situations["jeune_id"].isin(cohort["id"])]
    s = s.merge(cohort.drop_duplicates("id"), left_on="jeune_id", right_on="id")
    limit = s["date_premier_accueil"] + pd.DateOffset(months=months)
    s = s[(s["date_debut"] >= s["date_premier_accueil"]) & (s["date_debut"] <= limit)]
    s = s.assign(situation=_situation_label(s), rank=s["type"].astype(str).map(_TYPE_RANK).fillna(9))
    first = s.sort_values(["jeune_id", "date_debut", "rank"]).drop_duplicates("jeune_id")
    found = pd.Series(first["situation"].to_numpy(), index=first["jeune_id"].to_numpy())
    return pd.Series(found.reindex(cohort["id"]).fillna(NO_SITUATION).to_numpy(), index=cohort.index)


# Same-day situations: the most lasting outcome wins (employment before alternance, ...)
_TYPE_RANK = {"emploi": 0, "alternance": 1, "formation": 2, "immersion": 3}


# ---------------------------------------------------------------- monthly series


def monthly(w: Warehouse, scope: Scope, start: object, end: object) -> pd.DataFrame:
    """Per month: young people followed, first receptions, entries in a scheme. Columns mois (YYYY-MM), mesure, n."""
    months = pd.period_range(_ts(start), _ts(end), freq="M")
    ids = pd.Index(w.jeunes.loc[scope.mask(w.jeunes), "id"])
    # one vectorised pass per measure rather than one followed_ids call per month
    c = w.contacts
    c = c[_between(c["date"], months[0].start_time, months[-1].end_time) & c["type"].isin(["entretien", "atelier"])]
    c = c[c["jeune_id"].isin(ids)]
    suivis = c.groupby(c["date"].dt.to_period("M"))["jeune_id"].nunique()
    j = w.jeunes[scope.mask(w.jeunes)]
    acc = j["date_premier_accueil"]
    accueils = acc[_between(acc, months[0].start_time, months[-1].end_time)].dt.to_period("M").value_counts()
    d = _schemes(w, ids)
    ent = d["date_entree"]
    entrees = ent[_between(ent, months[0].start_time, months[-1].end_time)].dt.to_period("M").value_counts()
    frame = pd.DataFrame(
        {
            "Jeunes suivis": suivis.reindex(months, fill_value=0),
            "Premiers accueils": accueils.reindex(months, fill_value=0),
            "Entrées en dispositif": entrees.reindex(months, fill_value=0),
        },
        index=months,
    ).astype(int)
    frame.index = months.strftime("%Y-%m")
    frame.index.name = "mois"
    return frame.reset_index().melt(id_vars="mois", var_name="mesure", value_name="n")
