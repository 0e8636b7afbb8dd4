// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/**
 * @dev Interface of {PayoutLedger}: the append-only public log of monthly profit-pool distributions.
 */
interface IPayoutLedger {
    /// @dev `period` is not a month written as YYYYMM (2000..9999, 01..12).
    error PayoutLedgerInvalidPeriod(uint32 period);

    /// @dev `period` was already published; a period is published once and never overwritten.
    error PayoutLedgerPeriodAlreadyPublished(uint32 period);

    /// @dev The hash of the signed payout record of `period` must not be zero.
    error PayoutLedgerZeroRecordHash(uint32 period);

    /**
     * @dev `poolCents` is not what the rule book in force demands: `expectedCents`
     * (GMV × pool rate / 10000 rounded down when GMV reaches the target, zero otherwise).
     */
    error PayoutLedgerPoolMismatch(uint256 poolCents, uint256 expectedCents);

    /**
     * @dev The distribution of `period` was published: all figures, with the rule-book terms in force
     * (`targetCents`, `poolRateBps`) that the chain checked `poolCents` against.
     */
    event DistributionPublished(
        uint32 indexed period,
        bytes32 merkleRoot,
        bytes32 recordHash,
        uint256 gmvCents,
        uint256 targetCents,
        uint256 poolRateBps,
        uint256 poolCents,
        uint256 memberCount
    );

    /// @dev The role allowed to publish distributions (the co-op admin): `keccak256("PUBLISHER_ROLE")`.
    function PUBLISHER_ROLE() external view returns (bytes32);

    /// @dev The rule book whose pool terms every publication is checked against.
    function ruleBook() external view returns (address);

    /**
     * @dev Publishes the distribution of `period`.
     */
    function publish(
        uint32 period,
        uint256 gmvCents,
        uint256 poolCents,
        uint256 memberCount,
        bytes32 merkleRoot,
        bytes32 recordHash
    ) external;

    function isPublished(uint32 period) external view returns (bool);

    /// @dev The Merkle root and the signed record hash of `period` (zeros when not published; the root is
    /// zero for a month without payouts).
    function distribution(uint32 period) external view returns (bytes32 merkleRoot, bytes32 recordHash);

    function merkleRoot(uint32 period) external view returns (bytes32);
    function recordHash(uint32 period) external view returns (bytes32);

    /// @dev Whether (`account`, `amount`) is a leaf of the published tree of `period`.
    function verify(uint32 period, address account, uint256 amount, bytes32[] calldata proof)
        external
        view
        returns (bool);
}
