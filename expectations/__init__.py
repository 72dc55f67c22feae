"""Data-quality checks for the warehouse, run with Great Expectations.

Two stages are validated on every pipeline run:

- ``raw``: after the extraction load, before dbt (suites ``raw_articles.raw``,
  ``raw_article_calls.raw``, ``raw_aid_mentions.raw``);
- ``marts``: after dbt (suites ``fct_call.marts``, ``bridge_call_participant.marts``,
  ``fct_aid.marts``).

``expectations.suites`` defines every suite once, as plain data plus the SQL that
produces each asset's DataFrame; it imports nothing heavy. ``expectations.validate``
runs them (``validate_stage``) and imports Great Expectations and pandas, so import
it inside an Airflow task, never at DAG parse time.
"""
