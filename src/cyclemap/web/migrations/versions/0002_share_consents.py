"""each partner's agreement to share an area with the therapist

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Until now either partner alone could share an area. From now an area is shared
only while every partner agrees, and nobody's agreement was recorded before: so
every area starts unshared, and each partner chooses again (the safe direction:
nothing is shown that not everyone agreed to).
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('share_consents',
    sa.Column('relationship_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['relationship_id'], ['relationships.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('relationship_id', 'area', 'user_id')
    )
    op.execute(sa.text("UPDATE shares SET shared = :no").bindparams(no=False))


def downgrade() -> None:
    op.drop_table('share_consents')
