"""A hidden value never leaves the server: not in the page, a chart's data, its hover text, or a file."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.export.tables import to_csv, to_xlsx
from lib.secret import protect

# Three MLs × three categories; A×x = 3 is primary, so other cells of its row and column are
# hidden too. Every count is a value that appears nowhere else on the page.
RAW = pd.DataFrame(
    {"ml": list("AAABBBCCC"), "cat": list("xyz") * 3, "n": [3, 4321, 1234, 8765, 2468, 1357, 9753, 8642, 7531]}
)


def masked():
    return protect(RAW, ["ml", "cat"])


def hidden_true_values() -> set[str]:
    m = masked()
    t = m.table.merge(RAW, on=["ml", "cat"], how="left", suffixes=("", "_vrai"))
    return {str(int(v)) for v in t.loc[t["status"] == "secondary", "n_vrai"].dropna()}


def page() -> None:
    import pandas as pd

    from lib.secret import protect as _protect
    from lib.ui import render

    raw = pd.DataFrame(
        {"ml": list("AAABBBCCC"), "cat": list("xyz") * 3, "n": [3, 4321, 1234, 8765, 2468, 1357, 9753, 8642, 7531]}
    )
    m = _protect(raw, ["ml", "cat"])
    render.table(m, "Essai", key="essai")
    render.bar_chart(m, x="ml", color="cat", title="Barres")
    render.line_chart(m, x="cat", color="ml", title="Lignes")


def test_the_case_has_secondary_cells() -> None:
    values = hidden_true_values()
    assert values, "the fixture must produce secondary suppressions"
    assert values <= {"4321", "1234", "8765", "2468", "1357"}


def test_no_hidden_value_in_what_the_browser_receives(demo_engine) -> None:  # noqa: ANN001 (files name the data version)
    at = AppTest.from_function(page, default_timeout=60)
    at.run()
    assert not at.exception
    # every element sent to the browser; a dataframe travels as Arrow bytes: read it back as a table
    sent = "".join(str(node.proto) for node in at.main) + "".join(d.value.to_csv() for d in at.dataframe)
    flat = sent.replace("\u202f", "").replace(" ", "")
    assert "Essai" in sent and "44074" in flat  # the scan sees the table, grand total included
    charts = "".join(str(c.proto) for c in at.get("plotly_chart"))
    published = masked().table.query("status == 'ok' and ml != 'Total' and cat != 'Total'")["n"]
    assert any(str(int(v)) in charts for v in published)  # and the charts' data
    for v in hidden_true_values():
        assert v not in flat


def test_no_hidden_value_in_the_files() -> None:
    csv = to_csv(masked(), "Essai").decode("utf-8-sig")
    xlsx = pd.read_excel(pd.io.common.BytesIO(to_xlsx(masked(), "Essai")), sheet_name=None, dtype=str)
    text = csv + "".join(df.to_csv() for df in xlsx.values())
    for v in hidden_true_values():
        assert v not in text
    assert ";s" in csv or ";s\n" in csv  # hidden cells are written as "s"
    assert "secret statistique" in text.lower()
