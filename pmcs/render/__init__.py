"""Drawing: Rich tables and panels, CSV/JSON output. No queries, no rules."""
