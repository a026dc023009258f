"""Lookups through the store on SQLite and PostgreSQL, and the `tm lookup` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from tm.errors import NotFoundError, UsageError
from tm.match import PENALTY_CONTEXT, PENALTY_DRAFT, Bands, LookupContext, Match
from tm.models import InlineCode, Status, Unit, Variant, code_char
from tm.services.lookup import Query, lookup, lookup_batch
from tm.services.memory import delete_memory, import_units
from tm.store import Store

runner = CliRunner()


def unit(
    en: str, es: str, *, status: Status = Status.TRANSLATED, ctx: str | None = None, **kw: str
) -> Unit:
    source = Variant("en", en, prev_text=kw.get("prev"), next_text=kw.get("next"))
    return Unit([source, Variant("es", es)], source_lang="en", status=status, context_key=ctx)


ONCOLOGY = [
    unit("Tamoxifen is an endocrine therapy.", "El tamoxifeno es una terapia endocrina."),
    unit("Take 20 mg of tamoxifen daily.", "Tome 20 mg de tamoxifeno al día."),
    unit("The tumour was removed by surgery.", "El tumor se extirpó mediante cirugía."),
    unit("Chemotherapy reduces the risk of recurrence.", "La quimioterapia reduce el riesgo."),
    Unit(
        [Variant("zh-CN", "乳腺癌复发的风险"), Variant("es", "El riesgo de recurrencia")],
        source_lang="zh-CN",
    ),
]


def es(store: Store, text: str, **kw: Any) -> list[Match]:
    return lookup(store, text, source_lang="en", target_lang="es", **kw)


def test_exact_fuzzy_and_adapted_matches(any_store: Store) -> None:
    import_units(any_store, ONCOLOGY, memory="oncology")
    [exact] = es(any_store, "Tamoxifen  is an endocrine therapy.")
    assert (exact.score, exact.kind, exact.band) == (100, "exact", "100")
    assert exact.memory == "oncology" and exact.status == "translated"
    [fuzzy] = es(any_store, "Tamoxifen is an adjuvant endocrine therapy.")
    assert (fuzzy.kind, fuzzy.score) == ("fuzzy", 83)
    assert ("insert", "adjuvant ") in fuzzy.diff
    [adapted] = es(any_store, "Take 40 mg of tamoxifen daily.")
    assert (adapted.kind, adapted.score) == ("adapted", 99)
    assert adapted.target_text == "Tome 40 mg de tamoxifeno al día."
    assert es(any_store, "Radiotherapy targets the whole breast.") == []


def test_chinese_source_matches_by_character(any_store: Store) -> None:
    import_units(any_store, ONCOLOGY, memory="oncology")
    [match] = lookup(any_store, "乳腺癌复发的危险", source_lang="zh-CN", target_lang="es")
    assert match.score == 87
    assert lookup(any_store, "今天天气很好我们去公园", source_lang="zh", target_lang="es") == []


def test_reviewed_outranks_draft_and_draft_costs_points(any_store: Store) -> None:
    import_units(
        any_store,
        [unit("Stop the infusion.", "Detenga la perfusión.", status=Status.DRAFT)],
        memory="a",
    )
    import_units(
        any_store,
        [unit("Stop the infusion!", "¡Detenga la perfusión!", status=Status.REVIEWED)],
        memory="b",
    )
    matches = es(any_store, "Stop the infusion.", min_score=50)
    assert [(m.memory, m.score) for m in matches] == [("b", 98), ("a", 100 - PENALTY_DRAFT)]
    only_b = es(any_store, "Stop the infusion.", memory="b")
    assert [m.memory for m in only_b] == ["b"]
    with pytest.raises(NotFoundError):
        es(any_store, "Stop the infusion.", memory="nope")


def test_in_context_101_by_key_and_by_neighbours(any_store: Store) -> None:
    import_units(
        any_store,
        [
            unit("Open", "Abrir", ctx="menu|verb"),
            unit("Open", "Abierto", ctx="status"),
            unit("Dose", "Dosis", prev="Patient", next="Route"),
        ],
        memory="ui",
    )
    keyed = es(any_store, "Open", context=LookupContext(context_key="menu|verb"))
    assert [(m.kind, m.score, m.target_text) for m in keyed] == [
        ("in-context", 101, "Abrir"),
        ("exact", 100 - PENALTY_CONTEXT, "Abierto"),
    ]
    near = es(any_store, "Dose", context=LookupContext(prev_text="Patient", next_text="Route"))
    assert (near[0].kind, near[0].score, near[0].band) == ("in-context", 101, "101")
    elsewhere = es(any_store, "Dose", context=LookupContext(prev_text="Other", next_text="Route"))
    assert elsewhere[0].kind == "exact"


def test_units_without_the_target_language_are_not_offered(any_store: Store) -> None:
    import_units(
        any_store,
        [Unit([Variant("en", "Biopsy"), Variant("de", "Biopsie")], source_lang="en")],
        memory="m",
    )
    assert es(any_store, "Biopsy") == []
    [de] = lookup(any_store, "Biopsy", source_lang="en-GB", target_lang="de-AT")
    assert de.target_text == "Biopsie"


def test_inline_codes_survive_and_count_as_tags(any_store: Store) -> None:
    codes = (InlineCode("open", "1", "bpt", "<b>"), InlineCode("close", "1", "ept", "</b>"))
    source = Variant("en", f"Press {code_char(0)}Start{code_char(1)} now.", codes=codes)
    target = Variant("es", f"Pulse {code_char(0)}Inicio{code_char(1)} ahora.", codes=codes)
    import_units(any_store, [Unit([source, target], source_lang="en")], memory="m")
    [match] = es(any_store, "Press Start now.")
    assert match.score == 98 and match.penalties == [("tags", 2)]
    assert match.target_codes == codes


def test_options_are_checked(any_store: Store) -> None:
    with pytest.raises(UsageError):
        es(any_store, "x", min_score=120)
    with pytest.raises(UsageError):
        es(any_store, "x", limit=0)


def test_batch_equals_single_lookups_and_marks_repetitions(any_store: Store) -> None:
    import_units(any_store, ONCOLOGY, memory="oncology")
    texts = [
        "Take 30 mg of tamoxifen daily.",
        "The tumour was removed by laser surgery.",
        "Nothing like anything stored here at all.",
        "Take 30 mg of tamoxifen daily.",
        "Tamoxifen is an endocrine therapy.",
    ]
    batch = lookup_batch(
        any_store, [Query(t) for t in texts], source_lang="en", target_lang="es", limit=3
    )
    single = [es(any_store, t, limit=3) for t in texts]
    strip = [[(m.score, m.kind, m.target_text) for m in ms] for ms in batch]
    assert strip == [[(m.score, m.kind, m.target_text) for m in ms] for ms in single]
    assert [ms[0].repetition_of if ms else None for ms in batch] == [None, None, None, 0, None]


def test_memories_added_or_deleted_between_lookups_are_seen(any_store: Store) -> None:
    """Lookups remember which memories they searched (PostgreSQL speculates on it);
    a memory created or deleted since must still be searched or dropped."""
    import_units(any_store, ONCOLOGY, memory="oncology")
    query = "The tumour was removed by laser surgery."
    [first] = es(any_store, query)
    assert first.memory == "oncology"
    import_units(
        any_store,
        [unit("The tumour was removed by laser surgery today.", "Hoy, con láser.")],
        memory="later",
    )
    assert [m.memory for m in es(any_store, query, limit=5)] == ["later", "oncology"]
    delete_memory(any_store, "oncology")
    assert [m.memory for m in es(any_store, query, limit=5)] == ["later"]
    delete_memory(any_store, "later")
    assert es(any_store, query) == []


@pytest.mark.postgres
def test_a_lookup_survives_the_server_dropping_its_connection(pg_store: Store) -> None:
    """The read pool skips the pre-ping round trip; a dropped connection is retried."""
    pg_store.upgrade()
    import_units(pg_store, ONCOLOGY, memory="oncology")
    before = es(pg_store, "The tumour was removed by laser surgery.")
    with pg_store.engine.connect() as admin:
        killed = admin.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).all()
    assert killed, "the read pool should have held a connection to drop"
    after = es(pg_store, "The tumour was removed by laser surgery.")
    assert [(m.score, m.target_text) for m in after] == [(m.score, m.target_text) for m in before]


def test_custom_bands(any_store: Store) -> None:
    import_units(any_store, ONCOLOGY, memory="oncology")
    [match] = es(
        any_store, "The tumour was removed by laser surgery.", bands=Bands.parse("100,80,60")
    )
    assert match.band == "80-99"


def test_cli_lookup_text_and_json(any_store: Store, tmp_path: Path) -> None:
    import_units(any_store, ONCOLOGY, memory="oncology")
    db = any_store.url
    text_out = runner.invoke(
        app, ["lookup", "Take 40 mg of tamoxifen daily.", "--from", "en", "--to", "es", "--db", db]
    )
    assert text_out.exit_code == 0, text_out.output
    assert "99" in text_out.output and "adapted" in text_out.output
    assert "[-20-]{+40+}" in text_out.output  # the diff, marked without colour
    json_out = runner.invoke(
        app,
        [
            *("lookup", "The tumour was removed.", "--from", "en", "--to", "es", "--db", db),
            *("--min-score", "50", "--limit", "1", "--json"),
        ],
    )
    assert json_out.exit_code == 0, json_out.output
    data = json.loads(json_out.output)
    assert len(data["matches"]) == 1
    assert data["matches"][0]["score"] == 66  # 4 of 6 words, the full stop is no edit
    assert {"penalties", "diff", "band", "kind", "unit_id"} <= set(data["matches"][0])
    bad = runner.invoke(app, ["lookup", "x", "--from", "en", "--to", "es", "--db", db, "-n", "0"])
    assert bad.exit_code == 2


def test_cli_index_rebuild_reports_time(any_store: Store) -> None:
    import_units(any_store, ONCOLOGY, memory="oncology")
    result = runner.invoke(app, ["index", "rebuild", "--db", any_store.url])
    assert result.exit_code == 0, result.output
    assert "indexed 10 segments" in result.output and " s" in result.output
    [match] = es(any_store, "Tamoxifen is an endocrine therapy!")
    assert match.score == 98
