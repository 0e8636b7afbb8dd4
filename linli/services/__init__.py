"""Linli's application services: the steps that join the pure rules engine (`governance`) to the chain
adapter (`chain`). The CLI, the demo and the brownie scripts call these; none of them prints anything.

    session        open the chain and bind the deployment the way every command does (flags, env, file)
    rules_source   the rules to close a month by: the rules file with the chain's RuleBook terms in force
    month_publish  mint a period's points (idempotent chunks), write the signed record, publish last
    proposals      build rule-change actions, find a proposal from its ProposalCreated event, vote checks
    verify         check a published month from the chain and the signed record only
    admin_key      the admin's Ed25519 seed for payout records (LINLI_ADMIN_KEY or a key file)
    demo_members   the demo co-op's member keys, and gas money for members who vote directly
"""
