// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/**
 * @dev Interface of {ContributionPoints}: a non-transferable, checkpointed voting token that records member
 * contribution (成长值). Points are awarded and revoked by an issuer, each movement carrying an evidence id.
 */
interface IContributionPoints {
    /// @dev Points cannot be transferred or approved; they are earned, never bought.
    error ContributionPointsNonTransferable();

    /// @dev The award or revocation id (an evidence hash or a batch id) `id` was already used.
    error ContributionPointsIdAlreadyUsed(bytes32 id);

    /// @dev An award or revocation id must not be zero.
    error ContributionPointsZeroId();

    /// @dev The arrays of a batch have different lengths.
    error ContributionPointsBatchLengthMismatch(uint256 members, uint256 amounts, uint256 evidence);

    /// @dev An award or revocation of zero points for `member` carries no information.
    error ContributionPointsZeroAmount(address member);

    /**
     * @dev `amount` points were awarded to `member` for the contribution proven by `evidence`
     * (e.g. the hash of an order id). `batchId` is zero for a single award.
     */
    event PointsAwarded(address indexed member, uint256 amount, bytes32 indexed evidence, bytes32 indexed batchId);

    /**
     * @dev `amount` points were revoked from `member` (clawback, e.g. a refunded order proven by `evidence`).
     * `batchId` is zero for a single revocation.
     */
    event PointsRevoked(address indexed member, uint256 amount, bytes32 indexed evidence, bytes32 indexed batchId);

    /// @dev The role allowed to award and revoke points: `keccak256("ISSUER_ROLE")`.
    function ISSUER_ROLE() external view returns (bytes32);

    /// @dev Whether the award/revocation id (an evidence hash or a batch id) `id` has been used.
    function isIdUsed(bytes32 id) external view returns (bool);

    /// @dev Awards `amount` points to `member` for `evidence`. The evidence id is consumed.
    function award(address member, uint256 amount, bytes32 evidence) external;

    /// @dev Awards a whole period in one transaction; `batchId` is consumed, `evidence` only goes to events.
    function awardBatch(
        bytes32 batchId,
        address[] calldata members,
        uint256[] calldata amounts,
        bytes32[] calldata evidence
    ) external;

    /// @dev Revokes `amount` points from `member` for `evidence`. The evidence id is consumed.
    function revoke(address member, uint256 amount, bytes32 evidence) external;

    /// @dev Revokes points from many members in one transaction; `batchId` is consumed.
    function revokeBatch(
        bytes32 batchId,
        address[] calldata members,
        uint256[] calldata amounts,
        bytes32[] calldata evidence
    ) external;
}
