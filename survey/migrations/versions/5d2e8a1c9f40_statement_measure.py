"""statement.measure: the plan measure a suggestion supports, stored by the analysis job

Revision ID: 5d2e8a1c9f40
Revises: 384800e982f5
Create Date: 2026-11-30 04:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '5d2e8a1c9f40'
down_revision = '384800e982f5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measure', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_column('measure')
