"""The regional animation programme of the MLs (circular DGEFP 2008-15, seed 003).

annexe.py     the 4 missions, 6 objectives and 16 actions, the fields to enter, the 2–4 % band
entry.py      form and file → validated values (French errors naming line and column)
store.py      values in force and their history (a correction never erases)
programme.py  one year's programme: totals, State share, the 2–4 % check, masked tables
demo.py       the demo region's 2010 programme
"""
