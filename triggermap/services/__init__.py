"""Use cases shared by the UI and the CLI; each returns what it produced or changed."""
