"""theme representatives: the machine's quotes for a theme

Revision ID: c51f0e2a7d14
Revises: bb9734052ea9
Create Date: 2026-11-25 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c51f0e2a7d14'
down_revision = 'bb9734052ea9'
branch_labels = None
depends_on = None


def upgrade():
    # server_default fills rows that already exist, so no theme is left without a list.
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('representatives', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.drop_column('representatives')
