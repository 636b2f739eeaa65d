"""Renderers of the animation programme page: budget against the 2–4 % band, actions, entry.

Every figure comes from a MaskedTable (lib.animation.programme declares the amounts public:
they count no one); an amount not entered shows "—", never "s".
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine

from lib.animation import store
from lib.animation.annexe import ACTION, CHAMPS, FINANCEURS, OBJECTIF, PROGRAMME, mission_of
from lib.animation.entry import form_frame, read_file, validate
from lib.animation.programme import Programme
from lib.auth import User
from lib.bilan import formats
from lib.partenariat.entry import EntryError
from lib.secret.masked import MaskedTable
from lib.ui import render
from lib.ui.glossary import explain

FORMAT_IMPORT = """annee;action;champ;valeur
2010;programme;budget_ml;24 600 000
2010;1;cout_prevu;38 000
2010;1;financement_etat;22 800
2010;1;avancement;100
2010;1;indicateurs;10 CPO analysées ; 4 sessions"""


def _cell(masked: MaskedTable, col: str, v: object) -> str:
    if col in ("part_etat", "avancement", "part", "part_realisee", "bas", "haut"):
        decimals = {"avancement": 0, "bas": 0, "haut": 0, "part": 2, "part_realisee": 2}.get(col, 1)
        return formats.pourcent(v, decimals)  # type: ignore[arg-type]
    return formats.euros(v)  # type: ignore[arg-type]


def frame(masked: MaskedTable) -> pd.DataFrame:
    """Labels and French-formatted amounts of a programme table (a missing amount is "—")."""
    render.require_masked(masked)
    t = masked.table
    out = t[list(masked.dims)].astype(str).copy()
    for col in masked.value_columns:
        out[col] = [_cell(masked, col, v) for v in t[col]]
    return out.rename(columns=masked.labels)


def budget_panel(masked: MaskedTable, phrase: str) -> None:
    """Programme, MLs' budget and the share, with a gauge against the circular's 2–4 % band."""
    render.require_masked(masked)
    row = masked.grand_total()
    c1, c2, c3 = st.columns(3)
    c1.metric(masked.label("prevu"), formats.euros(row["prevu"]), border=True)
    c2.metric(masked.label("budget_ml"), formats.euros(row["budget_ml"]), border=True)
    c3.metric(masked.label("part"), formats.pourcent(row["part"], 2), border=True)
    st.markdown(explain(phrase), unsafe_allow_html=True)
    if pd.notna(row["part"]):
        render.plot(band_figure(row), masked)


def band_figure(row: pd.Series) -> go.Figure:
    """One horizontal bar (planned share, and actual when known) over the green 2–4 % band."""
    top = max(6.0, float(row["part"]) * 1.2)
    fig = go.Figure()
    fig.add_vrect(x0=row["bas"], x1=row["haut"], fillcolor="#27ae60", opacity=0.18, line_width=0)
    names = ["Prévu"] + (["Réalisé"] if pd.notna(row["part_realisee"]) else [])
    values = [float(row["part"])] + ([float(row["part_realisee"])] if pd.notna(row["part_realisee"]) else [])
    fig.add_bar(
        x=values,
        y=names,
        orientation="h",
        marker_color="#2e86c1",
        text=[formats.pourcent(v, 2) for v in values],
        textposition="outside",
        cliponaxis=False,
        hoverinfo="skip",
    )
    fig.update_layout(
        height=190,
        margin={"l": 10, "r": 30, "t": 40, "b": 30},
        title=f"Part du budget des missions locales (bande verte : repère {row['bas']:.0f} à {row['haut']:.0f} %)",
        xaxis={"range": [0, top], "ticksuffix": " %", "title": None},
        yaxis={"autorange": "reversed"},
        separators=", ",
        font={"size": render.FONT_PX},
        showlegend=False,
    )
    return fig


def table(masked: MaskedTable, title: str, key: str) -> None:
    """A programme table, French amounts, its downloads (same table as CSV / Excel)."""
    render.require_masked(masked)
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    shown = frame(masked)
    render.grid(shown, masked, [masked.label(d) for d in masked.dims], wrap=True)  # 16 long action names
    st.caption("— : non renseigné. " + " ; ".join(masked.notes) + ".")
    render.downloads(masked, title, key)


def missions_chart(masked: MaskedTable, title: str) -> None:
    """Planned and actual cost per mission, side by side."""
    render.require_masked(masked)
    t = masked.table[masked.table["mission"] != "Total"]
    fig = go.Figure()
    for col, color in (("cout_prevu", "#95a5a6"), ("cout_realise", "#2e86c1")):
        fig.add_bar(
            y=t["mission"],
            x=t[col],
            name=masked.label(col),
            orientation="h",
            marker_color=color,
            text=[formats.euros(v) for v in t[col]],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
        )
    fig.update_layout(
        title=title,
        barmode="group",
        height=360,
        margin={"l": 10, "r": 60, "t": 50, "b": 10},
        yaxis={"autorange": "reversed"},
        xaxis={"ticksuffix": " €"},
        separators=", ",
        legend={"orientation": "h", "y": -0.15},
        font={"size": render.FONT_PX},
    )
    render.plot(fig, masked)


def action_details(p: Programme) -> None:
    """What each action is for and how it is run (texts of the annex and of the structure)."""
    for obj in OBJECTIF.values():
        st.markdown(f"##### Objectif {obj.numero} — {obj.intitule}")
        for r in p.actions[p.actions["objectif"] == obj.numero].itertuples():
            a = ACTION[r.action]
            head = f"Action {a.numero} : {a.intitule} — avancement {formats.pourcent(r.avancement, 0)}"
            with st.expander(head):
                st.markdown("**Objectifs de l'action** (annexe)\n" + "\n".join(f"- {o}" for o in a.objectifs))
                st.markdown("**Actions** (annexe)\n" + "\n".join(f"- {o}" for o in a.actions))
                for label, text in (
                    ("Méthode et organisation", r.methode),
                    ("Échéancier", r.echeancier),
                    ("Indicateurs et résultats", r.indicateurs),
                ):
                    st.markdown(f"**{label}** : {text or formats.MANQUANT}")
                financeurs = " ; ".join(f"{nom} {formats.euros(getattr(r, code))}" for code, nom in FINANCEURS.items())
                st.markdown(
                    f"**Coût** : prévu {formats.euros(r.cout_prevu)}, réalisé {formats.euros(r.cout_realise)} — "
                    f"**Financeurs** : {financeurs} — **Part de l'État** : {formats.pourcent(r.part_etat * 100, 1)}"
                )


def warnings(lines: Sequence[str]) -> None:
    if lines:
        st.warning("Financements différents du coût prévu :\n\n" + "\n".join(f"- {x}" for x in lines))


# ------------------------------------------------------------------ entry


def errors_list(errors: Sequence[EntryError], intro: str) -> None:
    shown = "\n".join(f"- {e}" for e in errors[:30])
    more = f"\n- … et {len(errors) - 30} autre(s)" if len(errors) > 30 else ""
    st.error(f"{intro}\n\n{shown}{more}")


def entry_panel(engine: Engine, p: Programme, user: User) -> None:
    """Typing the values of one action (or of the programme), importing a file, the history."""
    st.markdown(
        "Une correction ne remplace rien : l'ancienne valeur reste dans l'historique, avec qui l'a saisie et quand."
    )
    options = {PROGRAMME: "Programme (budget des missions locales)"} | {
        n: f"Action {n} — {a.intitule}" for n, a in ACTION.items()
    }
    action = st.selectbox("Action", list(options), format_func=options.get, index=1, key="an_action")
    _form(engine, p, action, user)
    st.divider()
    _import_box(engine, user)
    st.divider()
    _history(engine, p.annee, action)


def _form(engine: Engine, p: Programme, action: int, user: User) -> None:
    champs = [c for c in CHAMPS if (c.niveau == "programme") == (action == PROGRAMME)]
    current = p.actions.set_index("action").loc[action] if action != PROGRAMME else None
    with st.form(f"an_form_{p.annee}_{action}", clear_on_submit=True):
        values: dict[str, object] = {}
        for c in champs:
            now = p.budget.budget_ml if current is None else current[c.code]
            if c.nature == "texte":
                key = f"an_{action}_{c.code}"
                values[c.code] = st.text_area(c.libelle, value=now or "", key=key, help=c.aide or None)
            else:
                shown = formats.pourcent(now, 0) if c.nature == "pourcentage" else formats.euros(now)
                values[c.code] = st.number_input(
                    c.libelle,
                    min_value=0.0,
                    max_value=100.0 if c.nature == "pourcentage" else 1e8,
                    value=None,
                    step=1.0 if c.nature == "pourcentage" else 100.0,
                    format="%.0f",
                    placeholder=f"en vigueur : {shown}",
                    key=f"an_{action}_{c.code}",
                    help=c.aide or None,
                )
        submitted = st.form_submit_button("Enregistrer", type="primary")
    if not submitted:
        return
    saisies, errors = validate(form_frame(p.annee, action, values))
    if errors:
        errors_list(errors, "Rien n'a été enregistré :")
        return
    if not saisies:
        st.warning("Aucune case remplie : rien à enregistrer.")
        return
    report = store.save_values(engine, saisies, user.login)
    st.success(f"Enregistré ({p.annee}) : {report.message()}.")


def _import_box(engine: Engine, user: User) -> None:
    st.subheader("Importer un fichier")
    st.caption(
        "CSV (; ou ,) ou Excel (.xlsx), une ligne par valeur : colonnes annee, action (1 à 16, ou « programme »), "
        "champ, valeur. Le fichier est vérifié en entier : s'il contient une erreur, rien n'est enregistré."
    )
    with st.expander("Exemple de fichier et codes des rubriques"):
        st.code(FORMAT_IMPORT, language=None)
        st.markdown("\n".join(f"- `{c.code}` : {c.libelle}" for c in CHAMPS))
    up = st.file_uploader("Fichier du programme", type=["csv", "xlsx"], key="an_import")
    if up is None:
        return
    data = up.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    raw, errors = read_file(data, up.name)
    saisies = []
    if not errors and raw is not None:
        saisies, errors = validate(raw)
    if errors:
        if st.session_state.get("an_refused") != digest:  # one audit line per refused file, not per rerun
            store.log_refused_import(engine, user.login, up.name, errors)
            st.session_state["an_refused"] = digest
        errors_list(errors, f"Fichier « {up.name} » refusé, rien n'a été enregistré ({len(errors)} erreur(s)) :")
        return
    if st.session_state.get("an_imported") == digest:
        st.success(f"« {up.name} » est enregistré.")
        return
    st.info(f"« {up.name} » : {len(saisies)} ligne(s) valide(s) — {store.preview(engine, saisies).message()}.")
    if st.button(f"Enregistrer les {len(saisies)} valeurs", key="an_import_ok", type="primary"):
        report = store.save_values(engine, saisies, user.login, source="import", filename=up.name)
        st.session_state["an_imported"] = digest
        st.success(f"Import enregistré : {report.message()}.")


def _history(engine: Engine, annee: int, action: int) -> None:
    st.subheader("Historique d'une valeur")
    champs = [c for c in CHAMPS if (c.niveau == "programme") == (action == PROGRAMME)]
    code = st.selectbox("Rubrique", [c.code for c in champs], format_func=lambda c: champs_label(c), key="an_hist")
    h = store.history(engine, annee, action, code)
    if h.empty:
        st.caption("Aucune valeur saisie pour cette rubrique.")
        return
    nature = next(c.nature for c in CHAMPS if c.code == code)
    shown = pd.DataFrame(
        {
            "Valeur": [
                t if nature == "texte" else (formats.pourcent(v, 0) if nature == "pourcentage" else formats.euros(v))
                for v, t in zip(h["valeur_num"], h["valeur_texte"], strict=True)
            ],
            "Saisie par": h["saisi_par"],
            "Le": [f"{d:%d/%m/%Y %H:%M}" for d in h["saisi_le"]],
            "En vigueur": ["oui" if a else "non (corrigée)" for a in h["actif"]],
        }
    )
    st.table(shown)


def champs_label(code: str) -> str:
    return next(c.libelle for c in CHAMPS if c.code == code)


def mission_label(action: int) -> str:
    m = mission_of(action)
    return f"Mission {m.numero} — {m.intitule}"
