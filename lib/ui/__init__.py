"""Renderers: the only code that puts figures on screen, and only MaskedTable ones."""
