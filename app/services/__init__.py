"""Business rules. No FastAPI imports here; one commit per use case."""
