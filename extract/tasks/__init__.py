"""The Airflow side of the pipeline: what the DAG's tasks call.

`steps` has one function per task (each reads `settings` itself, at run time), `dbt_group`
builds the Cosmos `dbt` task group from public Cosmos settings, and `settings` says where
everything lives. Nothing here is imported by `extract.warehouse`, `extract.nlp` or `expectations`.
"""
