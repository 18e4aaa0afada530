"""The Upwork sandbox: a local test double of Upwork's documented OAuth 2.0 and GraphQL API.

Mounted by the devserver at `/_sandbox/upwork` when `UPWORK_BASE_URL` is unset. Not affiliated with Upwork.
See docs/sandbox.md.
"""

from devserver.sandbox.app import UpworkSandbox
from devserver.sandbox.responses import SandboxResponse

__all__ = ["SandboxResponse", "UpworkSandbox"]
