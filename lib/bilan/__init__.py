"""Bilans for the comité de pilotage: annual or quarterly, region / département / ML, PDF or PPTX.

content.py  gathers the masked tables of every section (the same functions as the pages)
pdf.py      the document with fpdf2
pptx.py     the slides with python-pptx
charts.py   matplotlib charts drawn from masked tables only
__main__.py python -m lib.bilan --periode 2010 [--territoire CODE] --format pdf|pptx --sortie FICHIER
"""
