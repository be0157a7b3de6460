"""The migrations describe exactly the models: `alembic check` finds no drift."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.models import Base


def test_migrations_match_models(database):
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models and migrations differ; write a revision: {diff}"


def test_single_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.db import migrations_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    assert len(ScriptDirectory.from_config(cfg).get_heads()) == 1
