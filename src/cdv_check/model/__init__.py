"""The data models: the dossier (input contract), the référentiel, JSON Schema, French errors."""
