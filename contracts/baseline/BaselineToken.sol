// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title BaselineToken
/// @notice Gas baseline only, never deployed for real: the OpenZeppelin Wizard's ERC20 + Permit + Votes
/// token, unmodified, except that `mint` is open to anyone so the benchmark needs no roles.
/// @dev Same ERC-6372 clock as ContributionPoints (timestamp, the Wizard's "timestamp" clock option) so
/// both governors compare like for like.
contract BaselineToken is ERC20, ERC20Permit, ERC20Votes {
    constructor() ERC20("Baseline Token", "BASE") ERC20Permit("Baseline Token") {}

    /// @notice Anyone may mint: benchmark fixture, not a product.
    function mint(address to, uint256 amount) public {
        _mint(to, amount);
    }

    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    // The following functions are overrides required by Solidity.

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
