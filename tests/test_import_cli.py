"""`tm import`/`export`/`stats`/`concordance`/`memory` as a user runs them, on real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from cli.main import app
from tm.formats import read_units
from tm.store.schema import UnitRow

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "oncology-sample.tmx"

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence"
 o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>
<body>
{body}
</body></tmx>
"""


def tu(i: int | str, en: str, es: str) -> str:
    return (
        f'<tu tuid="{i}"><tuv xml:lang="en"><seg>{en}</seg></tuv>'
        f'<tuv xml:lang="es"><seg>{es}</seg></tuv></tu>'
    )


def write_tmx(path: Path, tus: list[str]) -> Path:
    path.write_text(TMX.format(body="\n".join(tus)), encoding="utf-8")
    return path


def unit_count(db: str) -> int:
    engine = create_engine(db)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(UnitRow)).scalar_one()
    engine.dispose()
    return int(n)


def tm(*args: str, db: str) -> object:
    return runner.invoke(app, [*args, "--db", db], catch_exceptions=False)


def test_import_then_reimport_reports_duplicates(tmp_path: Path, sqlite_url: str) -> None:
    f = write_tmx(
        tmp_path / "a.tmx",
        [tu(1, "Lymph nodes", "Ganglios linfáticos"), tu(2, "Jaundice", "Ictericia")],
    )
    first = runner.invoke(app, ["import", str(f), "--memory", "onc", "--db", sqlite_url, "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["totals"]["added"] == 2
    again = runner.invoke(app, ["import", str(f), "--memory", "onc", "--db", sqlite_url, "--json"])
    assert json.loads(again.output)["totals"] == {
        "read": 2,
        "added": 0,
        "merged": 0,
        "skipped": 2,
        "alternatives": 0,
    }


def test_broken_file_names_file_and_line_and_changes_nothing(
    tmp_path: Path, sqlite_url: str
) -> None:
    good = write_tmx(tmp_path / "good.tmx", [tu(1, "Bone pain", "Dolor óseo")])
    runner.invoke(app, ["import", str(good), "--db", sqlite_url])
    tus = [tu(i, f"Sentence {i}", f"Frase {i}") for i in range(5000)]
    tus.insert(4000, '<tu tuid="bad"><tuv xml:lang="en"><seg>unclosed</tuv></tu>')
    broken = write_tmx(tmp_path / "broken.tmx", tus)
    result = runner.invoke(
        app, ["import", str(good), str(broken), "--memory", "new", "--db", sqlite_url]
    )
    assert result.exit_code == 2
    assert "broken.tmx:" in result.output
    assert unit_count(sqlite_url) == 1
    listing = runner.invoke(app, ["memory", "list", "--json", "--db", sqlite_url])
    assert [m["name"] for m in json.loads(listing.output)] == ["default"]


def test_unknown_format_is_a_usage_error(tmp_path: Path, sqlite_url: str) -> None:
    f = tmp_path / "notes.bin"
    f.write_bytes(b"\x00\x01\x02 this is not a translation file")
    result = runner.invoke(app, ["import", str(f), "--db", sqlite_url])
    assert result.exit_code == 2
    assert "notes.bin" in result.output


def test_killed_import_leaves_no_partial_data(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    small = write_tmx(tmp_path / "small.tmx", [tu(1, "Kept", "Guardado")])
    subprocess.run(
        [sys.executable, "-m", "cli.main", "import", str(small), "--db", db, "-q"],
        check=True,
        cwd=ROOT,
    )
    big = write_tmx(
        tmp_path / "big.tmx",
        [tu(i, f"Segment {i} of the large file", f"Segmento {i}") for i in range(400_000)],
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "import", str(big), "--db", db, "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(4)
    assert proc.poll() is None, "the import finished before it could be killed: use a larger file"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert unit_count(db) == 1
    # The database is intact and usable after the kill.
    engine = create_engine(db)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
    again = subprocess.run(
        [sys.executable, "-m", "cli.main", "import", str(small), "--db", db, "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(again.stdout)["totals"]["skipped"] == 1


@pytest.mark.parametrize(
    "fmt,suffix",
    [("tmx", ".tmx"), ("po", ".po"), ("xliff", ".xlf"), ("xliff2", ".xlf"), ("csv", ".csv")],
)
def test_export_every_format_and_import_it_back(
    tmp_path: Path, sqlite_url: str, fmt: str, suffix: str
) -> None:
    result = runner.invoke(app, ["import", str(SAMPLE), "--memory", "onc", "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    out = tmp_path / f"out{suffix}"
    args = ["export", str(out), "--format", fmt, "--memory", "onc", "--db", sqlite_url, "--json"]
    if fmt != "tmx" and fmt != "csv":
        args += ["--from", "en", "--to", "es"]
    exported = runner.invoke(app, args)
    assert exported.exit_code == 0, exported.output
    n = json.loads(exported.output)["units"]
    assert n >= 100
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    back = runner.invoke(
        app, ["import", str(out), "--db", other, "--json", "--from", "en", "--to", "es"]
    )
    assert back.exit_code == 0, back.output
    # Bilingual formats carry only en and es: units equal in both collapse (PO holds a
    # msgid once; on import such twins are duplicates by the documented policy).
    distinct = {
        (u.variant("en").text, u.variant("es").text)  # type: ignore[union-attr]
        for u in read_units(SAMPLE)
    }
    assert json.loads(back.output)["totals"]["added"] == (
        len(distinct) if fmt not in ("tmx", "csv") else n
    )


def test_stats_and_concordance_on_the_sample(sqlite_url: str) -> None:
    runner.invoke(app, ["import", str(SAMPLE), "--memory", "oncology", "--db", sqlite_url])
    stats = json.loads(runner.invoke(app, ["stats", "--json", "--db", sqlite_url]).output)
    assert stats["units"] >= 100
    assert set(stats["languages"]) >= {"zh-Hans", "en", "es", "fr", "de"}
    assert {tuple(p["languages"]) for p in stats["pairs"]} >= {("en", "zh-Hans"), ("de", "en")}
    conc = runner.invoke(
        app,
        ["concordance", "lymph node", "--lang", "en", "--to", "es", "--json", "--db", sqlite_url],
    )
    hits = json.loads(conc.output)["hits"]
    assert hits and all("lymph node" in h["text"].lower() for h in hits)
    assert all(set(h["translations"]) == {"es"} for h in hits)
    missing = runner.invoke(
        app, ["concordance", "no such phrase anywhere", "--lang", "en", "--db", sqlite_url]
    )
    assert missing.exit_code == 1


def test_memory_commands(sqlite_url: str) -> None:
    assert runner.invoke(app, ["memory", "create", "general", "--db", sqlite_url]).exit_code == 0
    dup = runner.invoke(app, ["memory", "create", "general", "--db", sqlite_url])
    assert dup.exit_code == 2 and "already exists" in dup.output
    assert (
        runner.invoke(app, ["memory", "rename", "general", "gen", "--db", sqlite_url]).exit_code
        == 0
    )
    gone = runner.invoke(app, ["memory", "delete", "nope", "--yes", "--db", sqlite_url])
    assert gone.exit_code == 2 and "no memory named 'nope'" in gone.output
    assert (
        runner.invoke(app, ["memory", "delete", "gen", "--yes", "--db", sqlite_url]).exit_code == 0
    )
    listing = json.loads(
        runner.invoke(app, ["memory", "list", "--json", "--db", sqlite_url]).output
    )
    assert listing == []


POISON_TRIGGER = {
    # A real database error raised while the background thread writes the third batch.
    "sqlite": "CREATE TRIGGER poison BEFORE INSERT ON variant WHEN NEW.text = 'poison' "
    "BEGIN SELECT RAISE(ABORT, 'poisoned row refused'); END",
    "postgresql": """
        CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.text = 'poison' THEN RAISE EXCEPTION 'poisoned row refused'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER poison BEFORE INSERT ON variant FOR EACH ROW EXECUTE FUNCTION poison();
    """,
}


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_write_failing_in_the_background_rolls_back_the_whole_import(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """Batches are written by a background thread while the units are still being read;
    a database error there must still fail the import and leave nothing behind."""
    from sqlalchemy.exc import DBAPIError

    from tm.models import Unit, Variant
    from tm.services.memory import import_units
    from tm.store import Store

    url = (
        f"sqlite:///{tmp_path / 'tm.sqlite3'}"
        if backend == "sqlite"
        else str(request.getfixturevalue("pg_url"))
    )
    store = Store(url)
    store.upgrade()
    with store.engine.begin() as conn:
        conn.exec_driver_sql(POISON_TRIGGER[backend])
    units = [
        Unit([Variant("en", f"Sentence {i}"), Variant("es", f"Frase {i}")], source_lang="en")
        for i in range(4500)
    ]
    units[4200] = Unit([Variant("en", "A refused row"), Variant("es", "poison")], source_lang="en")
    try:
        with pytest.raises((DBAPIError, *_driver_errors())) as err:
            import_units(store, units, memory="m")
        assert "poisoned row refused" in str(err.value)
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM unit")).scalar_one() == 0
            assert conn.execute(text("SELECT COUNT(*) FROM fuzzy_posting")).scalar_one() == 0
            assert (
                conn.execute(text("SELECT COUNT(*) FROM memory WHERE name = 'm'")).scalar_one() == 0
            )
    finally:
        store.dispose()


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The background thread writes on the raw driver connection: its own error types."""
    import sqlite3

    import psycopg

    return (sqlite3.Error, psycopg.Error)


def test_a_nul_character_is_a_format_error_naming_the_unit(sqlite_url: str) -> None:
    """PostgreSQL cannot store NUL and no XML export could write it: refused on both."""
    from tm.errors import FormatError
    from tm.models import Unit, Variant
    from tm.services.memory import import_units
    from tm.store import Store

    store = Store(sqlite_url)
    units = [Unit([Variant("en", "Bone pain"), Variant("es", "Dolor\x00 óseo")], unit_id="t-7")]
    with pytest.raises(FormatError, match=r"\(unit t-7\): the es text holds a NUL character"):
        import_units(store, units, memory="m")
    assert unit_count(sqlite_url) == 0
    store.dispose()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_an_overlong_tuid_is_a_format_error_naming_file_and_unit(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """PostgreSQL would refuse it deep in a bulk write, SQLite would store it: both
    stop the import with the same error, pointing at the unit."""
    db = (
        f"sqlite:///{tmp_path / 'tm.sqlite3'}"
        if backend == "sqlite"
        else str(request.getfixturevalue("pg_url"))
    )
    tus = [tu(i, f"Sentence {i}", f"Frase {i}") for i in range(4500)]
    tus[4200] = tu("x" * 600, "An overlong id", "Un id demasiado largo")
    f = write_tmx(tmp_path / "long-id.tmx", tus)
    result = runner.invoke(app, ["import", str(f), "--memory", "m", "--db", db])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())  # the terminal width wraps the message
    assert f"long-id.tmx (unit {'x' * 40}): the tuid is 600 characters long" in said
    assert unit_count(db) == 0


def test_bulk_runtime_restores_the_interpreter_settings_even_on_error() -> None:
    import gc

    from tm.services.bulk import BULK_GEN0_THRESHOLD, BULK_SWITCH_INTERVAL, bulk_runtime

    before = (gc.get_threshold(), sys.getswitchinterval())
    with pytest.raises(RuntimeError), bulk_runtime():
        assert gc.get_threshold()[0] == BULK_GEN0_THRESHOLD
        assert sys.getswitchinterval() == pytest.approx(BULK_SWITCH_INTERVAL)
        raise RuntimeError("import failed")
    assert (gc.get_threshold(), sys.getswitchinterval()) == before
    assert gc.get_freeze_count() == 0
