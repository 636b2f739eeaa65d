"""Partnership indicators Missions locales ↔ Pôle emploi (convention régionale 2010, art. 2–7).

catalogue.py   partenariat.toml → typed, validated indicators
trimestres.py  "2010-T1" quarters
entry.py       form and CSV/XLSX import → validated values or French errors (line, column)
store.py       values (corrections kept as history), comments of the comité, audit
status.py      value against target → Atteint / Proche / Non atteint / Pas de valeur
dashboard.py   masked review table (protect for young people, declare_public for the rest)
"""
