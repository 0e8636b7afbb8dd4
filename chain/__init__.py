"""Linli's chain adapter: the only package that imports web3.

    connect       open_chain(kind | rpc_url) -> Chain           (embedded py-evm, Anvil, Ganache, any RPC)
    base          Chain: w3, signers, chain_id, increase_time, mine, snapshot/revert, close
    embedded      EmbeddedChain (in-process py-evm, the default)
    nodes         LocalNode: Anvil/Ganache on a free port, readiness wait, logs, clean stop
    rpc           RpcChain over HTTP (dev-method dialects of Anvil, Ganache, Hardhat)
    provider      RetryingHTTPProvider; retry: RetryPolicy, backoff on transient RPC failures only
    keys          dev accounts, LINLI_PRIVATE_KEY, keystore + LINLI_KEYSTORE_PASSWORD
    nonces        NonceManager for many transactions in flight
    artifacts     build/contracts/<Name>.json
    reverts       RevertDecoder: custom errors by name with arguments, Error(string), Panic
    transactions  Transactor: call / send / send_many / deploy, reverts raised as ContractCustomError
    events        EventDecoder, LogFetcher (eth_getLogs windows, bisected when a node refuses)
    errors        ChainError and friends, under governance.errors.LinliError
    node_errors   web3's node failures under chain/'s names (the layers above never import web3)
    recursion     the safe recursion limit, kept after py_ecc raises it
    exclusive     sends under a nonce authority shared by processes (PostgreSQL advisory lock)

    plan          the system as data: contracts, constructor arguments, roles, order (deploy and brownie read it)
    deploy        deploy_linli(chain, DeployConfig) -> Deployment   (contracts/deploy-defaults.json profiles)
    deployment    Deployment: deployment.json read / write / validate
    system        Linli.attach(chain, deployment): the six bound contracts + Transactor + EventDecoder
    points        Points: award_batch (chunked, progress), balances, votes, past votes, delegate
    governor      Governance: propose, state, castVote, relayed castVoteBySig, queue, execute, time helpers
    ballots       EIP-712 Ballot / ExtendedBallot signing and signer recovery (SignedBallot <-> JSON)
    delegations   ERC-5805 Delegation signing (SignedDelegation <-> JSON)
    polls         Polls: open, approve (directly or a relayed EIP-712 Approval), enact, read ProductPoll
    rules         Rules: read the rule book; Actions that change it (for proposals)
    ledger        Ledger: publish a period, read it back from its event, verify a proof on chain

Everything above `chain` (api, CLI, scripts) talks to chains only through this package.
"""
