"""response achievements: the form's 取得成效, what a participant says the plan has achieved

A round-table's speeches open with what went well (the seed's （一）成效); typed under 存在问题
they were read as problems unless the words said otherwise. The answer now has a field of its
own for them, which the kind stage takes as a prior for praise (analysis.kind_names.FIELD_PRIORS).

The column is added in place (ALTER TABLE … ADD COLUMN, also on SQLite): rebuilding `response`
would drop the answer-count triggers of 9e4d2c7a1b60.

Revision ID: b7e1d4a9c3f2
Revises: 9e4d2c7a1b60
Create Date: 2026-12-07 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1d4a9c3f2'
down_revision = '9e4d2c7a1b60'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('response', sa.Column('achievements', sa.Text(), server_default='', nullable=False))


def downgrade():
    # SQLite drops a column in place since 3.35; batch mode would rebuild the table (and lose the triggers)
    op.execute("ALTER TABLE response DROP COLUMN achievements")
