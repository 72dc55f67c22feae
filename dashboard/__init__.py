"""Streamlit dashboard on the warehouse marts (`make dashboard`).

Modules: `data` (read-only DuckDB access, one connection per query),
`queries` (SQL behind every number, with the sidebar filters applied),
`charts` (Altair charts and the network layout), `views` (the pages) and
`app` (the Streamlit entry point).
"""
