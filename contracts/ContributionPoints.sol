// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IContributionPoints} from "./interfaces/IContributionPoints.sol";

/**
 * @title ContributionPoints (成长值)
 * @dev Non-transferable, checkpointed voting token (ERC-20 + ERC-5805) recording real member contribution.
 *
 * - Points are awarded and revoked only by accounts holding {ISSUER_ROLE}; every movement carries an evidence
 *   hash (order id, review id, ...) and emits {PointsAwarded} or {PointsRevoked}.
 * - `DEFAULT_ADMIN_ROLE` is meant to be held by the TimelockController alone, so issuing rights can only be
 *   granted or taken away by a governance proposal (the Build Finance takeover needed exactly that power).
 * - Transfers, `transferFrom` and approvals revert with {ContributionPointsNonTransferable}: weight is earned,
 *   it cannot be bought or flash-borrowed (Beanstalk).
 * - Every member delegates to itself by default: weight counts from the first award without a `delegate`
 *   transaction, and without paying for a delegation slot. A member may delegate to another member;
 *   delegating to the zero address means "back to myself".
 * - Awards are idempotent: a single award consumes its evidence id; a batch consumes its batch id (the
 *   evidence ids of a batch only go to events, which keeps batch minting cheap).
 *
 * Clock (ERC-6372): timestamp mode. Voting delays and periods are then expressed in seconds, which is how a
 * co-op states them ("vote for 7 days"), they do not drift with block times, and time travel in tests and
 * demos is uniform across Anvil, Ganache and py-evm (a block-number clock would need one mined block per
 * second of voting period on chains that only mine on demand).
 */
