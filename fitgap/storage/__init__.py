"""Engine, sessions, schema versions and keyword-only queries."""
