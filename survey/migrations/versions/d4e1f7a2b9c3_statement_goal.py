"""statement.goal: the plan goal a statement (praise) speaks of, stored by the analysis job

Revision ID: d4e1f7a2b9c3
Revises: a7c3e9f1b2d4
Create Date: 2026-12-06 22:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd4e1f7a2b9c3'
down_revision = 'a7c3e9f1b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('goal', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_column('goal')
