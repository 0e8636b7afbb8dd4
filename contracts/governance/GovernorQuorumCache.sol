// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {GovernorVotesQuorumFraction} from
    "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/**
 * @dev Extension of {GovernorVotesQuorumFraction} that remembers the last quorum computed for a past snapshot.
 *
 * {GovernorPreventLateQuorum} checks the quorum after every vote, and computing it costs two checkpoint
 * lookups (the points supply and the quorum numerator at the snapshot), about 14,000 gas cold. Once a
 * snapshot is in the past both values are final, so the first vote of a proposal computes the quorum and
 * stores it in one pre-warmed slot; later votes read that slot (2,100 gas). The value returned by {quorum} is
 * the same in every case; only the cost changes. Proposals sharing a snapshot share the cached value; voting
 * alternately on proposals with different snapshots just recomputes.
 */
abstract contract GovernorQuorumCache is GovernorVotesQuorumFraction {
    struct QuorumCache {
        uint48 timepoint;
        uint208 quorum;
    }

    QuorumCache private _quorumCache;

    constructor() {
        // Pre-warm the slot with a timepoint no snapshot can have, so a later write is never zero-to-nonzero.
        _quorumCache = QuorumCache({timepoint: type(uint48).max, quorum: 1});
    }

    /// @inheritdoc GovernorVotesQuorumFraction
    function quorum(uint256 timepoint) public view virtual override returns (uint256) {
        QuorumCache memory cache = _quorumCache;
        if (cache.timepoint == timepoint) {
            return cache.quorum;
        }
        return super.quorum(timepoint);
    }

    /**
     * @dev Counts the vote, then caches the quorum of the proposal's snapshot (final now: the vote was accepted,
     * so the proposal is Active and its snapshot is in the past). List this extension before
     * {GovernorPreventLateQuorum} in the inheritance list, so that its check after the vote reads the cache.
     */
    function _castVote(
        uint256 proposalId,
        address account,
        uint8 support,
        string memory reason,
        bytes memory params
    ) internal virtual override returns (uint256) {
        uint256 weight = super._castVote(proposalId, account, support, reason, params);
        uint256 snapshot = proposalSnapshot(proposalId);
        if (_quorumCache.timepoint != snapshot) {
            _quorumCache = QuorumCache({
                timepoint: SafeCast.toUint48(snapshot),
                quorum: SafeCast.toUint208(super.quorum(snapshot))
            });
        }
        return weight;
    }
}
