"""The patient side of the application: the patient panel, its dialogs, history and explain mode."""
