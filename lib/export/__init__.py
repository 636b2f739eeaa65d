"""Exports: they accept only masked objects, like the screen."""
