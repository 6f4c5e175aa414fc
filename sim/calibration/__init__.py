"""Calibration: from a center's own ACD export to a scenario that reproduces it (`ccsim
calibrate`): read and check the export, estimate each scenario key with its uncertainty, write
the scenario with every estimate commented, and validate it against the data by simulation."""
