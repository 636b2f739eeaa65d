"""matplotlib drawings of a bilan's charts (PDF), from model.Graphique only: hidden points are None."""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from lib.bilan import formats  # noqa: E402
from lib.bilan.model import Graphique  # noqa: E402

COULEURS = ("#1f5f8b", "#e67e22", "#27ae60", "#8e44ad", "#c0392b")
HORS_BANDE = "#c0392b"


def _label(v: float, unite: str) -> str:
    if unite == "%":
        return formats.pourcent(v, 0)
    if unite == "€":
        return formats.euros(v)
    return formats.nombre(v)


def _axis(unite: str) -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: _label(v, unite))


def figure(g: Graphique, largeur: float = 7.0, hauteur: float = 3.4) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(largeur, hauteur), dpi=100)
    ax.spines[["top", "right"]].set_visible(False)
    if g.nature == "lignes":
        _lines(ax, g)
    else:
        _bars(ax, g)
    fig.tight_layout()
    return fig


def _bars(ax: plt.Axes, g: Graphique) -> None:
    name, points = g.series[0]
    shown = [(c, v) for c, v in zip(g.categories, points, strict=True) if v is not None]
    cats = [textwrap.fill(c.removeprefix("Mission locale "), 18) for c, _ in shown]
    values = [v for _, v in shown]
    colors = [
        HORS_BANDE if g.bande and not g.bande[0] <= v <= g.bande[1] else COULEURS[0]  # type: ignore[operator]
        for v in values
    ]
    horizontal = g.nature == "barres_h"
    if g.bande:
        (ax.axvspan if horizontal else ax.axhspan)(*g.bande, color="#27ae60", alpha=0.15, lw=0)
    if g.reference is not None:
        (ax.axvline if horizontal else ax.axhline)(g.reference, color="#555555", ls=":", lw=1)
    if horizontal:
        bars = ax.barh(cats, values, color=colors)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(_axis(g.unite))
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.set_xlim(0, max(values, default=1) * 1.25)
    else:
        bars = ax.bar(cats, values, color=colors)
        ax.yaxis.set_major_formatter(_axis(g.unite))
        ax.set_ylim(0, max([*values, *(g.bande or ())], default=1) * 1.15)
        if len(cats) > 6:
            ax.tick_params(axis="x", labelsize=7)
    ax.bar_label(bars, labels=[_label(v, g.unite) for v in values], padding=2, fontsize=8)
    ax.tick_params(labelsize=8)


def _lines(ax: plt.Axes, g: Graphique) -> None:
    x = list(range(len(g.categories)))
    for n, (name, points) in enumerate(g.series):
        ys = [float("nan") if v is None else v for v in points]  # a gap, never an interpolated value
        ax.plot(x, ys, marker="o", ms=3, lw=1.6, color=COULEURS[n % len(COULEURS)], label=name)
    step = max(1, len(x) // 8)
    ax.set_xticks(x[::step], [g.categories[i] for i in x[::step]], fontsize=8)
    ax.yaxis.set_major_formatter(_axis(g.unite))
    ax.set_ylim(bottom=0)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, frameon=False, loc="upper left", ncols=min(3, len(g.series)))


def png(g: Graphique, largeur: float = 7.0, hauteur: float = 3.4, dpi: int = 150) -> bytes:
    fig = figure(g, largeur, hauteur)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()
