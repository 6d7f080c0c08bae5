"""Entities, enums and pure rules. Knows nothing of storage, Textual, Excel or graphs."""
