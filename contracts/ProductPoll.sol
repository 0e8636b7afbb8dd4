// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IProductPoll} from "./interfaces/IProductPoll.sol";
import {IRuleBook} from "./interfaces/IRuleBook.sol";

/**
 * @title ProductPoll
 * @dev Binding approval votes for product picks: each member approves any subset of the candidates once, with its
 * {ContributionPoints} weight at the poll's snapshot (weight gained after the poll opened does not count), and
 * the `topN` candidates with most weight win. OpenZeppelin Governor counts one for/against/abstain choice per
 * proposal, so multi-option picks live here (their issues #3077, #5773).
 *
 * After the deadline anyone may {enact} a poll, once. It adds the winners to the RuleBook catalogue through
 * `RuleBook.addProductFromPoll`, which only accounts the timelock granted `POLL_ROLE` may call:
 *
 * - quorum: the turnout (total weight of the members who approved anything) must reach the poll's quorum
 *   numerator % of the points' total supply at the snapshot; the numerator is set by the timelock and fixed
 *   into each poll when it opens, so a later change never reopens a decided poll;
 * - tie at the cut-off: when the N-th and the (N+1)-th candidates have the same non-zero weight, the poll is
 *   `Tied` and enacts nothing (no candidate is preferred by its position on the ballot);
 * - fewer than N candidates with weight: only those win (zero weight never wins);
 * - a product already in the catalogue is skipped, not re-listed (its metadata stays), and does not revert.
 *
 * Ballots may also be signed off-chain (EIP-712 `Approval`, EOA or ERC-1271 signer, one nonce per voter) and
 * relayed by anyone with {approveBySig}.
 */
