"""The `linli` command: a thin shell over `governance`, `chain` and `api`."""
