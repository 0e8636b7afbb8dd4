"""web3's exceptions for a node's failures, under chain/'s names: the layers above never import web3 themselves."""
from __future__ import annotations

from web3.exceptions import Web3Exception, Web3RPCError

NODE_ERROR = Web3Exception
"""Any failure web3 reports from the node: a JSON-RPC error, a lost or refused connection, a bad answer."""
NODE_REFUSAL = Web3RPCError
"""The node answered with a JSON-RPC error (its `rpc_response` holds the error object)."""
