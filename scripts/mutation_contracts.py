"""Mutation testing of the contracts: one-line mutants of contracts/*.sol, each run against its brownie tests.

    python scripts/mutation_contracts.py                    # every mutant (~30 min on 2 busy cores)
    python scripts/mutation_contracts.py --only rb- pl-     # mutants whose name starts with a prefix
    python scripts/mutation_contracts.py --list             # the sample, without running it
    python scripts/mutation_contracts.py --json out.json    # also write every result
    python scripts/mutation_contracts.py --tests-ref HEAD~3 # the score of older tests (same mutants)

Why our own: no Solidity mutation tool installs from the npm registry and runs offline here (gambit and
vertigo-rs are not on npm; SuMo needs a Truffle/Hardhat project); a fixed, reviewed sample also keeps the
mutants meaningful (each one is a bug a member would care about) and the run within half an hour.

Never touches the repository's files: the contracts, tests/contracts, scripts/ and the build cache are copied
to a temporary project (node_modules symlinked), and brownie runs there with its own HOME whose `development`
network listens on a free port, so other brownie runs on this machine (port 8545) neither attach to our Anvil
nor we to theirs. A mutant is killed when its test modules fail (stopping at the first failure), survives when
they pass, times out after TIMEOUT_SECONDS (counted as killed), and is stillborn when it does not compile. An
unmutated run comes first: it must pass. The mutant, its run and its score are scripts/mutation_core.py's.
"""
from __future__ import annotations

import shutil
import socket
import sys
from pathlib import Path

import yaml

from mutation_core import ROOT, Bench, Layout, Mutant, Outcome, Suite, export, parser, run, tool_env
from mutation_core import main as run_main

TIMEOUT_SECONDS = 900

# The test modules (tests/contracts/) that exercise each contract file. test_invariants.py (hypothesis,
# minutes per run) is left out of mutant runs to keep the whole sample within ~30 minutes.
MODULES: dict[str, tuple[str, ...]] = {
    "RuleBook.sol": ("test_rule_book.py", "test_governance.py", "test_product_poll_enact.py"),
    "PayoutLedger.sol": ("test_payout_ledger.py", "test_governance.py"),
    "ContributionPoints.sol": ("test_contribution_points.py", "test_governance.py"),
    "CommunityGovernor.sol": ("test_governance.py", "test_proposal_guardian.py", "test_deploy.py"),
    "governance/GovernorProposalGuardian.sol": ("test_proposal_guardian.py", "test_governance.py"),
    "governance/GovernorQuorumCache.sol": ("test_governance.py", "test_proposal_guardian.py"),
    "ProductPoll.sol": ("test_product_poll.py", "test_product_poll_enact.py", "test_product_poll_by_sig.py"),
}


