// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/**
 * @dev Interface of {RuleBook}: the co-op's economic rules with hard legal bounds. Only the timelock writes, except
 * catalogue additions by the holders of `POLL_ROLE` (binding product polls), a role the timelock grants.
 */
interface IRuleBook {
    /// @dev `caller` is not the timelock, the only account allowed to change the rules.
    error RuleBookUnauthorized(address caller);

    /// @dev Commission `level` must be 1 (direct referrer) or 2 (indirect referrer).
    error RuleBookInvalidLevel(uint8 level);

    /// @dev Commission `rateBps` at `level` is above `maxBps`, what the total bound (3000 bps) leaves for it.
    error RuleBookRateAboveBound(uint8 level, uint256 rateBps, uint256 maxBps);

    /// @dev The pool rate `rateBps` is outside [`minBps`, `maxBps`].
    error RuleBookPoolRateOutOfBounds(uint256 rateBps, uint256 minBps, uint256 maxBps);

    /// @dev Changing a rate from `oldBps` to `newBps` in one proposal moves it by more than `maxChangeBps`.
    error RuleBookRateChangeAboveBound(uint256 oldBps, uint256 newBps, uint256 maxChangeBps);

    /// @dev The maximum change per proposal `maxChangeBps` is outside [`minBps`, `maxBps`].
    error RuleBookMaxChangeOutOfBounds(uint256 maxChangeBps, uint256 minBps, uint256 maxBps);

    /// @dev The monthly GMV target `targetCents` is outside [`minCents`, `maxCents`].
    error RuleBookGmvTargetOutOfBounds(uint256 targetCents, uint256 minCents, uint256 maxCents);

    /// @dev The product `productId` is already listed.
    error RuleBookProductExists(bytes32 productId);

    /// @dev The product `productId` is not listed.
    error RuleBookUnknownProduct(bytes32 productId);

    /// @dev Product ids and metadata hashes must not be zero.
    error RuleBookZeroProductField(bytes32 productId, bytes32 metadataHash);

    event CommissionRateChanged(uint8 indexed level, uint256 oldBps, uint256 newBps);
    event PoolRateChanged(uint256 oldBps, uint256 newBps);
    event GmvTargetChanged(uint256 oldCents, uint256 newCents);
    event MaxRateChangeChanged(uint256 oldBps, uint256 newBps);
    /// @dev `oldMetadataHash` is zero: the product was not listed before.
    event ProductAdded(bytes32 indexed productId, bytes32 oldMetadataHash, bytes32 newMetadataHash);
    /// @dev `newMetadataHash` is zero: the product is no longer listed.
    event ProductRemoved(bytes32 indexed productId, bytes32 oldMetadataHash, bytes32 newMetadataHash);

    function MAX_COMMISSION_TOTAL_BPS() external view returns (uint256);
    function MIN_POOL_RATE_BPS() external view returns (uint256);
    function MAX_POOL_RATE_BPS() external view returns (uint256);
    function MAX_GMV_TARGET_CENTS() external view returns (uint256);
    function MIN_MAX_RATE_CHANGE_BPS() external view returns (uint256);
    function MAX_MAX_RATE_CHANGE_BPS() external view returns (uint256);
    /// @dev Role of the contracts allowed to add poll winners ({addProductFromPoll}); admin: the timelock.
    function POLL_ROLE() external view returns (bytes32);

    /// @dev The only account allowed to write: the TimelockController.
    function timelock() external view returns (address);

    /// @dev Commission rate in bps at `level` (1 or 2).
    function commissionRate(uint8 level) external view returns (uint256);

    /// @dev Both commission rates and their sum, in bps.
    function commissionRates() external view returns (uint256 level1Bps, uint256 level2Bps, uint256 totalBps);

    function poolRate() external view returns (uint256);
    function gmvTarget() external view returns (uint256);
    function maxRateChange() external view returns (uint256);

    /// @dev The pool rate (bps) and monthly GMV target (cents) in force, in one call (read by {PayoutLedger}).
    function poolTerms() external view returns (uint256 rateBps, uint256 targetCents);

    function isProduct(bytes32 productId) external view returns (bool);
    function productMetadata(bytes32 productId) external view returns (bytes32);
    function productCount() external view returns (uint256);
    /// @dev Listed product ids, in no particular order.
    function products() external view returns (bytes32[] memory);

    function setCommissionRate(uint8 level, uint256 rateBps) external;
    function setPoolRate(uint256 rateBps) external;
    function setGmvTarget(uint256 targetCents) external;
    function setMaxRateChange(uint256 maxChangeBps) external;
    function addProduct(bytes32 productId, bytes32 metadataHash) external;
    /// @dev Lists a poll winner (`POLL_ROLE` only); false when it is listed already (then nothing changes).
    function addProductFromPoll(bytes32 productId, bytes32 metadataHash) external returns (bool added);
    function removeProduct(bytes32 productId) external;
}
