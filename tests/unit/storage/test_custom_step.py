"""Schema step 6 → 7: a version-6 database gains the inventory tables and keeps its data."""

import sqlalchemy as sa

from fitgap.domain.custom import FunctionRecord
from fitgap.services.catalog import init_database
from fitgap.services.custom import list_functions
from fitgap.services.custom_import import import_functions
from fitgap.storage.db import Database, create_engine
from fitgap.storage.schema import SCHEMA_VERSION, create_schema, open_database


def test_a_version_6_database_is_upgraded_with_the_inventory_tables(backend_url):
    old = Database(create_engine(backend_url))
    with old.begin() as conn:
        create_schema(conn, version=6)
        conn.execute(sa.text("INSERT INTO setting (key, value) VALUES ('kept', 'はい')"))
        assert "current_function" not in sa.inspect(conn).get_table_names()
    old.dispose()
    init_database(url=backend_url, user="t")  # opens (upgrades) and seeds the catalog
    db = open_database(backend_url)
    try:
        with db.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            assert {"current_function", "current_function_mapping"} <= tables
            assert conn.execute(sa.text("SELECT value FROM fitgap_meta WHERE key='schema_version'")).scalar() == str(SCHEMA_VERSION)
            assert conn.execute(sa.text("SELECT value FROM setting WHERE key='kept'")).scalar() == "はい"
        import_functions(db=db, user="t", records=[FunctionRecord("001", "F-1", "住民票の写し交付")])
        assert [r.name for r in list_functions(db=db)] == ["住民票の写し交付"]
    finally:
        db.dispose()
