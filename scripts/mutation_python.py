"""Mutation testing of the security-critical Python code: one-line mutants, each run against its area's tests.

    python scripts/mutation_python.py --area signing         # one area (signing, relay, indexer, transactions)
    python scripts/mutation_python.py                        # every area (~1-2 h on 2 busy cores)
    python scripts/mutation_python.py --only sig- rl-        # mutants whose name starts with a prefix
    python scripts/mutation_python.py --list                 # the sample, without running it
    python scripts/mutation_python.py --ref HEAD~3 --json o.json   # the code and tests of a revision; results
    python scripts/mutation_python.py --without tests/api/test_api_signing.py   # the score without a test module

Why a scripted sample and not mutmut: mutmut 3.8.1 makes 1,976 mutants of these nine files, and every one
needs a fresh pytest session that starts Anvil, deploys the world and often a `linli serve` process (35-100 s
on this project's 2 shared cores): about a day per run. A fixed, reviewed sample of one-line mutants (flipped
comparisons, bounds ±1, removed checks, swapped constants, changed return values), each a bug a member or an
admin would notice, runs in an hour and keeps the score meaningful.

Never touches the repository's files: the revision `--ref` (default HEAD, so only committed code and tests)
is exported with `git archive` to a temporary directory, .venv, node_modules, .toolchain and build are
symlinked in, and the tests run there with PYTHONPATH on the copy (the editable install would otherwise import
the repository's own modules, in the test process and in the `linli serve` processes the tests start). A mutant
is killed when its tests fail (stopping at the first failure), survives when they pass, and times out after
TIMEOUT_SECONDS (counted as killed: the tests did not pass). An unmutated run of each area comes first: it must
pass. Mutants marked `equivalent` say why no test can tell them apart; they are left out of the score. The
mutant, its run and its score are scripts/mutation_core.py's.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from mutation_core import ROOT, Bench, Layout, Mutant, Outcome, Suite, export, parser, run, tool_env
from mutation_core import main as run_main

TIMEOUT_SECONDS = 480  # survivors run their area in 1-3 min here; a hung run (an indexer never caught up) is cut
LINKED = (".venv", "node_modules", ".toolchain", "build")
PYTEST = ("-p", "no:pytest-brownie", "-p", "no:cacheprovider", "-x", "-q")


@dataclass(frozen=True)
class Area:
    """The files of an area and its test modules (fast ones first: a killed mutant stops at the first failure);
    `select` is pytest's -k (sqlite only where the PostgreSQL variant adds nothing for these files)."""

    files: tuple[str, ...]
    tests: tuple[str, ...]
    select: str = ""


AREAS: dict[str, Area] = {
    "signing": Area(("api/signing.py", "api/request_signature.py", "api/limits.py"),
                    ("tests/api/test_api_signing.py", "tests/api/test_api_admin.py", "tests/api/test_api_limits.py",
                     "tests/api/test_api_rfc9421_client.py"),
                    "not postgresql"),
    "relay": Area(("api/relay.py", "chain/ballots.py", "api/ratelimit.py"),
                  ("tests/api/test_api_relay_mutants.py", "tests/api/test_api_relay.py",
                   "tests/api/test_relay_ballots.py", "tests/api/test_api_admin.py::test_rate_limit_answers_429_with_retry_after",
                   "tests/api/test_relay_processes.py")),
    "indexer": Area(("api/indexer.py",), ("tests/api/test_api_indexer_mutants.py", "tests/api/test_api_indexer.py")),
    "transactions": Area(("chain/transactions.py", "chain/nonces.py", "chain/reverts.py"),
                         ("tests/chain/test_chain_transactions.py", "tests/chain/test_chain_retry.py",
                          "tests/chain/test_chain_governance.py", "tests/chain/test_chain_points.py",
                          "tests/chain/test_chain_revert_without_data.py", "tests/chain/test_chain_race.py")),
}


