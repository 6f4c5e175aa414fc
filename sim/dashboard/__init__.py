"""The what-if dashboard: a manager changes the contact center in a browser and sees the
consequences against the baseline, with their uncertainty, in seconds (Solara)."""
