"""FastAPI service."""
