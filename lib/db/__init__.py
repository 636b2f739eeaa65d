"""Database access: engine, schema, migrations."""
