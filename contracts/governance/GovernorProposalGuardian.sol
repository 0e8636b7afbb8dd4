// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IGovernorProposalGuardian} from "../interfaces/IGovernorProposalGuardian.sol";

/**
 * @dev Extension of {Governor} with a proposal guardian: an account (typically a multisig of the co-op's
 * founding members) that can cancel any proposal that is Pending, Active, Succeeded or Queued, until an expiry
 * timestamp. It is a veto against a low-turnout or whale takeover (Compound proposal 289, Build Finance) while
 * the co-op is young; the expiry makes the veto power end on its own, and only governance can change the
 * guardian or extend its power.
 *
 * Without a guardian, or after expiry, {cancel} behaves exactly as in {Governor} (the proposer may cancel its
 * own pending proposal). The guardian never gains any other power; voting is untouched.
 */
abstract contract GovernorProposalGuardian is Governor, IGovernorProposalGuardian {
    // One slot: 160 + 48 bits.
    address private _guardian;
    uint48 private _guardianExpiry;

    /**
     * @dev Sets the initial guardian and the timestamp `expiry` at which its power ends.
     */
    constructor(address initialGuardian, uint48 expiry) {
        _setProposalGuardian(initialGuardian, expiry);
    }

    /// @inheritdoc IGovernorProposalGuardian
    function proposalGuardian() public view virtual returns (address) {
        return _guardian;
    }

    /// @inheritdoc IGovernorProposalGuardian
    function proposalGuardianExpiry() public view virtual returns (uint48) {
        return _guardianExpiry;
    }

    /// @inheritdoc IGovernorProposalGuardian
    function proposalGuardianActive() public view virtual returns (bool) {
        return _guardian != address(0) && Time.timestamp() < _guardianExpiry;
    }

    /**
     * @dev Sets the guardian to `newGuardian` with power until `newExpiry` (the zero address removes it).
     *
     * Requirements:
     *
     * - only through governance (a proposal executed by the timelock).
     *
     * Emits a {ProposalGuardianSet} event.
     */
    function setProposalGuardian(address newGuardian, uint48 newExpiry) public virtual onlyGovernance {
        _setProposalGuardian(newGuardian, newExpiry);
    }

    /**
     * @dev Cancels a proposal. The active guardian may cancel any proposal that is not yet Canceled, Expired or
     * Executed; anyone else follows the {Governor-cancel} rules (the proposer, while Pending).
     *
     * Requirements:
     *
     * - the caller is the guardian and its power has not expired, or the caller is the proposer and the
     *   proposal is Pending.
     *
     * Emits a {IGovernor-ProposalCanceled} event.
     */
    function cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) public virtual override returns (uint256) {
        address sender = _msgSender();
        if (sender != address(0) && sender == _guardian) {
            if (Time.timestamp() < _guardianExpiry) {
                return _cancel(targets, values, calldatas, descriptionHash);
            }
            uint256 proposalId = hashProposal(targets, values, calldatas, descriptionHash);
            if (sender != proposalProposer(proposalId)) {
                revert GovernorProposalGuardianExpired(sender, _guardianExpiry);
            }
        }
        return super.cancel(targets, values, calldatas, descriptionHash);
    }

    /**
     * @dev Internal setter without access restriction.
     *
     * Emits a {ProposalGuardianSet} event.
     */
    function _setProposalGuardian(address newGuardian, uint48 newExpiry) internal virtual {
        address oldGuardian = _guardian;
        uint48 oldExpiry = _guardianExpiry;
        _guardian = newGuardian;
        _guardianExpiry = newExpiry;
        emit ProposalGuardianSet(oldGuardian, oldExpiry, newGuardian, newExpiry);
    }
}
