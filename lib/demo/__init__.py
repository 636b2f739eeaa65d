"""The demo region: Midi-Pyrénées 2010, calibrated on seed 002."""
