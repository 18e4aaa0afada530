"""HTTP plumbing shared by every API function: resolver factory, problem documents, bearer guard."""

from bidcraft.http.app import create_app, lambda_handler_for

__all__ = ["create_app", "lambda_handler_for"]
