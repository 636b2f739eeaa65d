"""Screens of the partnership review: scorecard, status grids, trend, comments, entry and import.

Every figure comes from a MaskedTable built by lib.partenariat.dashboard (young people
through protect, the rest through declare_public). A status is always written in words
and carries a symbol, the colour only repeats it (a projected screen, colour-blind readers).
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine

from lib.auth import User
from lib.export.tables import display_frame
from lib.partenariat import dashboard, store, trimestres
from lib.partenariat.catalogue import Catalogue, CatalogueError, catalogue
from lib.partenariat.dashboard import REGION
from lib.partenariat.entry import MODELE_CSV, EntryError, form_frame, read_file, validate
from lib.partenariat.status import COULEURS, SYMBOLES, Statut, atteinte, libelle
from lib.secret import HIDDEN_MARK, LEGEND, STATUS, MaskedTable
from lib.ui import render
from lib.ui.filters import keep
from lib.ui.glossary import explain, help_for
from lib.ui.imports import modele

CSS = """
<style>
.pk-table {border-collapse: collapse; width: 100%; font-size: 1rem; margin-bottom: .5rem}
.pk-table th {text-align: left; border-bottom: 2px solid #888; padding: .35rem .5rem; vertical-align: bottom}
.pk-table td {border-bottom: 1px solid #ddd; padding: .35rem .5rem; vertical-align: middle}
.pk-table td.num {text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums}
.pk-table td.cell {text-align: center; white-space: nowrap}
.pk-pill {display: inline-block; padding: .1rem .55rem; border-radius: .8rem; font-weight: 600; white-space: nowrap}
.pk-legend .pk-pill {margin: 0 .4rem .3rem 0}
.pk-def {display: inline-block; width: 1.1em; height: 1.1em; line-height: 1.05em; border: 1px solid #777;
  border-radius: 50%; text-align: center; font-size: .75em; color: #444; cursor: help; margin-left: .2em}
.pk-scroll {overflow-x: auto}
.pk-grid {font-size: .92rem}
.pk-grid td:first-child {min-width: 17rem}
.pk-grid th {font-size: .85rem}
.pk-comment {border-left: 4px solid #6b7fa8; padding: .4rem .8rem; background: #f5f7fb; margin: .3rem 0}
</style>
"""
MAX_ERREURS = 30


def style() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


def catalogue_error(exc: CatalogueError) -> None:
    st.error(f"Le catalogue des indicateurs contient une erreur, la page ne peut pas s'afficher. {exc}")


def _e(text: object) -> str:
    return html.escape(str(text))


def pill(code: str, text: str | None = None, seuil: float = 0.9) -> str:
    """A status as HTML: symbol + words, coloured (the colour only repeats what the words say)."""
    s = Statut(code)
    bg, fg = COULEURS[s]
    words = text or libelle(s, seuil)
    return f'<span class="pk-pill" style="background:{bg};color:{fg}">{SYMBOLES[s]} {_e(words)}</span>'


def legend(seuil: float = 0.9) -> None:
    pills = "".join(pill(s, seuil=seuil) for s in Statut)
    st.markdown(
        f'<div class="pk-legend"><small>Statuts :</small> {pills}</div>',
        unsafe_allow_html=True,
        help="Atteint : objectif tenu. Proche : au moins "
        f"{round(seuil * 100)} % de l'objectif. Pour un indicateur où « plus bas = mieux » (délai), "
        "l'atteinte est l'objectif divisé par la valeur. « s » : valeur cachée par le secret statistique, "
        "son statut l'est donc aussi.",
    )


def _status_of(row: pd.Series) -> tuple[str, str | None]:
    """(status code, words) of a row; a hidden row is "secret" whatever its computed status was."""
    if row[STATUS] != "ok":
        return Statut.SECRET, None
    return row["statut_code"], row["statut"]


def _value_text(row: pd.Series, col: str = "valeur") -> str:
    v = row[col]
    return HIDDEN_MARK if row[STATUS] != "ok" or (isinstance(v, float) and math.isnan(v)) else str(v)


def review_filters(masked: MaskedTable, mls: Mapping[str, str], region_label: str) -> tuple[str, str]:
    """Quarter and territory of the review, at the top of the page (seen on the projected screen)."""
    render.require_masked(masked)
    quarters = list(masked.categories.get("trimestre", ()))
    c1, c2 = st.columns([1, 2])
    keep("pk_trimestre", quarters, quarters[-1])
    quarter = c1.selectbox(
        "Trimestre",
        quarters,
        format_func=trimestres.label,
        key="pk_trimestre",
        help=help_for("Comité de pilotage"),
    )
    options = {REGION: region_label, **mls}
    keep("pk_territoire", list(options), REGION)
    territory = c2.selectbox("Territoire", list(options), format_func=options.get, key="pk_territoire")
    return quarter, territory


def _html_table(masked: MaskedTable, head: str, body: list[str], title: str, key: str) -> None:
    """A table of escaped cells (statuses need colour and words: st.dataframe cannot), its legend, its files."""
    st.markdown(
        f'<table class="pk-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>',
        unsafe_allow_html=True,
    )
    if masked.hidden_count:
        st.caption(LEGEND)
    render.downloads(masked, title, key, frame=export_frame(masked), origin="partenariat")


def export_frame(masked: MaskedTable) -> pd.DataFrame:
    """The review rows for a spreadsheet: values and targets as numbers (texts only for yes / no),
    achievement in %, status and trend in words; "s" where hidden, "—" where nothing was entered."""
    render.require_masked(masked)
    t = masked.table
    if not {"valeur_num", "cible_num", "code"} <= set(t.columns):  # a history table: its columns as they are
        return display_frame(masked)
    cat = catalogue()
    rows = []
    for _, r in t.iterrows():
        hidden = r[STATUS] != "ok"
        number = r["valeur_num"]
        sens = cat[r["code"]].sens if r["code"] in cat.codes else "hausse"
        ratio = None if hidden else atteinte(number, r["cible_num"], sens)
        rows.append(
            {
                "Indicateur": r["indicateur"],
                "Territoire": r["territoire"],
                "Trimestre": trimestres.label(r["trimestre"]),
                "Valeur": HIDDEN_MARK if hidden else _number_or_text(number, r["valeur"]),
                "Objectif": _number_or_text(r["cible_num"], r["objectif"]),
                "Atteinte de l'objectif (%)": "—" if ratio is None else math.floor(ratio * 100 + 1e-9),
                "Statut": HIDDEN_MARK if hidden else r["statut"],
                "Évolution sur la période précédente": HIDDEN_MARK if hidden else r["tendance"],
            }
        )
    return pd.DataFrame(rows)


def _number_or_text(number: object, text: object) -> object:
    """The number behind a value, unless the value is words (Oui / Non) or nothing was entered ("—")."""
    if pd.isna(number):
        return "—"
    if text in ("Oui", "Non"):
        return text
    return float(number)


def scorecard(masked: MaskedTable, title: str, key: str, seuil: float = 0.9) -> None:
    """One row per indicator: value, target, achievement, status in words, change on the previous period."""
    render.require_masked(masked)
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    render.badge(masked)
    head = "".join(f"<th>{h}</th>" for h in ("Indicateur", "Valeur", "Objectif", "Atteinte", "Statut", "Évolution"))
    body = []
    for _, row in masked.table.iterrows():
        code, words = _status_of(row)
        hidden = row[STATUS] != "ok"
        body.append(
            "<tr>"
            f'<td>{explain(row["indicateur"])} <span class="pk-def" title="{_e(row["definition"])}">?</span></td>'
            f'<td class="num">{_e(_value_text(row))}</td>'
            f'<td class="num">{_e(row["objectif"])}</td>'
            f'<td class="num">{_e(HIDDEN_MARK if hidden else row["atteinte"])}</td>'
            f"<td>{pill(code, words, seuil)}</td>"
            f'<td class="num">{_e(HIDDEN_MARK if hidden else row["tendance"])}</td>'
            "</tr>"
        )
    _html_table(masked, head, body, title, key)


def _short(name: str) -> str:
    """A column head: the ML without « Mission locale », a quarter as « T3 2010 » rather than its code."""
    if name.startswith(("1", "2")) and "-T" in name:
        year, quarter = trimestres.parse(name)
        return f"T{quarter} {year}"
    return name.removeprefix("Mission locale ").removeprefix("Mission Locale ")


def status_grid(masked: MaskedTable, columns: str, title: str, key: str, seuil: float = 0.9) -> None:
    """Indicators in rows, territories or quarters (`columns`) in columns; each cell: symbol, value, words on hover."""
    render.require_masked(masked)
    t = masked.table
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    render.badge(masked)
    cols = [c for c in masked.categories.get(columns, ()) if c in set(t[columns])]
    rows = [r for r in masked.categories.get("indicateur", ()) if r in set(t["indicateur"])]
    cells = {(r["indicateur"], r[columns]): r for _, r in t.iterrows()}
    head = "<th>Indicateur</th>" + "".join(f"<th>{_e(_short(c))}</th>" for c in cols)
    body = []
    for ind in rows:
        tds = []
        for c in cols:
            row = cells.get((ind, c))
            if row is None:
                tds.append('<td class="cell"><span title="pas de valeur attendue ce trimestre">·</span></td>')
                continue
            code, words = _status_of(row)
            s = Statut(code)
            bg, fg = COULEURS[s]
            value = "" if s in (Statut.SANS_VALEUR, Statut.SECRET) else _value_text(row)  # "s" already says it
            tip = f"{libelle(s, seuil) if words is None else words} — objectif : {row['objectif']}"
            tds.append(
                f'<td class="cell"><span class="pk-pill" style="background:{bg};color:{fg}" title="{_e(tip)}">'
                f"{SYMBOLES[s]} {_e(value)}</span></td>"
            )
        body.append(f"<tr><td>{explain(ind)}</td>{''.join(tds)}</tr>")
    st.markdown(
        f'<div class="pk-scroll"><table class="pk-table pk-grid"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>",
        unsafe_allow_html=True,
    )
    st.caption(
        "Chaque case : symbole du statut (✔ atteint, ≈ proche, ✖ non atteint, — pas de valeur, "
        "◐ saisie incomplète, s secret statistique) puis la valeur ; le statut en toutes lettres et l'objectif "
        "s'affichent au survol. « · » : pas de valeur attendue ce trimestre (indicateur semestriel ou annuel)."
    )
    render.downloads(masked, title, key, frame=export_frame(masked), origin="partenariat")


def trend_chart(masked: MaskedTable, title: str) -> None:
    """Value and target quarter by quarter; a hidden or missing quarter is a gap, never an interpolation."""
    render.require_masked(masked)
    t = masked.table
    x = t["trimestre"].tolist()
    hidden_or_missing = (t[STATUS] != "ok") | t["valeur_num"].isna()
    ys = [None if h else float(v) for v, h in zip(t["valeur_num"], hidden_or_missing, strict=True)]
    symbols = {Statut.ATTEINT: "circle", Statut.PROCHE: "diamond", Statut.NON_ATTEINT: "x"}
    words = [_status_of(r)[1] or "" for _, r in t.iterrows()]
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=[float(c) for c in t["cible_num"]],
        name="Objectif",
        mode="lines",
        line={"dash": "dash", "color": "#555"},
    )
    fig.add_scatter(
        x=x,
        y=ys,
        name="Valeur",
        mode="lines+markers+text",
        connectgaps=False,
        text=[_value_text(r) if y is not None else "" for (_, r), y in zip(t.iterrows(), ys, strict=True)],
        textposition="top center",
        marker={
            "size": 11,
            "symbol": [symbols.get(Statut(c), "circle-open") for c in t["statut_code"]],
            "color": [COULEURS[Statut(c)][1] for c in t["statut_code"]],
        },
        customdata=words,
        hovertemplate="%{x} : %{text} — %{customdata}<extra></extra>",
        line={"color": "#283d62"},
    )
    fig.update_layout(
        title=title,
        height=380,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis_title="Trimestre",
        legend={"orientation": "h", "y": -0.2},
    )
    render.badge(masked)
    render.plot(fig, masked)
    gaps = int(hidden_or_missing.sum())
    if gaps:
        st.caption(f"{gaps} trimestre(s) sans point : valeur non saisie ou cachée par le secret statistique.")


def comments_panel(comments: pd.DataFrame, quarter: str, ml_code: str, mls: Mapping[str, str]) -> None:
    """The comité's comment for the quarter (region, and the ML when one is chosen); earlier versions kept."""
    st.markdown(f"**Commentaire du comité de pilotage — {trimestres.label(quarter)}**")
    targets: list[tuple[str | None, str]] = [(None, "Région")]
    if ml_code != REGION:
        targets.append((ml_code, mls.get(ml_code, ml_code)))
    shown = False
    for code, name in targets:
        c = comments[(comments["trimestre"] == quarter)] if len(comments) else comments
        if len(c):
            c = c[c["ml_code"].isna()] if code is None else c[c["ml_code"] == code]
        if not len(c):
            continue
        shown = True
        last = c.iloc[-1]
        _comment(last, name)
        if len(c) > 1:
            with st.expander(f"Versions précédentes ({len(c) - 1})"):
                for _, old in c.iloc[:-1][::-1].iterrows():
                    _comment(old, name)
    if not shown:
        st.caption("Aucun commentaire du comité pour ce trimestre.")


def _comment(row: pd.Series, name: str) -> None:
    when = pd.Timestamp(row["saisi_le"]).strftime("%d/%m/%Y")
    text = _e(row["texte"]).replace("\n", "<br>")
    st.markdown(
        f'<div class="pk-comment"><small>{_e(name)} — saisi par {_e(row["auteur"])} le {when}</small><br>{text}</div>',
        unsafe_allow_html=True,
    )


def errors_list(errors: Sequence[EntryError], intro: str) -> None:
    lines = [f"- {_e(e)}" for e in errors[:MAX_ERREURS]]
    more = f"\n\n… et {len(errors) - MAX_ERREURS} autre(s) erreur(s)." if len(errors) > MAX_ERREURS else ""
    st.error(f"{intro}\n\n" + "\n".join(lines) + more)


# ---------------------------------------------------------------- entry (role animateur)


def entry_panel(engine: Engine, cat: Catalogue, masked: MaskedTable, mls: Mapping[str, str], user: User) -> None:
    """Typing values for one ML and quarter, importing a file, the comité's comment, the history."""
    render.require_masked(masked)
    st.markdown(
        "Les valeurs se saisissent par mission locale et par trimestre. Une correction ne remplace rien : "
        "l'ancienne valeur est conservée dans l'historique, avec qui l'a saisie et quand."
    )
    quarters, default = _entry_quarters(masked)
    c1, c2 = st.columns([2, 1])
    ml = c1.selectbox("Mission locale", list(mls), format_func=mls.get, key="pk_saisie_ml")
    quarter = c2.selectbox("Trimestre", quarters, index=default, format_func=trimestres.label, key="pk_saisie_trim")
    _typing_form(engine, cat, masked, mls, ml, quarter, user)
    st.divider()
    _import_box(engine, cat, mls, user)
    st.divider()
    _comment_form(engine, mls, quarters, default, user)
    st.divider()
    _history(engine, cat, masked, mls, quarters, default)


def _entry_quarters(masked: MaskedTable) -> tuple[list[str], int]:
    """Quarters already in the data and those of the following year; the default is the latest entered."""
    known = list(masked.categories.get("trimestre", ()))
    years = [trimestres.parse(q)[0] for q in known] or [pd.Timestamp.today().year]
    quarters = trimestres.of_years(min(years), max(years) + 1)
    return quarters, quarters.index(known[-1]) if known else 0


def _current_texts(masked: MaskedTable, ml: str, quarter: str) -> dict[str, str]:
    """The value in force of each indicator, as the dashboard shows it ("s" when hidden)."""
    t = masked.table
    rows = t[(t["ml_code"] == ml) & (t["trimestre"] == quarter)]
    return {r["code"]: _value_text(r) for _, r in rows.iterrows() if r["statut_code"] != Statut.SANS_VALEUR}


def _typing_form(
    engine: Engine,
    cat: Catalogue,
    masked: MaskedTable,
    mls: Mapping[str, str],
    ml: str,
    quarter: str,
    user: User,
) -> None:
    st.subheader("Saisir les valeurs")
    q = trimestres.parse(quarter)[1]
    due = [i for i in cat if q in i.trimestres_dus]
    current = _current_texts(masked, ml, quarter)
    st.caption(
        f"{mls.get(ml, ml)}, {trimestres.label(quarter)} : {len(due)} indicateur(s) attendu(s) ce trimestre. "
        "Laisser vide ce qui ne change pas ; la valeur en vigueur est rappelée dans chaque case."
    )
    with st.form(f"pk_form_{ml}_{quarter}", clear_on_submit=True):
        values: dict[str, float | None] = {}
        cols = st.columns(2)
        for n, ind in enumerate(due):
            unit = " (1 = oui, 0 = non)" if ind.unite == "oui_non" else " (jours)" if ind.unite == "jours" else ""
            now = current.get(ind.code)
            values[ind.code] = cols[n % 2].number_input(
                ind.libelle + unit,
                min_value=int(ind.minimum) if ind.entier else float(ind.minimum),
                max_value=int(ind.plafond) if ind.entier else float(ind.plafond),
                value=None,
                step=1 if ind.entier else 0.5,
                format="%d" if ind.entier else "%.1f",
                placeholder=f"en vigueur : {now}" if now else "aucune valeur",
                help=ind.definition
                + (" Compte des jeunes : secret statistique à l'affichage." if ind.compte_jeunes else ""),
                key=f"pk_in_{ind.code}",
            )
        submitted = st.form_submit_button("Enregistrer les valeurs", type="primary")
    if not submitted:
        return
    frame = form_frame(ml, quarter, values)
    if frame.empty:
        st.warning("Aucune case remplie : rien à enregistrer.")
        return
    saisies, errors = validate(frame, cat, mls)
    if errors:
        errors_list(errors, "Rien n'a été enregistré :")
        return
    report = store.save_values(engine, saisies, user.login, source="saisie")
    st.success(f"Enregistré pour {mls.get(ml, ml)}, {trimestres.label(quarter)} : {report.message()}.")


def _import_box(engine: Engine, cat: Catalogue, mls: Mapping[str, str], user: User) -> None:
    st.subheader("Importer un fichier")
    st.caption(
        "CSV (séparateur ; ou ,) ou Excel (.xlsx), une ligne par valeur, colonnes indicateur, ml, trimestre, "
        "valeur. Trimestre au format 2010-T1. Le fichier est vérifié en entier : s'il contient une erreur, "
        "rien n'est enregistré."
    )
    modele("Modèle de fichier (CSV)", MODELE_CSV, "partenariat")
    with st.expander("Exemple de fichier et codes des indicateurs"):
        st.code(MODELE_CSV, language=None)
        st.markdown(
            "\n".join(f"- `{i.code}` : {_e(i.libelle)} ({i.frequence})" for i in cat)
            + "\n\nCodes des missions locales : "
            + ", ".join(f"`{c}` ({_e(n)})" for c, n in mls.items())
        )
    up = st.file_uploader("Fichier de valeurs", type=["csv", "xlsx"], key="pk_import")
    if up is None:
        return
    data = up.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    frame, errors = read_file(data, up.name)
    saisies = []
    if not errors and frame is not None:
        saisies, errors = validate(frame, cat, mls)
    if errors:
        if st.session_state.get("pk_refused") != digest:  # one audit line per refused file, not per rerun
            store.log_refused_import(engine, user.login, up.name, errors)
            st.session_state["pk_refused"] = digest
        errors_list(errors, f"Fichier « {up.name} » refusé, rien n'a été enregistré ({len(errors)} erreur(s)) :")
        return
    if st.session_state.get("pk_imported") == digest:
        st.success(f"« {up.name} » est enregistré.")
        return
    preview = store.preview(engine, saisies)
    st.info(f"« {up.name} » : {len(saisies)} ligne(s) valide(s) — {preview.message()}.")
    if st.button(f"Enregistrer les {len(saisies)} valeurs", key="pk_import_ok", type="primary"):
        report = store.save_values(engine, saisies, user.login, source="import", filename=up.name)
        st.session_state["pk_imported"] = digest
        st.success(f"Import enregistré : {report.message()}.")


def _comment_form(engine: Engine, mls: Mapping[str, str], quarters: list[str], default: int, user: User) -> None:
    st.subheader("Commentaire du comité de pilotage")
    st.caption(
        "Relevé des échanges du comité sur le trimestre. N'écrivez aucun nom ni détail permettant de reconnaître "
        "un jeune. Un nouveau commentaire s'affiche à la place du précédent, qui reste consultable."
    )
    options = {REGION: "Région", **mls}
    with st.form("pk_comment", clear_on_submit=True):
        c1, c2 = st.columns([1, 2])
        quarter = c1.selectbox("Trimestre", quarters, index=default, format_func=trimestres.label, key="pk_com_trim")
        target = c2.selectbox("Territoire", list(options), format_func=options.get, key="pk_com_ter")
        text = st.text_area("Commentaire", max_chars=store.COMMENT_MAX, key="pk_com_text")
        submitted = st.form_submit_button("Enregistrer le commentaire")
    if submitted:
        problem = store.check_comment(quarter, text)
        if problem:
            st.error(problem)
            return
        store.add_comment(engine, quarter, None if target == REGION else target, text, user.login)
        st.success(f"Commentaire enregistré pour {options[target]}, {trimestres.label(quarter)}.")


def _history(
    engine: Engine, cat: Catalogue, review: MaskedTable, mls: Mapping[str, str], quarters: list[str], default: int
) -> None:
    st.subheader("Historique d'une valeur")
    c1, c2, c3 = st.columns([3, 2, 1])
    code = c1.selectbox("Indicateur", list(cat.codes), format_func=lambda c: cat[c].libelle, key="pk_hist_ind")
    ml = c2.selectbox("Mission locale", list(mls), format_func=mls.get, key="pk_hist_ml")
    quarter = c3.selectbox("Trimestre", quarters, index=default, format_func=trimestres.label, key="pk_hist_trim")
    versions = store.history(engine, code, ml, quarter)
    if versions.empty:
        st.caption("Aucune valeur saisie pour cet indicateur, cette mission locale et ce trimestre.")
        return
    t = review.table
    cell = t.loc[(t["code"] == code) & (t["ml_code"] == ml) & (t["trimestre"] == quarter), "valeur_num"]
    shown = cell.iloc[0] if len(cell) and pd.notna(cell.iloc[0]) else None  # what the review table shows
    masked = dashboard.history_table(versions, cat[code], shown)
    title = f"Versions : {cat[code].libelle} — {mls.get(ml, ml)}, {trimestres.label(quarter)}"
    history_table(masked, title, key="pk_hist")


def history_table(masked: MaskedTable, title: str, key: str) -> None:
    """The versions of one value, oldest first; a hidden count shows "s" like everywhere else."""
    render.require_masked(masked)
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    cols = [*masked.dims, *masked.value_columns]
    head = "".join(f"<th>{_e(masked.label(c))}</th>" for c in cols)
    body = []
    for _, row in masked.table.iterrows():
        tds = [f"<td>{_e(row[d])}</td>" for d in masked.dims]
        tds += [f'<td class="num">{_e(_value_text(row, c))}</td>' for c in masked.value_columns]
        body.append(f"<tr>{''.join(tds)}</tr>")
    _html_table(masked, head, body, title, key)
