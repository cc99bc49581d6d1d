"""Request and response models (no tables)."""
