"""Linli's HTTP API: a mirror of the chain in a database, rebuilt from the chain at any time, and a few writes.

    settings    Settings from the environment (LINLI_*), placeholder secrets refused outside development
    db          engines (a transactional one, an autocommit one for reads), migrations applied on start
    models      SQLAlchemy 2 tables: the event log, its projections, admin data; columns: exact uint256
    source      the indexer's narrow view of a chain (through `chain`, never web3 here); decoding: fast logs
    indexer     confirmations, cursor, reorgs by parent hash, one indexer at a time; projection: events -> rows
    queries     every read the routes make, keyword-only; views: rows -> responses; schemas: the bodies
    signing     Ed25519-signed admin requests; ratelimit: per-client token buckets
    relay       EIP-712 ballots checked, then castVoteBySig; records, imports: the admin writes
    routes/     one module per resource; main: create_app(settings)
"""
