"""wall_comment and wall_action: answers' comments for the live wall, shown only once staff
approve them, and every staff decision on them, audited

Revision ID: f3a9c1d7e5b2
Revises: e8b2c4d6f1a3
Create Date: 2026-12-07 02:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'f3a9c1d7e5b2'
down_revision = 'e8b2c4d6f1a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'wall_comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('organisation_type', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_wall_comment_decided_by_id_staff_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_wall_comment_response_id_response'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['evaluation_session.id'], name=op.f('fk_wall_comment_session_id_evaluation_session'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wall_comment')),
        sa.UniqueConstraint('response_id', 'field', name='uq_wall_comment_source'),
    )
    with op.batch_alter_table('wall_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wall_comment_session_id'), ['session_id'], unique=False)

    op.create_table(
        'wall_action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('before', sa.String(length=16), nullable=False),
        sa.Column('after', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['wall_comment.id'], name=op.f('fk_wall_action_comment_id_wall_comment'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_wall_action_user_id_staff_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wall_action')),
    )
    with op.batch_alter_table('wall_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wall_action_comment_id'), ['comment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('wall_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wall_action_comment_id'))
    op.drop_table('wall_action')
    with op.batch_alter_table('wall_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wall_comment_session_id'))
    op.drop_table('wall_comment')
