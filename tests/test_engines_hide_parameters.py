"""Every engine MentorDesk makes hides its statements' values (issue 19, STYLE.md practice 15): an SQL
error's message, which reaches logs and tracebacks, never carries a row value (a name, a note)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _engine_calls() -> list[tuple[str, int, ast.Call]]:
    calls = []
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "migrations").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "create_engine":
                calls.append((str(path.relative_to(ROOT)), node.lineno, node))
    return calls


def _hides(call: ast.Call) -> bool:
    for keyword in call.keywords:
        if keyword.arg == "hide_parameters":
            return isinstance(keyword.value, ast.Constant) and keyword.value.value is True
        if keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id == "json_options":
            return True  # app/db.py: json_options["hide_parameters"] = True, checked below
    return False


def test_every_create_engine_call_hides_parameters():
    calls = _engine_calls()
    assert any(path.endswith("fieldcopy.py") for path, _, _ in calls)  # the sync field copy's engine is found
    assert [f"{path}:{line}" for path, line, call in calls if not _hides(call)] == []


def test_the_engines_made_really_hide_them(tmp_path):
    from sqlalchemy.exc import IntegrityError

    from app import db

    engine = db.make_engine(str(tmp_path / "x.sqlite3"))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (name TEXT UNIQUE)")
            conn.exec_driver_sql("INSERT INTO t VALUES (?)", ("Ana Silva",))
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t VALUES (?)", ("Ana Silva",))
        except IntegrityError as exc:
            assert "Ana Silva" not in str(exc) and "parameters hidden" in str(exc)
        else:
            raise AssertionError("the second row should have been refused")
    finally:
        engine.dispose()
