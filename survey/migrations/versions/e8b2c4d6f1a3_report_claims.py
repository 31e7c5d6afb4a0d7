"""report_claim and report_claim_change: each drafted sentence with its evidence and figures,
and staff's decisions on it, audited

Revision ID: e8b2c4d6f1a3
Revises: d4e1f7a2b9c3
Create Date: 2026-12-08 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e8b2c4d6f1a3'
down_revision = 'd4e1f7a2b9c3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_claim',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('block', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('in_draft', sa.Boolean(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('basis', sa.String(length=16), nullable=False),
        sa.Column('statements', sa.JSON(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('example_id', sa.Integer(), nullable=True),
        sa.Column('dropped', sa.Boolean(), nullable=False),
        sa.Column('staff_example_id', sa.Integer(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('drafted_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_report_claim_decided_by_id_staff_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_report_claim_evaluation_id_evaluation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['staff_example_id'], ['statement.id'], name=op.f('fk_report_claim_staff_example_id_statement'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_claim')),
        sa.UniqueConstraint('evaluation_id', 'block', 'key', name=op.f('uq_report_claim_key')),
    )
    with op.batch_alter_table('report_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_claim_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table(
        'report_claim_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['report_claim.id'], name=op.f('fk_report_claim_change_claim_id_report_claim'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_report_claim_change_user_id_staff_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_claim_change')),
    )
    with op.batch_alter_table('report_claim_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_claim_change_claim_id'), ['claim_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_claim_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_claim_change_claim_id'))
    op.drop_table('report_claim_change')
    with op.batch_alter_table('report_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_claim_evaluation_id'))
    op.drop_table('report_claim')