contract ProductPoll is IProductPoll, EIP712, Nonces {
    /// @inheritdoc IProductPoll
    uint256 public constant MAX_OPTIONS = 64;
    /// @inheritdoc IProductPoll
    uint256 public constant QUORUM_DENOMINATOR = 100;
    bytes32 public constant APPROVAL_TYPEHASH =
        keccak256("Approval(uint256 pollId,uint256 selection,address voter,uint256 nonce)");

    /// @dev One slot for everything {approve} reads and writes besides the tallies and the voter's flag.
    struct Poll {
        uint48 snapshot;
        uint48 deadline;
        uint8 topN;
        uint8 quorumNumerator;
        bool enacted;
        uint128 turnout;
        bytes32[] productIds;
        bytes32[] metadataHashes;
        uint256[] tallies;
        mapping(address voter => bool) voted;
    }

    IERC5805 private immutable _token;
    IRuleBook private immutable _ruleBook;
    address private immutable _timelock;
    uint48 private immutable _votingDelay;
    uint32 private immutable _votingPeriod;
    uint8 private _quorumNumerator;
    uint256 private _pollCount;
    mapping(uint256 pollId => Poll) private _polls;

    /**
     * @dev Weights come from `token_` (its ERC-6372 clock: seconds for {ContributionPoints}); winners go to
     * `ruleBook_`; `timelock_` alone sets the quorum. Each poll opens `votingDelay_` after creation and lasts
     * `votingPeriod_`.
     */
    constructor(
        IERC5805 token_,
        IRuleBook ruleBook_,
        address timelock_,
        uint48 votingDelay_,
        uint32 votingPeriod_,
        uint256 quorumNumerator_
    ) EIP712("Linli ProductPoll", "1") {
        _token = token_;
        _ruleBook = ruleBook_;
        _timelock = timelock_;
        _votingDelay = votingDelay_;
        _votingPeriod = votingPeriod_;
        _setQuorumNumerator(quorumNumerator_);
    }

    // ---------------------------------------------------------------- getters

    /// @inheritdoc IProductPoll
    function token() public view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IProductPoll
    function ruleBook() public view returns (address) {
        return address(_ruleBook);
    }

    /// @inheritdoc IProductPoll
    function timelock() public view returns (address) {
        return _timelock;
    }

    /// @inheritdoc IProductPoll
    function votingDelay() public view returns (uint256) {
        return _votingDelay;
    }

    /// @inheritdoc IProductPoll
    function votingPeriod() public view returns (uint256) {
        return _votingPeriod;
    }

    /// @inheritdoc IProductPoll
    function quorumNumerator() public view returns (uint256) {
        return _quorumNumerator;
    }

    /// @inheritdoc IProductPoll
    function pollCount() public view returns (uint256) {
        return _pollCount;
    }

    /// @inheritdoc IProductPoll
    function poll(
        uint256 pollId
    ) public view returns (bytes32[] memory productIds, uint256 topN, uint256 snapshot, uint256 deadline) {
        Poll storage p = _existing(pollId);
        return (p.productIds, p.topN, p.snapshot, p.deadline);
    }

    /// @inheritdoc IProductPoll
    function metadataHashes(uint256 pollId) public view returns (bytes32[] memory) {
        return _existing(pollId).metadataHashes;
    }

    /// @inheritdoc IProductPoll
    function tallies(uint256 pollId) public view returns (uint256[] memory) {
        return _existing(pollId).tallies;
    }

    /// @inheritdoc IProductPoll
    function turnout(uint256 pollId) public view returns (uint256) {
        return _existing(pollId).turnout;
    }

    /// @inheritdoc IProductPoll
    function quorum(uint256 pollId) public view returns (uint256) {
        Poll storage p = _existing(pollId);
        return (_token.getPastTotalSupply(p.snapshot) * p.quorumNumerator) / QUORUM_DENOMINATOR;
    }

    /// @inheritdoc IProductPoll
    function hasVoted(uint256 pollId, address voter) public view returns (bool) {
        return _existing(pollId).voted[voter];
    }

    /// @inheritdoc IProductPoll
    function state(uint256 pollId) public view returns (PollState) {
        Poll storage p = _existing(pollId);
        uint48 now_ = _token.clock();
        if (now_ <= p.snapshot) return PollState.Pending;
        if (now_ <= p.deadline) return PollState.Active;
        if (p.enacted) return PollState.Enacted;
        (PollState outcome, ) = _outcome(pollId, p);
        return outcome;
    }

    /// @inheritdoc IProductPoll
    function winners(uint256 pollId) public view returns (bytes32[] memory result) {
        Poll storage p = _existing(pollId);
        _requireFinished(pollId, p);
        (, result) = _outcome(pollId, p);
    }

    // ---------------------------------------------------------------- actions

    /**
     * @dev Opens a poll over `productIds` (with their `metadataHashes_`) picking `topN` winners, described by
     * `description`, under the quorum numerator in force now.
     *
     * Requirements:
     *
     * - 2 to {MAX_OPTIONS} distinct, non-zero candidates, each with a non-zero metadata hash;
     * - 1 <= `topN` <= number of candidates.
     *
     * Emits a {PollCreated} event.
     */
    function createPoll(
        bytes32[] calldata productIds,
        bytes32[] calldata metadataHashes_,
        uint256 topN,
        string calldata description
    ) public virtual returns (uint256 pollId) {
        uint256 count = productIds.length;
        if (count < 2 || count > MAX_OPTIONS) {
            revert ProductPollInvalidOptionCount(count, MAX_OPTIONS);
        }
        if (topN == 0 || topN > count) {
            revert ProductPollInvalidTopN(topN, count);
        }
        if (metadataHashes_.length != count) {
            revert ProductPollInvalidMetadata(0, count, metadataHashes_.length);
        }
        for (uint256 i = 0; i < count; ++i) {
            if (productIds[i] == 0) revert ProductPollInvalidOption(0);
            if (metadataHashes_[i] == 0) revert ProductPollInvalidMetadata(productIds[i], count, count);
            for (uint256 j = 0; j < i; ++j) {
                if (productIds[j] == productIds[i]) revert ProductPollInvalidOption(productIds[i]);
            }
        }
        pollId = ++_pollCount;
        Poll storage p = _polls[pollId];
        p.snapshot = _token.clock() + _votingDelay;
        p.deadline = p.snapshot + _votingPeriod;
        p.topN = SafeCast.toUint8(topN);
        p.quorumNumerator = _quorumNumerator;
        p.productIds = productIds;
        p.metadataHashes = metadataHashes_;
        p.tallies = new uint256[](count);
        _emitCreated(pollId, p, description);
    }

    /**
     * @dev Approves the candidates whose indexes are set in the bitmap `selection` (bit i = candidate i), each
     * with the caller's votes at the snapshot. Returns that weight.
     *
     * Requirements:
     *
     * - the poll is open: snapshot < now <= deadline;
     * - the caller has not approved in this poll yet;
     * - `selection` is non-empty and names only existing candidates.
     *
     * Emits an {ApprovalCast} event.
     */
    function approve(uint256 pollId, uint256 selection) public virtual returns (uint256 weight) {
        return _castApproval(pollId, selection, msg.sender);
    }

    /**
     * @dev {approve} for `voter`, who signed the EIP-712 `Approval(pollId, selection, voter, nonce)` with its
     * current {nonces} (an EOA's ECDSA signature, or whatever its ERC-1271 `isValidSignature` accepts). Anyone
     * may relay it; the nonce makes each signature valid once.
     */
    function approveBySig(
        uint256 pollId,
        uint256 selection,
        address voter,
        bytes calldata signature
    ) public virtual returns (uint256 weight) {
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(APPROVAL_TYPEHASH, pollId, selection, voter, _useNonce(voter)))
        );
        if (!SignatureChecker.isValidSignatureNow(voter, digest, signature)) {
            revert ProductPollInvalidSignature(voter);
        }
        return _castApproval(pollId, selection, voter);
    }

    /**
     * @dev Settles poll `pollId` after its deadline: when it `Succeeded`, adds its {winners} to the catalogue
     * (products already listed are skipped) and marks it `Enacted`; when it is `Defeated` or `Tied`, changes
     * nothing and says so. Anyone may call it.
     *
     * Requirements:
     *
     * - the poll has ended and was not enacted yet;
     * - this contract holds the RuleBook's `POLL_ROLE` (else the RuleBook's revert).
     *
     * Emits a {PollEnacted} event.
     */
    function enact(uint256 pollId) public virtual returns (PollState outcome, bytes32[] memory picked) {
        Poll storage p = _existing(pollId);
        _requireFinished(pollId, p);
        if (p.enacted) revert ProductPollAlreadyEnacted(pollId);
        (outcome, picked) = _outcome(pollId, p);
        uint256 added;
        if (outcome == PollState.Succeeded) {
            p.enacted = true;
            for (uint256 i = 0; i < picked.length; ++i) {
                if (_ruleBook.addProductFromPoll(picked[i], _metadataOf(p, picked[i]))) ++added;
            }
        }
        emit PollEnacted(pollId, outcome, picked, added);
    }

    /**
     * @dev Sets the quorum numerator of polls opened from now on (percent of the past total supply).
     *
     * Requirements: the caller is the timelock; `numerator` <= {QUORUM_DENOMINATOR}.
     *
     * Emits a {PollQuorumUpdated} event.
     */
    function setQuorumNumerator(uint256 numerator) public virtual {
        if (msg.sender != _timelock) revert ProductPollUnauthorized(msg.sender);
        _setQuorumNumerator(numerator);
    }

    // ---------------------------------------------------------------- internal

    function _castApproval(uint256 pollId, uint256 selection, address voter) internal virtual returns (uint256 weight) {
        Poll storage p = _existing(pollId);
        uint48 now_ = _token.clock();
        if (now_ <= p.snapshot || now_ > p.deadline) {
            revert ProductPollNotActive(pollId, now_, p.snapshot, p.deadline);
        }
        if (p.voted[voter]) {
            revert ProductPollAlreadyVoted(pollId, voter);
        }
        uint256[] storage counts = p.tallies;
        uint256 count = counts.length;
        if (selection == 0 || selection >> count != 0) {
            revert ProductPollInvalidSelection(pollId, selection);
        }
        weight = _token.getPastVotes(voter, p.snapshot);
        p.voted[voter] = true;
        if (weight != 0) {
            p.turnout += SafeCast.toUint128(weight);
            for (uint256 i = 0; i < count; ++i) {
                if (selection & (1 << i) != 0) {
                    counts[i] += weight;
                }
            }
        }
        emit ApprovalCast(pollId, voter, selection, weight);
    }

    /**
     * @dev Outcome of an ended poll and what it adds: `Defeated` (no approval weight, or turnout below quorum),
     * `Tied` (equal non-zero weight at the cut-off) or `Succeeded` with the top N by weight, heaviest first.
     */
    function _outcome(uint256 pollId, Poll storage p) private view returns (PollState, bytes32[] memory) {
        bytes32[] memory none = new bytes32[](0);
        if (p.turnout == 0 || p.turnout < quorum(pollId)) return (PollState.Defeated, none);
        uint256[] memory weights = p.tallies;
        uint256 topN = p.topN;
        bytes32[] memory result = new bytes32[](topN);
        uint256 found;
        uint256 cutWeight;
        for (; found < topN; ++found) {
            // Selection of the heaviest remaining candidate (zero weight never wins).
            uint256 best = type(uint256).max;
            uint256 bestWeight;
            for (uint256 i = 0; i < weights.length; ++i) {
                if (weights[i] > bestWeight) {
                    best = i;
                    bestWeight = weights[i];
                }
            }
            if (best == type(uint256).max) break;
            result[found] = p.productIds[best];
            cutWeight = bestWeight;
            weights[best] = 0;
        }
        if (found == topN) {
            for (uint256 i = 0; i < weights.length; ++i) {
                if (weights[i] == cutWeight) return (PollState.Tied, none);
            }
        }
        // Fewer than topN candidates had any weight: shorten the array.
        assembly ("memory-safe") {
            mstore(result, found)
        }
        return (PollState.Succeeded, result);
    }

    function _emitCreated(uint256 pollId, Poll storage p, string calldata description) private {
        emit PollCreated(
            pollId, msg.sender, p.productIds, p.metadataHashes, p.topN, p.snapshot, p.deadline, p.quorumNumerator,
            description
        );
    }

    function _metadataOf(Poll storage p, bytes32 productId) private view returns (bytes32) {
        uint256 i;
        while (p.productIds[i] != productId) ++i;
        return p.metadataHashes[i];
    }

    function _setQuorumNumerator(uint256 numerator) private {
        if (numerator > QUORUM_DENOMINATOR) revert ProductPollInvalidQuorum(numerator, QUORUM_DENOMINATOR);
        emit PollQuorumUpdated(_quorumNumerator, numerator);
        _quorumNumerator = uint8(numerator);
    }

    function _requireFinished(uint256 pollId, Poll storage p) private view {
        if (_token.clock() <= p.deadline) revert ProductPollNotFinished(pollId, p.deadline);
    }

    function _existing(uint256 pollId) private view returns (Poll storage p) {
        p = _polls[pollId];
        if (p.deadline == 0) {
            revert ProductPollUnknown(pollId);
        }
    }
}
