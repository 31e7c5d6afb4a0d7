"""response source: where each response came from (手机, 问卷星, 腾讯问卷, 表格, 纸质)

Existing rows were all typed on the phone form, so the server default fills them with 手机.

Revision ID: 055c7cc66f98
Revises: bb9734052ea9
Create Date: 2026-11-25 15:01:06.255020

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '055c7cc66f98'
down_revision = 'bb9734052ea9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), server_default='手机', nullable=False))


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('source')
