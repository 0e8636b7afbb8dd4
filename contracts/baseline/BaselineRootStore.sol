// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title BaselineRootStore
/// @notice Gas floor for publishing a distribution: one storage write of a Merkle root per period, no
/// access control, no event, nothing else. Whatever PayoutLedger.publish costs above this is the price
/// of its extra promises (append-only check, record hash, figures, event).
contract BaselineRootStore {
    mapping(uint256 period => bytes32 root) public roots;

    function publish(uint256 period, bytes32 root) external {
        roots[period] = root;
    }
}
