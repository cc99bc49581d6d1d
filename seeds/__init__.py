"""Reference data (taxonomy/*.json) and demo data (demo/*.json) and their loaders."""
