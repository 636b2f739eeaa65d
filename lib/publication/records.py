"""One row per person (or movement) counted by a population over a period, with its attributes.

Counts are built from these rows by the cube (lib/publication/cube.py); the independent
attacker of the tests builds its own from the warehouse instead.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from lib.indicators import observation as obs
from lib.indicators.accueil import followed_ids
from lib.indicators.data import Warehouse
from lib.indicators.periods import Period
from lib.indicators.scope import Scope
from lib.publication.model import categories, category_codes
from lib.publication.records_ml import ML_POPULATIONS, ml_records

PERSON_ATTRIBUTES = ("sexe", "age", "niveau", "qpv", "zrr", "logement", "permis", "vehicule", "indemnise")


def _texts(col: pd.Series, pos: np.ndarray) -> np.ndarray:
    """`col`'s values at `pos` as text; a categorical's labels are converted once, not per row."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        labels = np.append(np.asarray(col.cat.categories.astype(str), dtype=object), "nan")
        return labels[col.cat.codes.to_numpy()[pos]]  # code -1 (missing) → the last label
    return col.iloc[pos].astype(str).to_numpy()


def records(w: Warehouse, population: str, start: dt.date, end: dt.date, attributes: tuple[str, ...]) -> pd.DataFrame:
    """Columns: commune_code, mois ("YYYY-MM" of the event; the end month for people followed or in progress),
    then one column of French labels per attribute (age at `end`). Populations known by ML: records_ml."""
    if population in ML_POPULATIONS:
        return ml_records(w, population, start, end)
    period = Period("custom", start, end)
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    d = w.dispositifs
    if population == "suivis":
        ids = followed_ids(w, period).to_numpy()
        events = pd.DataFrame({"id": ids, "date": hi})
    elif population == "premiers_accueils":
        j = w.jeunes
        sel = j["date_premier_accueil"].between(lo, hi)
        events = pd.DataFrame(
            {"id": j.loc[sel, "id"].to_numpy(), "date": j.loc[sel, "date_premier_accueil"].to_numpy()}
        )
    elif population in ("entrees", "sorties"):
        col = "date_entree" if population == "entrees" else "date_sortie"
        sel = d[col].between(lo, hi)
        events = pd.DataFrame(
            {"id": d.loc[sel, "jeune_id"].to_numpy(), "date": d.loc[sel, col].to_numpy(), "code": d.loc[sel, "code"]}
        )
    elif population == "en_cours":
        sel = (d["date_entree"] <= hi) & (d["date_sortie"].isna() | (d["date_sortie"] > hi))
        events = pd.DataFrame({"id": pd.unique(d.loc[sel, "jeune_id"].to_numpy()), "date": hi})
    else:
        raise ValueError(f"population inconnue : {population!r}")
    person_attrs = [a for a in attributes if a in PERSON_ATTRIBUTES]
    attrs = obs.attributes(w, Scope(), person_attrs, end)
    j = w.jeunes.set_index("id")
    pos = j.index.get_indexer(events["id"].to_numpy())
    if (pos < 0).any():
        raise ValueError("mouvement d'un jeune absent de l'entrepôt (identifiant inconnu)")
    out = pd.DataFrame(
        {
            "commune_code": _texts(j["commune_code"], pos),
            "mois": pd.to_datetime(events["date"]).dt.strftime("%Y-%m").to_numpy(),
        }
    )
    apos = attrs.index.get_indexer(events["id"].to_numpy())
    for a in person_attrs:  # categorical: the labels are written once, not once per young person
        cats = categories(a, pd.Series([str(v) for v in pd.unique(attrs[a])]))
        out[a] = pd.Categorical.from_codes(category_codes(attrs[a], cats)[apos], categories=cats)
    for a in attributes:  # the first situation within N months of the first reception (its cohort's outcome)
        if a.startswith("situation_"):
            if population != "premiers_accueils":
                raise ValueError(f"l'attribut {a!r} ne s'applique qu'aux premiers accueils")
            cohort = pd.DataFrame(
                {"id": events["id"].to_numpy(), "date_premier_accueil": pd.to_datetime(events["date"])}
            )
            out[a] = pd.Categorical(obs.first_situations(w, cohort, int(a.split("_")[1])), categories=obs.SITUATIONS)
    if "dispositif" in attributes:
        if "code" not in events:
            raise ValueError(f"l'attribut « dispositif » ne s'applique pas à la population {population!r}")
        labels = obs.scheme_labels()
        out["dispositif"] = [labels.get(str(c), str(c)) for c in events["code"]]
    return out
