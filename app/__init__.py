"""AICTO regional repository of AI and emerging-technology initiatives."""
