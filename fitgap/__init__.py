"""fitgap: Fit & Gap analysis of municipal core systems against the national standard specifications."""

__version__ = "0.1.0"
