"""staff session version: part of the login id, raised on logout and password change

Existing users start at 0; cookies issued before this migration carry a bare user id and
are refused by the new loader, so everyone logs in once more.

Revision ID: 105007a61cf5
Revises: e43c02518d43
Create Date: 2026-11-25 15:05:22.890910

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '105007a61cf5'
down_revision = 'e43c02518d43'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('session_version')

