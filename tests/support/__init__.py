"""Test infrastructure: a throwaway PostgreSQL server, database templates."""