M = Mutant
RS = "api/request_signature.py"
MUTANTS: tuple[Mutant, ...] = (
    # Signed admin requests (RFC 9421): the profile's components and parameters required, created within the
    # window, the nonce's shape, Content-Digest checked against the streamed body, the target URI as sent.
    M("sig-missing-header", RS, "        if not fields.get(name):\n", "        if False:\n"),
    M("sig-unknown-key-401", RS, "raise Refused(403, f\"key id", "raise Refused(401, f\"key id"),
    M("sig-keyid-any-type", RS, "if not isinstance(key_id, str):", "if key_id is None:"),
    M("sig-alg-unchecked", RS, "if params.get(\"alg\") != ALG.algorithm_id:", "if False:"),
    M("sig-created-any-type", RS, "if type(created) is not int:", "if created is None:"),
    M("sig-future-accepted", RS, "skew = abs(now - created)", "skew = now - created"),
    M("sig-age-bound-doubled", RS, "if skew > max_age:", "if skew > 2 * max_age:"),
    M("sig-library-skew-default", RS, "verifier.max_clock_skew = timedelta(seconds=max_age)", "pass"),
    M("sig-short-nonce", RS, "{16,128}", "{1,128}"),
    M("sig-nonce-unanchored", RS, "NONCE.fullmatch(nonce)", "NONCE.match(nonce)"),
    M("sig-covered-unchecked", RS, "missing = [name for name in COVERED if name not in covered]", "missing = []"),
    M("sig-parameterised-counts", RS, "if isinstance(name, str) and not component_params}",
      "if isinstance(name, str)}"),
    M("sig-two-signatures", RS, "if len(parsed) != 1:", "if len(parsed) < 1:"),
    M("sig-sha256-optional", RS, "if \"sha-256\" not in expected:", "if False:"),
    M("sig-any-digest-member", RS, "return all(hmac.compare_digest(", "return any(hmac.compare_digest("),
    M("sig-digest-unchecked", "api/signing.py", "if not signed.digest.matches():", "if False:"),
    M("sig-query-unsigned", "api/signing.py", "{path}\" + (f\"?{query}\" if query else \"\")", "{path}\""),
    M("sig-path-decoded", "api/signing.py", "raw = request.scope.get(\"raw_path\") or request.url.path.encode()",
      "raw = request.url.path.encode()"),
    M("sig-replay", "api/signing.py",
      "session.add(RequestNonce(key_id=signed.key_id, nonce=signed.nonce, created=signed.created))", "pass"),
    M("sig-method-unsigned", "api/signing.py", "check_headers(HttpMessage(request.method,",
      "check_headers(HttpMessage(\"POST\",",
      equivalent="every /admin route is a POST: the server never sees a signed request with another method"),
    # Body limits before buffering.
    M("lim-length-off-by-one", "api/limits.py", "if int(length) > limit.max_bytes:", "if int(length) >= limit.max_bytes:"),
    M("lim-buffered-off-by-one", "api/limits.py", "if len(body) > limit.max_bytes:", "if len(body) >= limit.max_bytes:"),
    M("lim-streamed-off-by-one", "api/limits.py", "if seen > limit.max_bytes:", "if seen >= limit.max_bytes:"),
    M("lim-chunked-unbounded", "api/limits.py",
      "if length is None and \"chunked\" not in headers.get(\"transfer-encoding\", \"\").lower():",
      "if length is None:"),
    M("lim-json-flipped", "api/limits.py", "if limit.streamed or not _decoded_as_json(", "if limit.streamed or _decoded_as_json("),
    M("lim-orders-default-limit", "api/limits.py", "(members|orders)", "(members)"),
    M("lim-records-default-limit", "api/limits.py", "if _RECORDS.match(path):", "if False:"),
    M("lim-json-type-case", "api/limits.py", "json\\s*(;|$)\", re.IGNORECASE)", "json\\s*(;|$)\")"),
    M("lim-empty-type-unchecked", "api/limits.py", "content_type is None or content_type.strip() == \"\" or",
      "content_type is None or"),
    M("lim-streamed-uncounted", "api/limits.py", "seen += len(message.get(\"body\", b\"\"))", "seen += 0"),
    # Relayed ballots: checked against the chain before the relayer pays.
    M("rel-signer-unexplained", "api/relay.py", 'if name == "GovernorInvalidSignature":', "if False:"),
    M("rel-contract-unexplained", "api/relay.py", "if linli.chain.w3.eth.get_code(ballot.voter):", "if False:"),
    M("rel-nonce-unchecked", "api/relay.py", "if nonce != ballot.nonce:", "if False:"),
    M("rel-zero-weight", "api/relay.py", "if weight == 0:", "if weight < 0:"),
    M("rel-closed-allowed", "api/relay.py", "if state is not ProposalState.ACTIVE:", "if False:"),
    M("rel-voted-allowed", "api/relay.py", "if gov.has_voted(ballot.proposal_id, ballot.voter):\n        raise",
      "if False:\n        raise"),
    M("rel-race-502", "api/relay.py", "if gov.has_voted(ballot.proposal_id, ballot.voter):  # a replay",
      "if False:  # a replay"),
    M("rel-delegator-unchecked", "api/relay.py", "if signer != delegation.delegator:", "if False:"),
    M("rel-replay-422", "api/relay.py", "if delegation.nonce < current:", "if False:"),
    M("rel-no-pg-authority", "api/relay.py",
      "return PostgresNonceAuthority(engine, chain_id) if engine.dialect.name == \"postgresql\" else None",
      "return None"),
    M("rel-stale-500", "chain/exclusive.py", "UNSENT = (RpcUnavailable, StaleNonce, NotSent,",
      "UNSENT = (RpcUnavailable, NotSent,"),
    M("bal-uint-bound", "chain/ballots.py", "if not 0 <= value <= maximum:", "if not 0 <= value < maximum:"),
    M("bal-support-bound", "chain/ballots.py", "int(v), 255)", "int(v), 256)"),
    M("bal-long-signature", "chain/ballots.py", "if len(signature) != 65:", "if len(signature) < 65:"),
    M("bal-v-not-normalised", "chain/ballots.py", "bytes([signature[64] + 27])", "bytes([signature[64]])"),
    M("bal-high-s", "chain/ballots.py", "if not 0 < s <= SECP256K1_N // 2:", "if not 0 < s < SECP256K1_N:"),
    M("bal-zero-r", "chain/ballots.py", "if not 0 < r < SECP256K1_N:", "if not 0 <= r < SECP256K1_N:"),
    M("bal-recover-uncaught", "chain/ballots.py", "except BadSignature as exc:", "except ValueError as exc:"),
    M("bal-reason-unbounded", "chain/ballots.py", "if len(value) > MAX_REASON_CHARS:", "if False:"),
    M("rl-burst-unbounded", "api/ratelimit.py", "tokens = min(self.capacity, tokens + (now - at) * self.rate)",
      "tokens = tokens + (now - at) * self.rate"),
    M("rl-wait-unscaled", "api/ratelimit.py", "return (1 - tokens) / self.rate\n", "return 1 - tokens\n"),
    M("rl-pg-burst-unbounded", "api/ratelimit.py",
      "\"LEAST(:capacity, b.tokens + GREATEST(0, EXCLUDED.updated - b.updated) * :rate)\"",
      "\"(b.tokens + GREATEST(0, EXCLUDED.updated - b.updated) * :rate)\""),
    M("rl-pg-never-limited", "api/ratelimit.py", "return 0.0 if granted else (1 - float(tokens)) / self.rate",
      "return 0.0"),
    M("rl-retry-after-zero", "api/ratelimit.py", "seconds = max(1, math.ceil(wait))", "seconds = int(wait)"),
    M("rl-one-bucket", "api/ratelimit.py", "wait = limiter.take(f\"{name}:{client}\")", "wait = limiter.take(name)"),
    # The indexer: every log once, reorgs undone, one indexer at a time.
    M("idx-no-reorg-check", "api/indexer.py", "if current is None or current.hash != state.block_hash:",
      "if current is None:"),
    M("idx-confirmations-ignored", "api/indexer.py", "safe = self.source.head() - self.confirmations",
      "safe = self.source.head()"),
    M("idx-window-off-by-one", "api/indexer.py", "hi = min(safe, lo + self.window - 1)", "hi = min(safe, lo + self.window)"),
    M("idx-resume-rereads", "api/indexer.py", "else state.block_number + 1", "else state.block_number"),
    M("idx-parent-unchecked", "api/indexer.py", "if parent is not None and first.parent_hash != parent:",
      "if False:"),
    M("idx-moved-unchecked", "api/indexer.py",
      "if any(e.block_hash != headers[e.block_number].hash for e in events) or self._header(hi).hash != last.hash:",
      "if False:"),
    M("idx-duplicates-stored", "api/indexer.py", "if (e.block_hash, e.log_index) not in known]", "]"),
    M("idx-rollback-floor", "api/indexer.py", "floor = ancestor.number if ancestor else -1",
      "floor = ancestor.number - 1 if ancestor else -1"),
    M("idx-rollback-keeps-events", "api/indexer.py",
      "session.execute(delete(ChainEvent).where(ChainEvent.block_number > floor))", "pass"),
    M("idx-caught-up-early", "api/indexer.py", "return StepResult(count, hi >= safe)", "return StepResult(count, True)"),
    M("idx-chain-id-unchecked", "api/indexer.py", "if state is not None and state.chain_id != self.source.chain_id:",
      "if False:"),
    M("idx-lease-stolen", "api/indexer.py", "if lease.holder == holder or lease.expires_at < now or _dead_here(",
      "if True or _dead_here("),
    # Transactions, nonces and revert decoding.
    M("tx-no-fixed-margin", "chain/transactions.py", "// 100 + self.gas_margin_fixed", "// 100"),
    M("tx-gas-over-block-limit", "chain/transactions.py", "gas = min(padded, self.chain.block_gas_limit)",
      "gas = padded"),
    M("tx-build-failure-keeps-nonce", "chain/transactions.py",
      "            self.chain.nonces.forget(sender.address)  # ... and", "            pass  # ... and"),
    M("tx-resend-is-error", "chain/transactions.py", "            if self._node_has(prepared.tx_hash):\n",
      "            if False:\n"),
    M("tx-send-failure-keeps-nonce", "chain/transactions.py",
      "            self.chain.nonces.forget(prepared.sender)\n", "            pass\n"),
    M("tx-stale-nonce-raw", "chain/transactions.py", "if any(word in str(exc).lower() for word in _NONCE_STALE):",
      "if False:"),
    M("tx-mined-revert-ignored", "chain/transactions.py", "if receipt[\"status\"] != 1:", "if receipt[\"status\"] > 1:"),
    M("tx-send-many-progress", "chain/transactions.py", "progress(done, len(fns))", "progress(done - 1, len(fns))"),
    M("tx-deploy-no-bytecode", "chain/transactions.py", "        if not artifact.bytecode:\n", "        if False:\n"),
    M("non-reused", "chain/nonces.py", "self._next[address] = nonce + 1", "self._next[address] = nonce"),
    M("non-cause-ignored", "chain/nonces.py", "link = link.__cause__", "link = None"),
    M("non-exclusive-cached", "chain/nonces.py", "            self.forget(address)\n            try:",
      "            try:"),
    M("non-authority-ignored", "chain/nonces.py",
      "(authority.hold(address) if authority is not None else nullcontext())", "nullcontext()"),
    M("rev-panic-reason", "chain/reverts.py", "0x11: \"arithmetic overflow or underflow\"", "0x12: \"arithmetic overflow or underflow\""),
    M("rev-address-lowercase", "chain/reverts.py", "        return to_checksum_address(value)\n", "        return value\n"),
    M("rev-ganache-result", "chain/reverts.py", "for key in (\"result\", \"data\"):", "for key in (\"data\",):"),
    M("rev-bare-revert-unnamed", "chain/reverts.py", "or said_revert:\n        return b\"\"", "or said_revert:\n        return None"),
    M("rev-malformed-crash", "chain/reverts.py", "report it raw rather than guess\n            return None",
      "report it raw rather than guess\n            raise"),
    M("rev-rpc-data-ignored", "chain/reverts.py", "return _rpc_error(exc).get(\"data\")", "return None"),
)


