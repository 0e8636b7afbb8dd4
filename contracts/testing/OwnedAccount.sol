// SPDX-License-Identifier: MIT
pragma solidity 0.8.27;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @title OwnedAccount
 * @dev Tests only: the smallest smart-contract account (ERC-1271) — one EOA owns it, and a signature is the
 * account's when it is the owner's ECDSA signature of the hash. Points awarded to it are its votes (the points
 * token delegates every holder to itself), and Governor.castVoteBySig asks it, through ERC-1271, whether a
 * ballot is signed.
 */
contract OwnedAccount is IERC1271 {
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecover(hash, signature);
        return error == ECDSA.RecoverError.NoError && signer == owner ? IERC1271.isValidSignature.selector : bytes4(0);
    }
}
