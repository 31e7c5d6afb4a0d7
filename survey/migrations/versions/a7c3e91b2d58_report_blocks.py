"""report_block and report_block_change: the report's sections as staff finished them, audited

Revision ID: a7c3e91b2d58
Revises: 7b3e5a9c2d61
Create Date: 2026-11-30 04:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a7c3e91b2d58'
down_revision = '7b3e5a9c2d61'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_block',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('draft_text', sa.Text(), nullable=True),
        sa.Column('edited_by_id', sa.Integer(), nullable=True),
        sa.Column('edited_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['edited_by_id'], ['staff_user.id'], name=op.f('fk_report_block_edited_by_id_staff_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_report_block_evaluation_id_evaluation'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_block')),
        sa.UniqueConstraint('evaluation_id', 'key', name=op.f('uq_report_block_key')),
    )
    with op.batch_alter_table('report_block', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_block_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table(
        'report_block_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('block_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('before_text', sa.Text(), nullable=True),
        sa.Column('after_text', sa.Text(), nullable=True),
        sa.Column('before_draft', sa.Text(), nullable=True),
        sa.Column('after_draft', sa.Text(), nullable=True),
        sa.Column('undone_by_change_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['block_id'], ['report_block.id'], name=op.f('fk_report_block_change_block_id_report_block'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['undone_by_change_id'], ['report_block_change.id'], name=op.f('fk_report_block_change_undone_by_change_id_report_block_change'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_report_block_change_user_id_staff_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_block_change')),
    )
    with op.batch_alter_table('report_block_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_block_change_block_id'), ['block_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_block_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_block_change_block_id'))
    op.drop_table('report_block_change')
    with op.batch_alter_table('report_block', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_block_evaluation_id'))
    op.drop_table('report_block')
