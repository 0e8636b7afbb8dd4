// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IProductPoll} from "./interfaces/IProductPoll.sol";

/**
 * @title ProductPoll
 * @dev Approval voting for product picks: each member approves any subset of the candidates once, with its
 * {ContributionPoints} weight at the poll's snapshot (so weight gained after the poll opened does not count),
 * and the `topN` candidates with most weight win. OpenZeppelin Governor counts one for/against/abstain choice
 * per proposal, so multi-option picks live here (their issues #3077, #5773).
 *
 * The poll is advisory: it binds nothing by itself. The co-op lists the winners with an ordinary governance
 * proposal (`RuleBook.addProduct`), which anyone can check against {winners}. Anyone may open a poll; a poll
 * costs its creator gas and changes nothing, so there is nothing to protect.
 */
contract ProductPoll is IProductPoll {
    /// @inheritdoc IProductPoll
    uint256 public constant MAX_OPTIONS = 64;

    struct Poll {
        uint48 snapshot;
        uint48 deadline;
        uint8 topN;
        bytes32[] productIds;
        uint256[] tallies;
        mapping(address voter => bool) voted;
    }

    IERC5805 private immutable _token;
    uint48 private immutable _votingDelay;
    uint32 private immutable _votingPeriod;
    uint256 private _pollCount;
    mapping(uint256 pollId => Poll) private _polls;

    /**
     * @dev Weights come from `token_` (its ERC-6372 clock: seconds for {ContributionPoints}); each poll opens
     * `votingDelay_` after creation and lasts `votingPeriod_`.
     */
    constructor(IERC5805 token_, uint48 votingDelay_, uint32 votingPeriod_) {
        _token = token_;
        _votingDelay = votingDelay_;
        _votingPeriod = votingPeriod_;
    }

    /// @inheritdoc IProductPoll
    function token() public view returns (address) {
        return address(_token);
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
    function tallies(uint256 pollId) public view returns (uint256[] memory) {
        return _existing(pollId).tallies;
    }

    /// @inheritdoc IProductPoll
    function hasVoted(uint256 pollId, address voter) public view returns (bool) {
        return _existing(pollId).voted[voter];
    }

    /// @inheritdoc IProductPoll
    function winners(uint256 pollId) public view returns (bytes32[] memory result) {
        Poll storage p = _existing(pollId);
        if (_token.clock() <= p.deadline) {
            revert ProductPollNotFinished(pollId, p.deadline);
        }
        uint256[] memory weights = p.tallies;
        result = new bytes32[](p.topN);
        uint256 found;
        for (; found < p.topN; ++found) {
            // Selection of the heaviest remaining candidate; strict `>` keeps the earlier one on ties.
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
            weights[best] = 0;
        }
        // Fewer than topN candidates had any weight: shorten the array.
        assembly ("memory-safe") {
            mstore(result, found)
        }
    }

    /**
     * @dev Opens a poll over `productIds` picking `topN` winners, described by `description`.
     *
     * Requirements:
     *
     * - 2 to {MAX_OPTIONS} distinct, non-zero candidates;
     * - 1 <= `topN` <= number of candidates.
     *
     * Emits a {PollCreated} event.
     */
    function createPoll(
        bytes32[] calldata productIds,
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
        for (uint256 i = 0; i < count; ++i) {
            if (productIds[i] == 0) revert ProductPollInvalidOption(0);
            for (uint256 j = 0; j < i; ++j) {
                if (productIds[j] == productIds[i]) revert ProductPollInvalidOption(productIds[i]);
            }
        }
        pollId = ++_pollCount;
        Poll storage p = _polls[pollId];
        uint48 snapshot = _token.clock() + _votingDelay;
        p.snapshot = snapshot;
        p.deadline = snapshot + _votingPeriod;
        p.topN = SafeCast.toUint8(topN);
        p.productIds = productIds;
        p.tallies = new uint256[](count);
        emit PollCreated(pollId, msg.sender, productIds, topN, snapshot, p.deadline, description);
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
        Poll storage p = _existing(pollId);
        uint48 now_ = _token.clock();
        if (now_ <= p.snapshot || now_ > p.deadline) {
            revert ProductPollNotActive(pollId, now_, p.snapshot, p.deadline);
        }
        if (p.voted[msg.sender]) {
            revert ProductPollAlreadyVoted(pollId, msg.sender);
        }
        uint256 count = p.productIds.length;
        if (selection == 0 || selection >> count != 0) {
            revert ProductPollInvalidSelection(pollId, selection);
        }
        weight = _token.getPastVotes(msg.sender, p.snapshot);
        p.voted[msg.sender] = true;
        if (weight != 0) {
            for (uint256 i = 0; i < count; ++i) {
                if (selection & (1 << i) != 0) {
                    p.tallies[i] += weight;
                }
            }
        }
        emit ApprovalCast(pollId, msg.sender, selection, weight);
    }

    function _existing(uint256 pollId) private view returns (Poll storage p) {
        p = _polls[pollId];
        if (p.deadline == 0) {
            revert ProductPollUnknown(pollId);
        }
    }
}
