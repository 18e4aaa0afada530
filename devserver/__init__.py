"""The local stack (`make dev` = `python -m devserver`): never deployed."""
