"""Linli's HTTP API: a mirror of the chain in a database, rebuilt from the chain at any time, and a few writes.

    settings   Settings from the environment (LINLI_*), placeholder secrets refused outside development
    db         engine and session factory for SQLite or PostgreSQL; Alembic migrations applied on start
    models     SQLAlchemy 2 tables: the event log, its projections, and admin data (records, imports, nonces)
    source     the indexer's narrow view of a chain: headers and logs (through `chain`, never web3 here)
    indexer    confirmations, cursor, reorg detection by parent hash, one indexer at a time
    projection events -> rows (used for new blocks and to replay after a reorg)
    queries    every read the routes make, keyword-only
    signing    Ed25519-signed admin requests; ratelimit: per-client token buckets
    routes/    one module per resource; main: create_app(settings)
"""
