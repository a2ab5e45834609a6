"""Shared fixtures: every test gets its own user directory, database and fixed clock."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

FIXED_NOW = "2026-11-23T09:30:00+08:00"


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False, help="run slow reliability tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No test reads or writes the real user directory, language or clock."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for var in ("PMCS_DB", "PMCS_USER", "PMCS_LANG", "PMCS_DEBUG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("PMCS_NOW", FIXED_NOW)
    monkeypatch.setenv("PMCS_TZ", "Asia/Shanghai")
    from pmcs.i18n import set_lang

    set_lang("en")
    yield
    set_lang("en")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "office.db"


class Runner:
    """Runs pmcs in-process with --db pointing at the test database."""

    def __init__(self, db_path, create=True):
        from typer.testing import CliRunner

        from pmcs.store import open_db

        self.db_path = db_path
        self.runner = CliRunner()
        if create:  # an office's database, as `pmcs init` leaves it
            db_path.parent.mkdir(parents=True, exist_ok=True)
            open_db(db_path).close()

    def __call__(self, *args, input=None, db=True, actor="王芳"):
        from pmcs.cli import app

        argv = (["--db", str(self.db_path)] if db else []) + (["--as", actor] if actor else []) + [str(a) for a in args]
        return self.runner.invoke(app, argv, input=input, catch_exceptions=False)

    def ok(self, *args, **kw):
        result = self(*args, **kw)
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        return result

    def rows(self, sql, params=()):
        conn = sqlite3.connect(self.db_path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def dump(self):
        """Every table's rows, to prove that a refused command wrote nothing."""
        conn = sqlite3.connect(self.db_path)
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
            dump = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
            # the schema too: imports drop and rebuild indexes inside their transaction
            dump["schema"] = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
            return dump
        finally:
            conn.close()


@pytest.fixture
def pmcs(db_path):
    return Runner(db_path)


@pytest.fixture
def session(db_path):
    from pmcs.clock import FixedClock
    from pmcs.services.session import Session

    from pmcs.store import open_db

    open_db(db_path).close()  # as `pmcs init` leaves it: reads need a database to read
    s = Session(db_path, actor="王芳", clock=FixedClock(datetime.fromisoformat(FIXED_NOW)))
    yield s
    s.close()


VALID_IDS = ["11010519491231002X", "110105198001010016", "440305199003070014"]
