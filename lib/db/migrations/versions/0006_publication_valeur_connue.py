"""publication_case.connue : dernière valeur publiée de la case (règle d'une publication à la suivante)

Revision ID: 0006
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publication_case") as batch:
        batch.add_column(sa.Column("connue", sa.Float(), nullable=True))
    op.execute("UPDATE publication_case SET connue = valeur WHERE statut = 'publiée'")


def downgrade() -> None:
    with op.batch_alter_table("publication_case") as batch:
        batch.drop_column("connue")
