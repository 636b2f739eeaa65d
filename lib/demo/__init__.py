"""The demo: Midi-Pyrénées 2010 calibrated on seed 002 by default, any territory on demand (python -m lib.demo)."""
