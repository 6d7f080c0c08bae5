"""The dependency graph of systems: built from plain data, analysed with networkx, never querying."""
