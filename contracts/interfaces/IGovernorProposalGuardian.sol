// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/**
 * @dev Interface of {GovernorProposalGuardian}: a guardian that can cancel proposals until its power expires.
 */
interface IGovernorProposalGuardian {
    /// @dev The guardian `guardian` tried to cancel after its power expired at `expiry`.
    error GovernorProposalGuardianExpired(address guardian, uint48 expiry);

    /// @dev The guardian changed from `oldGuardian` (power until `oldExpiry`) to `newGuardian` (until `newExpiry`).
    event ProposalGuardianSet(address oldGuardian, uint48 oldExpiry, address newGuardian, uint48 newExpiry);

    /// @dev The current guardian (the zero address when there is none).
    function proposalGuardian() external view returns (address);

    /// @dev The timestamp from which the guardian can no longer cancel.
    function proposalGuardianExpiry() external view returns (uint48);

    /// @dev Whether the guardian can cancel now.
    function proposalGuardianActive() external view returns (bool);

    /// @dev Sets the guardian and its expiry. Only through governance.
    function setProposalGuardian(address newGuardian, uint48 newExpiry) external;
}