contract ContributionPoints is ERC20, ERC20Votes, AccessControl, IContributionPoints {
    /// @inheritdoc IContributionPoints
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");

    mapping(bytes32 id => bool) private _usedIds;

    /**
     * @dev Sets the token `name_` and `symbol_`, makes `admin` (the timelock) the admin of every role and
     * `issuer` (the co-op's issuing account; none when zero) the first issuer.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        address admin,
        address issuer
    ) ERC20(name_, symbol_) EIP712(name_, "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (issuer != address(0)) {
            _grantRole(ISSUER_ROLE, issuer);
        }
    }

    /// @dev Points are whole units (1 point per yuan paid, +20 per review, ...).
    function decimals() public pure override returns (uint8) {
        return 0;
    }

    /// @dev ERC-6372 clock: the block timestamp (see the contract documentation for why).
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    /// @dev ERC-6372 clock mode: timestamp.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /**
     * @dev Returns the delegate of `account`: `account` itself until it delegates elsewhere.
     */
    function delegates(address account) public view override returns (address) {
        address delegatee = super.delegates(account);
        return delegatee == address(0) ? account : delegatee;
    }

    /// @inheritdoc IContributionPoints
    function isIdUsed(bytes32 id) public view returns (bool) {
        return _usedIds[id];
    }

    /**
     * @dev Awards `amount` points to `member` for the contribution proven by `evidence`.
     *
     * Requirements:
     *
     * - the caller holds {ISSUER_ROLE};
     * - `evidence` is non-zero and was never used as an award, revocation or batch id;
     * - `member` is not the zero address and `amount` is not zero.
     *
     * Emits {PointsAwarded} (and {IERC20-Transfer}, {IVotes-DelegateVotesChanged}).
     */
    function award(address member, uint256 amount, bytes32 evidence) public virtual onlyRole(ISSUER_ROLE) {
        _useId(evidence);
        _award(member, amount, evidence, 0);
    }

    /**
     * @dev Awards the points of a whole period in one transaction: `amounts[i]` to `members[i]` for
     * `evidence[i]`, under `batchId`.
     *
     * Requirements:
     *
     * - the caller holds {ISSUER_ROLE};
     * - `batchId` is non-zero and was never used;
     * - the three arrays have the same length; no member is the zero address; no amount is zero.
     *
     * Emits one {PointsAwarded} per member.
     */
    function awardBatch(
        bytes32 batchId,
        address[] calldata members,
        uint256[] calldata amounts,
        bytes32[] calldata evidence
    ) public virtual onlyRole(ISSUER_ROLE) {
        _checkBatch(members.length, amounts.length, evidence.length);
        _useId(batchId);
        for (uint256 i = 0; i < members.length; ++i) {
            _award(members[i], amounts[i], evidence[i], batchId);
        }
    }

    /**
     * @dev Revokes (claws back) `amount` points from `member`, e.g. for a refunded order proven by `evidence`.
     *
     * Requirements:
     *
     * - the caller holds {ISSUER_ROLE};
     * - `evidence` is non-zero and was never used;
     * - `member` holds at least `amount` points and `amount` is not zero.
     *
     * Emits {PointsRevoked}.
     */
    function revoke(address member, uint256 amount, bytes32 evidence) public virtual onlyRole(ISSUER_ROLE) {
        _useId(evidence);
        _revoke(member, amount, evidence, 0);
    }

    /**
     * @dev Revokes points from many members in one transaction, under `batchId`.
     *
     * Requirements: as {awardBatch}, and every member holds the amount revoked.
     *
     * Emits one {PointsRevoked} per member.
     */
    function revokeBatch(
        bytes32 batchId,
        address[] calldata members,
        uint256[] calldata amounts,
        bytes32[] calldata evidence
    ) public virtual onlyRole(ISSUER_ROLE) {
        _checkBatch(members.length, amounts.length, evidence.length);
        _useId(batchId);
        for (uint256 i = 0; i < members.length; ++i) {
            _revoke(members[i], amounts[i], evidence[i], batchId);
        }
    }

    /// @inheritdoc AccessControl
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IContributionPoints).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev Mints `amount` to `member` and records the award.
    function _award(address member, uint256 amount, bytes32 evidence, bytes32 batchId) internal virtual {
        if (amount == 0) {
            revert ContributionPointsZeroAmount(member);
        }
        _mint(member, amount);
        emit PointsAwarded(member, amount, evidence, batchId);
    }

    /// @dev Burns `amount` from `member` and records the revocation.
    function _revoke(address member, uint256 amount, bytes32 evidence, bytes32 batchId) internal virtual {
        if (amount == 0) {
            revert ContributionPointsZeroAmount(member);
        }
        _burn(member, amount);
        emit PointsRevoked(member, amount, evidence, batchId);
    }

    /// @dev Marks `id` used, reverting if it is zero or was used before.
    function _useId(bytes32 id) internal virtual {
        if (id == 0) {
            revert ContributionPointsZeroId();
        }
        if (_usedIds[id]) {
            revert ContributionPointsIdAlreadyUsed(id);
        }
        _usedIds[id] = true;
    }

    function _checkBatch(uint256 members, uint256 amounts, uint256 evidence) private pure {
        if (members != amounts || members != evidence) {
            revert ContributionPointsBatchLengthMismatch(members, amounts, evidence);
        }
    }

    /// @dev There is nothing to approve: {approve} reverts with {ContributionPointsNonTransferable}.
    function _approve(address, address, uint256, bool) internal pure override {
        revert ContributionPointsNonTransferable();
    }

    /// @dev {transferFrom} reverts with {ContributionPointsNonTransferable} before looking at allowances.
    function _spendAllowance(address, address, uint256) internal pure override {
        revert ContributionPointsNonTransferable();
    }

    /// @dev Delegating to the zero address means delegating back to oneself.
    function _delegate(address account, address delegatee) internal override {
        super._delegate(account, delegatee == address(0) ? account : delegatee);
    }

    /**
     * @dev Only mints and burns move points: {transfer} (and {transferFrom}, see {_spendAllowance}) revert
     * with {ContributionPointsNonTransferable}.
     */
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        if (from != address(0) && to != address(0)) {
            revert ContributionPointsNonTransferable();
        }
        super._update(from, to, value);
    }
}
