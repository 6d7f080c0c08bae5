"""The one API the TUI and the CLI call: opens sessions, combines the layers, returns view models."""
