"""Queries → raw counts. Nothing here is fit for the screen until lib.secret masks it."""
