"""Command-line interface: argument parsing, one function per command, calls services."""
