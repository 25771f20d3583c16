"""The documented limits on untrusted input (README, "Reliability"). Each keeps one hostile
file or query from taking minutes, gigabytes or the terminal."""

from __future__ import annotations

MAX_DECK_BYTES = 4_000_000  # one deck file (the largest built-in deck is under 100 KB)
MAX_DECK_CARDS = 2_000  # cards in one deck file
MAX_CSV_BYTES = MAX_DECK_BYTES  # a CSV/TSV import becomes one deck
MAX_CSV_FIELD = 128 * 1024  # one CSV cell, in characters
MAX_SQL_SCRIPT_BYTES = 16_000_000  # a sample database script (content/sql/*.sql)
MAX_PROGRESS_IMPORT_BYTES = 1_000_000_000  # a progress export to merge or import (~4M answers)

# SQL practice queries (mlprep/sqlsandbox.py); the time limit is `mlprep sql --time-limit`
MAX_SQL_VALUE_BYTES = 100_000  # one string, blob or stored row
MAX_SQL_COLUMNS = 100  # result columns
MAX_SQL_TEXT_BYTES = 100_000  # the query text
MAX_SQL_HEAP_BYTES = 64_000_000  # everything SQLite holds at once (sorts, DISTINCT, CTE queues)
MAX_SQL_RESULT_BYTES = 32_000_000  # the rows kept in Python (at most 1000 are shown)
