// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IPayoutLedger} from "./interfaces/IPayoutLedger.sol";
import {IRuleBook} from "./interfaces/IRuleBook.sol";

/**
 * @title PayoutLedger
 * @dev Append-only public log of the monthly profit-pool distributions. For each period (a month written as
 * `uint32` YYYYMM, e.g. 202611) the co-op admin ({PUBLISHER_ROLE}) publishes once: the GMV, the pool, the number
 * of members paid, the Merkle root of the payouts (OpenZeppelin StandardMerkleTree, leaf `["address",
 * "uint256"]` = (member, payout cents)) and the hash of the canonical signed payout record.
 *
 * The chain enforces the rule book in force: the pool must be GMV × pool rate / 10000 (rounded down) when GMV
 * reaches the target, and zero otherwise; the target and rate used are in the event.
 *
 * Cost does not depend on the number of members: storage holds two words per period (root and record hash);
 * every figure is in the {DistributionPublished} event, and the record hash commits to all of them.
 * The role admin is the TimelockController, so only governance can change who publishes.
 */
contract PayoutLedger is AccessControl, IPayoutLedger {
    /// @inheritdoc IPayoutLedger
    bytes32 public constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");

    struct Distribution {
        bytes32 merkleRoot;
        bytes32 recordHash;
    }

    IRuleBook private immutable _ruleBook;
    mapping(uint32 period => Distribution) private _distributions;

    /**
     * @dev Makes `admin` (the timelock) the admin of every role, `publisher` (none when zero) the first
     * publisher, and `ruleBook_` the rule book every publication is checked against.
     */
    constructor(address admin, address publisher, IRuleBook ruleBook_) {
        _ruleBook = ruleBook_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (publisher != address(0)) {
            _grantRole(PUBLISHER_ROLE, publisher);
        }
    }

    /// @inheritdoc IPayoutLedger
    function ruleBook() public view returns (address) {
        return address(_ruleBook);
    }

    /**
     * @dev Publishes the distribution of `period`.
     *
     * Requirements:
     *
     * - the caller holds {PUBLISHER_ROLE};
     * - `period` is a month YYYYMM (year 2000..9999) and was never published;
     * - `recordHash` is not zero (`merkleRoot` may be zero for a month without payouts);
     * - `poolCents` is GMV × rule-book pool rate / 10000 (rounded down) if `gmvCents` reaches the rule-book
     *   target, zero otherwise.
     *
     * Emits a {DistributionPublished} event.
     */
    function publish(
        uint32 period,
        uint256 gmvCents,
        uint256 poolCents,
        uint256 memberCount,
        bytes32 merkleRoot_,
        bytes32 recordHash_
    ) public virtual onlyRole(PUBLISHER_ROLE) {
        if (!_isValidPeriod(period)) {
            revert PayoutLedgerInvalidPeriod(period);
        }
        if (recordHash_ == 0) {
            revert PayoutLedgerZeroRecordHash(period);
        }
        Distribution storage distribution_ = _distributions[period];
        if (distribution_.recordHash != 0) {
            revert PayoutLedgerPeriodAlreadyPublished(period);
        }
        (uint256 rateBps, uint256 targetCents) = _ruleBook.poolTerms();
        uint256 expectedCents = gmvCents >= targetCents ? Math.mulDiv(gmvCents, rateBps, 10_000) : 0;
        if (poolCents != expectedCents) {
            revert PayoutLedgerPoolMismatch(poolCents, expectedCents);
        }
        distribution_.recordHash = recordHash_;
        if (merkleRoot_ != 0) {
            distribution_.merkleRoot = merkleRoot_;
        }
        emit DistributionPublished(
            period,
            merkleRoot_,
            recordHash_,
            gmvCents,
            targetCents,
            rateBps,
            poolCents,
            memberCount
        );
    }

    /// @inheritdoc IPayoutLedger
    function isPublished(uint32 period) public view returns (bool) {
        return _distributions[period].recordHash != 0;
    }

    /// @inheritdoc IPayoutLedger
    function distribution(uint32 period) public view returns (bytes32 merkleRoot_, bytes32 recordHash_) {
        Distribution storage distribution_ = _distributions[period];
        return (distribution_.merkleRoot, distribution_.recordHash);
    }

    /// @inheritdoc IPayoutLedger
    function merkleRoot(uint32 period) public view returns (bytes32) {
        return _distributions[period].merkleRoot;
    }

    /// @inheritdoc IPayoutLedger
    function recordHash(uint32 period) public view returns (bytes32) {
        return _distributions[period].recordHash;
    }

    /**
     * @dev Whether (`account`, `amount`) is a leaf of the tree published for `period`, using OpenZeppelin's
     * {MerkleProof-verify} with the StandardMerkleTree leaf `keccak256(bytes.concat(keccak256(abi.encode(account,
     * amount))))`. False for an unpublished period or a month without payouts.
     */
    function verify(
        uint32 period,
        address account,
        uint256 amount,
        bytes32[] calldata proof
    ) public view returns (bool) {
        bytes32 root = _distributions[period].merkleRoot;
        if (root == 0) {
            return false;
        }
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @dev YYYYMM with year 2000..9999 and month 01..12.
    function _isValidPeriod(uint32 period) internal pure virtual returns (bool) {
        uint32 year = period / 100;
        uint32 month = period % 100;
        return year >= 2000 && year <= 9999 && month >= 1 && month <= 12;
    }
}
