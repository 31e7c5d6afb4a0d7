"""Review: analysis results in the database, staff decisions on them, and the workspace."""
