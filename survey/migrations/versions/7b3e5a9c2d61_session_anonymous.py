"""session anonymous: a public consultation asks no organisation (意见征集) or a named round-table

Existing sessions are all named round-tables, so the server default fills them with false.

Revision ID: 7b3e5a9c2d61
Revises: 8c4f2b7e1a93
Create Date: 2026-11-30 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b3e5a9c2d61'
down_revision = '8c4f2b7e1a93'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evaluation_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('evaluation_session', schema=None) as batch_op:
        batch_op.drop_column('anonymous')
