"""drop the redundant variant(unit_id) index

`uq_variant_unit_lang_text (unit_id, lang, text_hash)` already starts with
`unit_id`, so it serves every lookup by unit (joins, cascading deletes) that
`ix_variant_unit_id` served. The second index only cost a B-tree insert per
imported variant and about 3.5% of the database (27 MB of 784 MB at 1M units).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 10:05:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_variant_unit_id", table_name="variant")


def downgrade() -> None:
    op.create_index("ix_variant_unit_id", "variant", ["unit_id"], unique=False)
