"""Alembic migrations, shipped inside the package; `Store.open()` applies them."""
