"""The migrations describe exactly the models: `alembic check` finds no drift."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.models import Base


def test_migrations_match_models(database):
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models and migrations differ; write a revision: {diff}"


def test_single_head_and_the_quick_reading_agrees_with_alembic():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.db import head_revision, known_revisions, migrations_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_heads() == [head_revision()]
    assert {rev.revision for rev in script.walk_revisions()} == known_revisions()
