"""The only code that talks to SQLite: the catalogue reader and builder, the patient database."""
