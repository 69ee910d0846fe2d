"""The pipeline: findings and rule registry, checking one dossier, batches, summary, configuration."""
