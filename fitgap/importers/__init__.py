"""Turn files into validated domain objects. Importers never write to the database."""