M = Mutant
MUTANTS: tuple[Mutant, ...] = (
    # RuleBook: legal bounds, per-proposal change bound, catalogue, timelock-only writes.
    M("rb-l1-sum-unchecked", "RuleBook.sol", "_checkCommission(1, rateBps, rules.level2Bps);",
      "_checkCommission(1, rateBps, 0);"),
    M("rb-l2-sum-unchecked", "RuleBook.sol", "_checkCommission(2, rateBps, rules.level1Bps);",
      "_checkCommission(2, rateBps, 0);"),
    M("rb-sum-off-by-one", "RuleBook.sol", "if (rateBps > maxBps) {", "if (rateBps >= maxBps) {"),
    M("rb-pool-min-off-by-one", "RuleBook.sol", "rateBps < MIN_POOL_RATE_BPS ||", "rateBps <= MIN_POOL_RATE_BPS ||"),
    M("rb-pool-max-off-by-one", "RuleBook.sol", "rateBps > MAX_POOL_RATE_BPS)", "rateBps >= MAX_POOL_RATE_BPS)"),
    M("rb-gmv-zero-allowed", "RuleBook.sol", "if (targetCents == 0 || targetCents > MAX_GMV_TARGET_CENTS) {",
      "if (targetCents > MAX_GMV_TARGET_CENTS) {"),
    M("rb-gmv-max-off-by-one", "RuleBook.sol", "targetCents > MAX_GMV_TARGET_CENTS)",
      "targetCents >= MAX_GMV_TARGET_CENTS)"),
    M("rb-max-change-min-off-by-one", "RuleBook.sol", "maxChangeBps < MIN_MAX_RATE_CHANGE_BPS ||",
      "maxChangeBps <= MIN_MAX_RATE_CHANGE_BPS ||"),
    M("rb-change-bound-off-by-one", "RuleBook.sol", "if (delta > maxChangeBps) {", "if (delta >= maxChangeBps) {"),
    M("rb-change-from-current-not-base", "RuleBook.sol",
      "_checkRateChange(rules.baseLevel1Bps, rateBps, rules.baseMaxRateChangeBps);",
      "_checkRateChange(rules.level1Bps, rateBps, rules.baseMaxRateChangeBps);"),
    M("rb-change-bound-not-base", "RuleBook.sol",
      "_checkRateChange(rules.baseLevel2Bps, rateBps, rules.baseMaxRateChangeBps);",
      "_checkRateChange(rules.baseLevel2Bps, rateBps, rules.maxRateChangeBps);"),
    M("rb-gmv-target-no-role", "RuleBook.sol", "function setGmvTarget(uint256 targetCents) public virtual onlyTimelock {",
      "function setGmvTarget(uint256 targetCents) public virtual {"),
    M("rb-zero-product-id", "RuleBook.sol", "if (productId == 0 || metadataHash == 0) {", "if (metadataHash == 0) {"),
    M("rb-removed-keeps-metadata", "RuleBook.sol", "delete _productMetadata[productId];", ""),
    M("rb-constructor-l1-unchecked", "RuleBook.sol", "_checkCommission(1, level1Bps, 0);", ""),
    # PayoutLedger: append-only months, the rule book's pool, valid periods, publisher role, proofs.
    M("pl-republish-zero-root", "PayoutLedger.sol", "if (distribution_.recordHash != 0) {",
      "if (distribution_.merkleRoot != 0) {"),
    M("pl-zero-record-hash", "PayoutLedger.sol", "if (recordHash_ == 0) {", "if (false) {"),
    M("pl-target-off-by-one", "PayoutLedger.sol", "gmvCents >= targetCents ?", "gmvCents > targetCents ?"),
    M("pl-pool-below-allowed", "PayoutLedger.sol", "if (poolCents != expectedCents) {",
      "if (poolCents > expectedCents) {"),
    M("pl-year-min-off-by-one", "PayoutLedger.sol", "year >= 2000 &&", "year > 2000 &&"),
    M("pl-year-max-off-by-one", "PayoutLedger.sol", "year <= 9999 &&", "year < 9999 &&"),
    M("pl-month-max-off-by-one", "PayoutLedger.sol", "month <= 12;", "month < 12;"),
    M("pl-month-zero", "PayoutLedger.sol", "month >= 1 &&", "month >= 0 &&"),
    M("pl-no-publisher-role", "PayoutLedger.sol", ") public virtual onlyRole(PUBLISHER_ROLE) {", ") public virtual {"),
    M("pl-verify-unpublished", "PayoutLedger.sol", "if (root == 0) {\n            return false;",
      "if (root == 0) {\n            return true;"),
    # ContributionPoints: idempotent ids, non-transferable, delegation to self, issuer role.
    M("cp-id-not-marked", "ContributionPoints.sol", "_usedIds[id] = true;", "_usedIds[id] = false;"),
    M("cp-award-batch-id-unused", "ContributionPoints.sol",
      "_useId(batchId);\n        for (uint256 i = 0; i < members.length; ++i) {\n            _award(",
      "for (uint256 i = 0; i < members.length; ++i) {\n            _award("),
    M("cp-revoke-batch-id-unused", "ContributionPoints.sol",
      "_useId(batchId);\n        for (uint256 i = 0; i < members.length; ++i) {\n            _revoke(",
      "for (uint256 i = 0; i < members.length; ++i) {\n            _revoke("),
    M("cp-evidence-length-unchecked", "ContributionPoints.sol", "if (members != amounts || members != evidence) {",
      "if (members != amounts) {"),
    M("cp-zero-revoke", "ContributionPoints.sol",
      "if (amount == 0) {\n            revert ContributionPointsZeroAmount(member);\n        }\n        _burn(",
      "_burn("),
    M("cp-zero-id", "ContributionPoints.sol", "if (id == 0) {", "if (false) {"),
    M("cp-delegate-zero", "ContributionPoints.sol",
      "super._delegate(account, delegatee == address(0) ? account : delegatee);",
      "super._delegate(account, delegatee);"),
    M("cp-revoke-no-role", "ContributionPoints.sol",
      "function revoke(address member, uint256 amount, bytes32 evidence) public virtual onlyRole(ISSUER_ROLE) {",
      "function revoke(address member, uint256 amount, bytes32 evidence) public virtual {"),
    M("cp-interface-id", "ContributionPoints.sol", "interfaceId == type(IContributionPoints).interfaceId ||", ""),
    # Governor and its two extensions.
    M("cg-no-late-quorum", "CommunityGovernor.sol", "return super.proposalDeadline(proposalId);",
      "return Governor.proposalDeadline(proposalId);"),
    M("cg-quorum-numerator", "CommunityGovernor.sol", "GovernorVotesQuorumFraction(quorumNumerator_)",
      "GovernorVotesQuorumFraction(quorumNumerator_ / 2)"),
    M("gpg-no-expiry", "governance/GovernorProposalGuardian.sol", "if (Time.timestamp() < _guardianExpiry) {",
      "if (true) {"),
    M("gpg-active-ignores-expiry", "governance/GovernorProposalGuardian.sol",
      "return _guardian != address(0) && Time.timestamp() < _guardianExpiry;", "return _guardian != address(0);"),
    M("gpg-no-governance", "governance/GovernorProposalGuardian.sol",
      "function setProposalGuardian(address newGuardian, uint48 newExpiry) public virtual onlyGovernance {",
      "function setProposalGuardian(address newGuardian, uint48 newExpiry) public virtual {"),
    M("gpg-expired-proposer-flipped", "governance/GovernorProposalGuardian.sol",
      "if (sender != proposalProposer(proposalId)) {", "if (sender == proposalProposer(proposalId)) {"),
    M("gpg-zero-sender", "governance/GovernorProposalGuardian.sol", "if (sender != address(0) && sender == _guardian) {",
      "if (sender == _guardian) {",
      equivalent="msg.sender is never address(0), so the dropped half of the condition is always true"),
    M("gqc-cached-quorum-wrong", "governance/GovernorQuorumCache.sol", "return cache.quorum;",
      "return cache.quorum + 1;"),
    M("gqc-cache-any-timepoint", "governance/GovernorQuorumCache.sol", "if (cache.timepoint == timepoint) {",
      "if (cache.timepoint != type(uint48).max) {"),
    # ProductPoll: option bounds, voting window, one approval per member, top-N selection.
    M("pp-one-option", "ProductPoll.sol", "if (count < 2 || count > MAX_OPTIONS) {",
      "if (count < 1 || count > MAX_OPTIONS) {"),
    M("pp-max-options-off-by-one", "ProductPoll.sol", "count > MAX_OPTIONS) {", "count >= MAX_OPTIONS) {"),
    M("pp-top-n-off-by-one", "ProductPoll.sol", "if (topN == 0 || topN > count) {",
      "if (topN == 0 || topN >= count) {"),
    M("pp-deadline-off-by-one", "ProductPoll.sol", "now_ > p.deadline) {", "now_ >= p.deadline) {"),
    M("pp-selection-off-by-one", "ProductPoll.sol", "selection >> count != 0", "selection >> (count + 1) != 0"),
    M("pp-winners-early", "ProductPoll.sol", "if (_token.clock() <= p.deadline) revert",
      "if (_token.clock() < p.deadline) revert"),
    M("pp-quorum-strict", "ProductPoll.sol", "p.turnout < quorum(pollId)", "p.turnout <= quorum(pollId)"),
    M("pp-tie-ignored", "ProductPoll.sol", "if (weights[i] == cutWeight) return", "if (false) return"),
    M("pp-enact-twice", "ProductPoll.sol", "if (p.enacted) revert ProductPollAlreadyEnacted(pollId);", ""),
    M("rb-poll-role-open", "RuleBook.sol", "public virtual onlyRole(POLL_ROLE) returns", "public virtual returns"),
    M("pp-ties-and-zero-weight", "ProductPoll.sol", "if (weights[i] > bestWeight) {",
      "if (weights[i] >= bestWeight) {"),
    M("pp-zero-weight-skip", "ProductPoll.sol", "if (weight != 0) {", "if (true) {",
      equivalent="adding a zero weight to the tallies changes nothing; the test only saves gas"),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def workspace(base: Path, tests_ref: str | None) -> tuple[Path, dict[str, str]]:
    """A brownie project copied from the repository (build cache included) and the environment to run it in;
    tests/contracts from git revision `tests_ref` when given (the score of older tests), else the work tree."""
    project = base / "project"
    project.mkdir()
    for folder in ("contracts", "scripts", "build"):
        shutil.copytree(ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__"))
    if tests_ref is None:
        shutil.copytree(ROOT / "tests" / "contracts", project / "tests" / "contracts",
                        ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
    else:
        export(tests_ref, project, "tests/contracts")
    shutil.copy2(ROOT / "brownie-config.yaml", project / "brownie-config.yaml")
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    home = base / "home"
    shutil.copytree(Path.home() / ".brownie", home / ".brownie")
    config_path = home / ".brownie" / "network-config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    for network in config["development"]:
        if network["id"] == "development":
            network["cmd_settings"]["port"] = free_port()
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    env = tool_env(HOME=str(home), SOLCX_BINARY_PATH=str(ROOT / ".toolchain" / "solcx"))
    return project, env


def run_tests(project: Path, env: dict[str, str], modules: tuple[str, ...]) -> Outcome:
    command = [str(ROOT / ".venv" / "bin" / "brownie"), "test", *(f"tests/contracts/{m}" for m in modules),
               "--network", "development", "-x", "-q", "-p", "no:cacheprovider"]
    return run(command, project, env, TIMEOUT_SECONDS)


SUITE = Suite(MUTANTS, group_of=lambda m: m.path, layout=Layout("contract", 34, 42, 44), stillborn="CompilerError")


def main(argv: list[str] | None = None) -> int:
    options = parser(__doc__)
    options.add_argument("--tests-ref", metavar="REV", help="take tests/contracts from this git revision")
    args = options.parse_args(argv)

    def prepare(base: Path, chosen: list[Mutant]) -> Bench:
        project, env = workspace(base, args.tests_ref)
        modules = tuple(sorted({mod for m in chosen for mod in MODULES[m.path]}))
        return Bench(project / "contracts", [("contracts", lambda: run_tests(project, env, modules))],
                     lambda mutant: run_tests(project, env, MODULES[mutant.path]))

    return run_main(args, SUITE, lambda m: True, prepare, "linli-mutation-")


if __name__ == "__main__":
    sys.exit(main())
