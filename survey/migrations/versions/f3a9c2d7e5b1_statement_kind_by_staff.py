"""statement.kind_by_staff: staff set the statement's kind (问题/建议/肯定/无实质内容); a run keeps
it and the kind model learns from it

Revision ID: f3a9c2d7e5b1
Revises: f3a9c1d7e5b2
Create Date: 2026-12-07 02:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'f3a9c2d7e5b1'
down_revision = 'f3a9c1d7e5b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind_by_staff', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_column('kind_by_staff')