def area_of(mutant: Mutant) -> str:
    return next(name for name, area in AREAS.items() if mutant.path in area.files)


def workspace(base: Path, ref: str) -> Path:
    """The revision `ref` of the repository in `base`/repo, with the heavy folders symlinked."""
    copy = base / "repo"
    copy.mkdir()
    export(ref, copy)
    for name in LINKED:
        (copy / name).symlink_to(ROOT / name)
    return copy


def run_tests(copy: Path, area: Area, without: frozenset[str]) -> Outcome:
    tests = [t for t in area.tests if (copy / t.partition("::")[0]).exists() and t not in without]
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "pytest", *PYTEST, *tests]
    if area.select:
        command += ["-k", area.select]
    return run(command, copy, tool_env(PYTHONPATH=str(copy)), TIMEOUT_SECONDS)


SUITE = Suite(MUTANTS, group_of=area_of, layout=Layout("area", 30, 22, 14))


def main(argv: list[str] | None = None) -> int:
    options = parser(__doc__)
    options.add_argument("--area", nargs="+", choices=sorted(AREAS), help="only these areas")
    options.add_argument("--ref", default="HEAD", help="the git revision whose code and tests run (default HEAD)")
    options.add_argument("--without", nargs="+", default=[], metavar="TEST", help="leave these test modules out")
    args = options.parse_args(argv)
    without = frozenset(args.without)

    def prepare(base: Path, chosen: list[Mutant]) -> Bench:
        copy = workspace(base, args.ref)
        areas = dict.fromkeys(area_of(m) for m in chosen)
        return Bench(copy, [(name, lambda area=AREAS[name]: run_tests(copy, area, without)) for name in areas],
                     lambda mutant: run_tests(copy, AREAS[area_of(mutant)], without))

    return run_main(args, SUITE, lambda m: not args.area or area_of(m) in args.area, prepare, "linli-mutation-py-")


if __name__ == "__main__":
    sys.exit(main())
