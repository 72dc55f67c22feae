"""The DuckDB warehouse: everything that reads or writes its tables, and the build lock.

`load` (schema, raw.* and the ledger), `run_log` (the audit row of a published run),
`summary` (`python -m extract.warehouse.summary`), `lock` (one run builds at a time).
It imports nothing from `extract.tasks`: the task layer passes paths and values in.
"""
