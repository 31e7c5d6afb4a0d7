"""statement.kind (problem, suggestion, praise, none); praise and none have no category

Revision ID: 8c4f2b7e1a93
Revises: 5d2e8a1c9f40
Create Date: 2026-11-30 04:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '8c4f2b7e1a93'
down_revision = '5d2e8a1c9f40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='problem'))
        batch_op.alter_column('machine_category', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('category', existing_type=sa.String(length=64), nullable=True)


def downgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.alter_column('category', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('machine_category', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('kind')
