"""The documented duplicate policy, on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from tm.errors import FormatError
from tm.models import Status, Unit, Variant
from tm.services import memory as svc
from tm.store import Store, UnitRow, VariantRow


def pair(
    src: str,
    tgt: str,
    *,
    tgt_lang: str = "es",
    ctx: str | None = None,
    status: Status = Status.TRANSLATED,
) -> Unit:
    return Unit(
        variants=[Variant("en", src), Variant(tgt_lang, tgt)],
        source_lang="en",
        context_key=ctx,
        status=status,
    )


def counts(store: Store) -> tuple[int, int]:
    with store.session() as s:
        return (
            s.scalar(select(func.count()).select_from(UnitRow)) or 0,
            s.scalar(select(func.count()).select_from(VariantRow)) or 0,
        )


def test_same_pair_twice_is_stored_once(any_store: Store) -> None:
    first = svc.import_units(any_store, [pair("Lymph nodes", "Ganglios linfáticos")], memory="m")
    again = svc.import_units(any_store, [pair("Lymph  nodes ", "Ganglios linfáticos")], memory="m")
    assert (first.added, again.added, again.skipped) == (1, 0, 1)
    assert counts(any_store) == (1, 2)


def test_duplicates_inside_one_import_are_collapsed(any_store: Store) -> None:
    units = [pair("Tamoxifen", "Tamoxifeno")] * 3
    result = svc.import_units(any_store, units, memory="m")
    assert (result.added, result.skipped) == (1, 2)


def test_new_target_for_same_source_is_an_alternative(any_store: Store) -> None:
    svc.import_units(any_store, [pair("Recurrence", "Recurrencia")], memory="m")
    result = svc.import_units(any_store, [pair("Recurrence", "Recidiva")], memory="m")
    assert (result.added, result.alternatives) == (1, 1)
    hits = svc.concordance(any_store, "Recurrence", lang="en")
    assert sorted(h.translations["es"] for h in hits) == ["Recidiva", "Recurrencia"]


def test_new_language_is_merged_into_the_stored_unit(any_store: Store) -> None:
    svc.import_units(any_store, [pair("Mastectomy", "Mastectomía")], memory="m")
    multi = Unit(
        variants=[
            Variant("en", "Mastectomy"),
            Variant("es", "Mastectomía"),
            Variant("de", "Mastektomie"),
        ],
        source_lang="en",
    )
    result = svc.import_units(any_store, [multi], memory="m")
    assert (result.added, result.merged) == (0, 1)
    assert counts(any_store) == (1, 3)
    [hit] = svc.concordance(any_store, "Mastectomy", lang="en")
    assert hit.translations == {"es": "Mastectomía", "de": "Mastektomie"}


def test_reimport_as_corrected_upgrades_status_but_never_downgrades(any_store: Store) -> None:
    svc.import_units(any_store, [pair("Jaundice", "Ictericia", status=Status.DRAFT)], memory="m")
    svc.import_units(
        any_store, [pair("Jaundice", "Ictericia")], memory="m", status=Status.CORRECTED
    )
    svc.import_units(any_store, [pair("Jaundice", "Ictericia", status=Status.DRAFT)], memory="m")
    [hit] = svc.concordance(any_store, "Jaundice", lang="en")
    assert hit.status == "corrected"


def test_context_keeps_otherwise_equal_units_apart(any_store: Store) -> None:
    svc.import_units(any_store, [pair("Open", "Abrir", ctx="menu")], memory="m")
    result = svc.import_units(any_store, [pair("Open", "Abierto", ctx="status")], memory="m")
    assert (result.added, result.alternatives) == (1, 0)


def test_memories_do_not_share_duplicates(any_store: Store) -> None:
    svc.import_units(any_store, [pair("Bone pain", "Dolor óseo")], memory="oncology")
    result = svc.import_units(any_store, [pair("Bone pain", "Dolor óseo")], memory="general")
    assert result.added == 1
    assert {m.name: m.units for m in svc.list_memories(any_store)} == {"general": 1, "oncology": 1}


def _broken_after(n: int) -> Iterator[Unit]:
    for i in range(n):
        yield pair(f"Segment number {i}", f"Segmento número {i}")
    raise FormatError("unexpected end of file", path="broken.tmx", line=42)


def test_failed_import_leaves_the_database_as_it_was(any_store: Store) -> None:
    svc.import_units(any_store, [pair("Keep me", "Guárdame")], memory="m")
    before = counts(any_store)
    with pytest.raises(FormatError, match=r"broken\.tmx:42"):
        # 4,500 units: several batches are already flushed when the reader fails.
        svc.import_units(any_store, _broken_after(4500), memory="m")
    assert counts(any_store) == before
    assert [m.name for m in svc.list_memories(any_store)] == ["m"]


def test_language_tags_are_matched_by_key(any_store: Store) -> None:
    unit = Unit(
        variants=[Variant("zh-CN", "乳腺癌复发"), Variant("en-GB", "Breast cancer recurrence")],
        source_lang="zh-CN",
    )
    svc.import_units(any_store, [unit], memory="m")
    [hit] = svc.concordance(any_store, "乳腺癌", lang="zh-Hans", target_langs=["en-US"])
    assert hit.translations == {"en-GB": "Breast cancer recurrence"}
    assert hit.spans == [(0, 3)]


def test_sparse_optional_fields_survive_bulk_writes(any_store: Store) -> None:
    """Bulk inserts leave out columns that are empty in every row of a batch; a field
    set on one unit among thousands must still be stored, and the rest stay empty."""
    from datetime import UTC, datetime

    units = [pair(f"Sentence number {i} about recurrence", f"Frase {i}") for i in range(4500)]
    special = units[3100]
    special.note = "checked by the oncologist"
    special.variants[1].created_by = "reviewer"
    special.variants[1].changed_at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    special.variants[0].notes = ["source note"]
    svc.import_units(any_store, units, memory="sparse")
    assert counts(any_store) == (4500, 9000)
    with any_store.session() as s:
        noted = s.execute(select(UnitRow.tuid, UnitRow.note).where(UnitRow.note.is_not(None)))
        assert [n for _t, n in noted] == ["checked by the oncologist"]
        target = s.execute(
            select(VariantRow.text, VariantRow.created_by, VariantRow.changed_at).where(
                VariantRow.created_by.is_not(None)
            )
        ).all()
        assert [(t, c) for t, c, _when in target] == [("Frase 3100", "reviewer")]
        assert target[0][2] is not None and target[0][2].replace(tzinfo=UTC) == datetime(
            2026, 3, 1, 12, 0, tzinfo=UTC
        )
        with_notes = s.scalars(select(VariantRow.notes).where(VariantRow.notes.is_not(None)))
        assert list(with_notes) == [["source note"]]
