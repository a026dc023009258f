"""SQLAlchemy 2.x typed tables of the translation memory.

Alembic migrations under `alembic/versions` must produce exactly this schema; a test
compares them on SQLite and PostgreSQL. Every table a feature adds is declared on
`Base` and imported by `tm.store` so the comparison sees it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

LANG_LEN = 35  # BCP 47 recommends supporting tags of at least 35 characters


class Base(DeclarativeBase):
    pass


class MemoryRow(Base):
    """A named translation memory (`oncology`, `general`, a client's)."""

    __tablename__ = "memory"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ImportBatchRow(Base):
    """One import run: which file went into which memory, when, by whom."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    memory_id: Mapped[int] = mapped_column(ForeignKey("memory.id", ondelete="CASCADE"), index=True)
    origin_file: Mapped[str | None] = mapped_column(String(1000))
    format: Mapped[str | None] = mapped_column(String(20))
    author: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    added: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)


class UnitRow(Base):
    """A multilingual translation unit and its provenance."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    memory_id: Mapped[int] = mapped_column(ForeignKey("memory.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), index=True
    )
    origin_file: Mapped[str | None] = mapped_column(String(1000))
    tuid: Mapped[str | None] = mapped_column(String(500))
    source_lang: Mapped[str | None] = mapped_column(String(LANG_LEN))
    context_key: Mapped[str | None] = mapped_column(Text)
    document: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default="translated")
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    props: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str | None] = mapped_column(String(200))

    variants: Mapped[list[VariantRow]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (Index("ix_unit_memory_status", "memory_id", "status"),)


class VariantRow(Base):
    """One language's text of a unit; `text_hash` is the exact-match key."""

    __tablename__ = "variant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    # Denormalised from unit so exact lookups and dedup are one index probe.
    memory_id: Mapped[int] = mapped_column(ForeignKey("memory.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(LANG_LEN))
    lang_key: Mapped[str] = mapped_column(String(LANG_LEN))
    text: Mapped[str] = mapped_column(Text)
    codes: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    text_hash: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str | None] = mapped_column(String(200))
    props: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    notes: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    prev_text: Mapped[str | None] = mapped_column(Text)
    next_text: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[UnitRow] = relationship(back_populates="variants")

    __table_args__ = (
        Index("ix_variant_exact", "memory_id", "lang_key", "text_hash"),
        UniqueConstraint("unit_id", "lang", "text_hash", name="uq_variant_unit_lang_text"),
    )
