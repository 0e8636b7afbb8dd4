// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IRuleBook} from "./interfaces/IRuleBook.sol";

/**
 * @title RuleBook
 * @dev The co-op's economic rules, with hard legal bounds the chain itself enforces:
 *
 * - commission rates in basis points for at most two referral levels (1 = direct, 2 = indirect), their sum at
 *   most {MAX_COMMISSION_TOTAL_BPS} (30% of the paid amount);
 * - the profit-pool rate, within [{MIN_POOL_RATE_BPS}, {MAX_POOL_RATE_BPS}] (1–3% of GMV);
 * - the monthly GMV target (cents) above which the pool is paid;
 * - the maximum change of any rate per proposal (bps): within one execution (one block timestamp) each rate
 *   may move at most that far from its value before the execution, however many calls the proposal makes,
 *   and the bound that applies is the one in force before the execution;
 * - the product catalogue (id => metadata hash).
 *
 * Only the TimelockController (fixed at construction) writes, so every change is a governance proposal that
 * was voted, queued and delayed. A proposal that passes with an out-of-bounds value fails at execution and
 * changes nothing. Every write emits an event with the old and the new value.
 *
 * One narrower right exists beside it: accounts holding {POLL_ROLE} (the ProductPoll contract) may *add* a
 * product with {addProductFromPoll}, the winners of a binding product poll. Its admin is `DEFAULT_ADMIN_ROLE`,
 * held by the timelock, so only an executed proposal grants or revokes it; a `setupAdmin` may hold it during
 * deployment to wire the poll, and the deploy renounces it (the TimelockController's own pattern).
 */
contract RuleBook is IRuleBook, AccessControl {
    using EnumerableSet for EnumerableSet.Bytes32Set;

    /// @inheritdoc IRuleBook
    uint256 public constant MAX_COMMISSION_TOTAL_BPS = 3000;
    /// @inheritdoc IRuleBook
    uint256 public constant MIN_POOL_RATE_BPS = 100;
    /// @inheritdoc IRuleBook
    uint256 public constant MAX_POOL_RATE_BPS = 300;
    /// @inheritdoc IRuleBook
    uint256 public constant MAX_GMV_TARGET_CENTS = type(uint64).max;
    /// @inheritdoc IRuleBook
    uint256 public constant MIN_MAX_RATE_CHANGE_BPS = 1;
    /// @inheritdoc IRuleBook
    uint256 public constant MAX_MAX_RATE_CHANGE_BPS = 3000;
    /// @inheritdoc IRuleBook
    bytes32 public constant POLL_ROLE = keccak256("POLL_ROLE");

    /// @dev All numeric rules in one slot (240 bits): one SLOAD serves {poolTerms}.
    struct Rules {
        uint16 level1Bps;
        uint16 level2Bps;
        uint16 poolRateBps;
        uint16 maxRateChangeBps;
        uint64 gmvTargetCents;
        // Values in force before the current change window (the block timestamp of the last rate change).
        uint48 windowStart;
        uint16 baseLevel1Bps;
        uint16 baseLevel2Bps;
        uint16 basePoolRateBps;
        uint16 baseMaxRateChangeBps;
    }

    address private immutable _timelock;
    Rules private _rules;
    EnumerableSet.Bytes32Set private _productIds;
    mapping(bytes32 productId => bytes32) private _productMetadata;

    modifier onlyTimelock() {
        if (msg.sender != _timelock) {
            revert RuleBookUnauthorized(msg.sender);
        }
        _;
    }

    /**
     * @dev Sets the only writer `timelock_` (also the admin of {POLL_ROLE}) and the initial rules, checked
     * against the same bounds as later changes (but not against the maximum change per proposal).
     * `setupAdmin` (none when zero) shares the role admin until it renounces it, to wire the poll at deployment.
     */
    constructor(
        address timelock_,
        address setupAdmin,
        uint256 level1Bps,
        uint256 level2Bps,
        uint256 poolRateBps,
        uint256 gmvTargetCents,
        uint256 maxRateChangeBps
    ) {
        _timelock = timelock_;
        _grantRole(DEFAULT_ADMIN_ROLE, timelock_);
        if (setupAdmin != address(0)) _grantRole(DEFAULT_ADMIN_ROLE, setupAdmin);
        _checkCommission(1, level1Bps, 0);
        _checkCommission(2, level2Bps, level1Bps);
        _checkPoolRate(poolRateBps);
        _checkGmvTarget(gmvTargetCents);
        _checkMaxRateChange(maxRateChangeBps);
        _rules = Rules({
            level1Bps: uint16(level1Bps),
            level2Bps: uint16(level2Bps),
            poolRateBps: uint16(poolRateBps),
            maxRateChangeBps: uint16(maxRateChangeBps),
            gmvTargetCents: uint64(gmvTargetCents),
            windowStart: 0,
            baseLevel1Bps: 0,
            baseLevel2Bps: 0,
            basePoolRateBps: 0,
            baseMaxRateChangeBps: 0
        });
        emit CommissionRateChanged(1, 0, level1Bps);
        emit CommissionRateChanged(2, 0, level2Bps);
        emit PoolRateChanged(0, poolRateBps);
        emit GmvTargetChanged(0, gmvTargetCents);
        emit MaxRateChangeChanged(0, maxRateChangeBps);
    }

    // ---------------------------------------------------------------- getters

    /// @inheritdoc IRuleBook
    function timelock() public view returns (address) {
        return _timelock;
    }

    /// @inheritdoc IRuleBook
    function commissionRate(uint8 level) public view returns (uint256) {
        if (level == 1) return _rules.level1Bps;
        if (level == 2) return _rules.level2Bps;
        revert RuleBookInvalidLevel(level);
    }

    /// @inheritdoc IRuleBook
    function commissionRates() public view returns (uint256 level1Bps, uint256 level2Bps, uint256 totalBps) {
        Rules memory rules = _rules;
        return (rules.level1Bps, rules.level2Bps, uint256(rules.level1Bps) + rules.level2Bps);
    }

    /// @inheritdoc IRuleBook
    function poolRate() public view returns (uint256) {
        return _rules.poolRateBps;
    }

    /// @inheritdoc IRuleBook
    function gmvTarget() public view returns (uint256) {
        return _rules.gmvTargetCents;
    }

    /// @inheritdoc IRuleBook
    function maxRateChange() public view returns (uint256) {
        return _rules.maxRateChangeBps;
    }

    /// @inheritdoc IRuleBook
    function poolTerms() public view returns (uint256 rateBps, uint256 targetCents) {
        Rules memory rules = _rules;
        return (rules.poolRateBps, rules.gmvTargetCents);
    }

    /// @inheritdoc IRuleBook
    function isProduct(bytes32 productId) public view returns (bool) {
        return _productIds.contains(productId);
    }

    /// @inheritdoc IRuleBook
    function productMetadata(bytes32 productId) public view returns (bytes32) {
        return _productMetadata[productId];
    }

    /// @inheritdoc IRuleBook
    function productCount() public view returns (uint256) {
        return _productIds.length();
    }

    /// @inheritdoc IRuleBook
    function products() public view returns (bytes32[] memory) {
        return _productIds.values();
    }

    // ---------------------------------------------------------------- setters (timelock only)

    /**
     * @dev Sets the commission rate of referral `level` to `rateBps`.
     *
     * Requirements:
     *
     * - the caller is the timelock;
     * - `level` is 1 or 2;
     * - the sum of both levels stays at most {MAX_COMMISSION_TOTAL_BPS};
     * - the rate moves at most {maxRateChange} from its value before this execution.
     *
     * Emits a {CommissionRateChanged} event.
     */
    function setCommissionRate(uint8 level, uint256 rateBps) public virtual onlyTimelock {
        _setCommissionRate(level, rateBps);
    }

    /**
     * @dev Sets the pool rate to `rateBps`.
     *
     * Requirements:
     *
     * - the caller is the timelock;
     * - {MIN_POOL_RATE_BPS} <= `rateBps` <= {MAX_POOL_RATE_BPS};
     * - the rate moves at most {maxRateChange} from its value before this execution.
     *
     * Emits a {PoolRateChanged} event.
     */
    function setPoolRate(uint256 rateBps) public virtual onlyTimelock {
        _setPoolRate(rateBps);
    }

    /**
     * @dev Sets the monthly GMV target to `targetCents`.
     *
     * Requirements:
     *
     * - the caller is the timelock;
     * - 1 <= `targetCents` <= {MAX_GMV_TARGET_CENTS}.
     *
     * Emits a {GmvTargetChanged} event.
     */
    function setGmvTarget(uint256 targetCents) public virtual onlyTimelock {
        _setGmvTarget(targetCents);
    }

    /**
     * @dev Sets the maximum change of a rate per proposal to `maxChangeBps`. It applies from the next
     * execution on: rate changes made in the same execution are bound by the previous value.
     *
     * Requirements:
     *
     * - the caller is the timelock;
     * - {MIN_MAX_RATE_CHANGE_BPS} <= `maxChangeBps` <= {MAX_MAX_RATE_CHANGE_BPS}.
     *
     * Emits a {MaxRateChangeChanged} event.
     */
    function setMaxRateChange(uint256 maxChangeBps) public virtual onlyTimelock {
        _setMaxRateChange(maxChangeBps);
    }

    /**
     * @dev Lists product `productId` with metadata hash `metadataHash` (e.g. keccak256 of its canonical JSON).
     *
     * Requirements:
     *
     * - the caller is the timelock;
     * - neither value is zero; the product is not listed yet.
     *
     * Emits a {ProductAdded} event.
     */
    function addProduct(bytes32 productId, bytes32 metadataHash) public virtual onlyTimelock {
        _addProduct(productId, metadataHash);
    }

    /**
     * @dev Lists product `productId` with metadata hash `metadataHash`, a winner of a binding product poll.
     * Returns false and changes nothing when the product is listed already (a poll never re-lists nor
     * overwrites metadata, and one listed winner does not block the others).
     *
     * Requirements:
     *
     * - the caller holds {POLL_ROLE} (granted and revoked by the timelock);
     * - neither value is zero.
     *
     * Emits a {ProductAdded} event when it lists the product.
     */
    function addProductFromPoll(
        bytes32 productId,
        bytes32 metadataHash
    ) public virtual onlyRole(POLL_ROLE) returns (bool added) {
        if (_productIds.contains(productId)) return false;
        _addProduct(productId, metadataHash);
        return true;
    }

    /**
     * @dev Delists product `productId`.
     *
     * Requirements:
     *
     * - the caller is the timelock;
     * - the product is listed.
     *
     * Emits a {ProductRemoved} event.
     */
    function removeProduct(bytes32 productId) public virtual onlyTimelock {
        _removeProduct(productId);
    }

    // ---------------------------------------------------------------- internal

    function _setCommissionRate(uint8 level, uint256 rateBps) internal virtual {
        Rules memory rules = _openWindow();
        uint256 oldBps;
        if (level == 1) {
            _checkCommission(1, rateBps, rules.level2Bps);
            _checkRateChange(rules.baseLevel1Bps, rateBps, rules.baseMaxRateChangeBps);
            oldBps = rules.level1Bps;
            rules.level1Bps = uint16(rateBps);
        } else if (level == 2) {
            _checkCommission(2, rateBps, rules.level1Bps);
            _checkRateChange(rules.baseLevel2Bps, rateBps, rules.baseMaxRateChangeBps);
            oldBps = rules.level2Bps;
            rules.level2Bps = uint16(rateBps);
        } else {
            revert RuleBookInvalidLevel(level);
        }
        _rules = rules;
        emit CommissionRateChanged(level, oldBps, rateBps);
    }

    function _setPoolRate(uint256 rateBps) internal virtual {
        Rules memory rules = _openWindow();
        _checkPoolRate(rateBps);
        _checkRateChange(rules.basePoolRateBps, rateBps, rules.baseMaxRateChangeBps);
        uint256 oldBps = rules.poolRateBps;
        rules.poolRateBps = uint16(rateBps);
        _rules = rules;
        emit PoolRateChanged(oldBps, rateBps);
    }

    function _setGmvTarget(uint256 targetCents) internal virtual {
        _checkGmvTarget(targetCents);
        uint256 oldCents = _rules.gmvTargetCents;
        _rules.gmvTargetCents = uint64(targetCents);
        emit GmvTargetChanged(oldCents, targetCents);
    }

    function _setMaxRateChange(uint256 maxChangeBps) internal virtual {
        Rules memory rules = _openWindow();
        _checkMaxRateChange(maxChangeBps);
        uint256 oldBps = rules.maxRateChangeBps;
        rules.maxRateChangeBps = uint16(maxChangeBps);
        _rules = rules;
        emit MaxRateChangeChanged(oldBps, maxChangeBps);
    }

    function _addProduct(bytes32 productId, bytes32 metadataHash) internal virtual {
        if (productId == 0 || metadataHash == 0) {
            revert RuleBookZeroProductField(productId, metadataHash);
        }
        if (!_productIds.add(productId)) {
            revert RuleBookProductExists(productId);
        }
        _productMetadata[productId] = metadataHash;
        emit ProductAdded(productId, 0, metadataHash);
    }

    function _removeProduct(bytes32 productId) internal virtual {
        if (!_productIds.remove(productId)) {
            revert RuleBookUnknownProduct(productId);
        }
        bytes32 oldMetadataHash = _productMetadata[productId];
        delete _productMetadata[productId];
        emit ProductRemoved(productId, oldMetadataHash, 0);
    }

    /**
     * @dev Returns the rules, with the base values of the change window set to the current values when this
     * is the first rate change of this block timestamp (one proposal executes within one timestamp).
     */
    function _openWindow() private view returns (Rules memory rules) {
        rules = _rules;
        uint48 now_ = Time.timestamp();
        if (rules.windowStart != now_) {
            rules.windowStart = now_;
            rules.baseLevel1Bps = rules.level1Bps;
            rules.baseLevel2Bps = rules.level2Bps;
            rules.basePoolRateBps = rules.poolRateBps;
            rules.baseMaxRateChangeBps = rules.maxRateChangeBps;
        }
    }

    function _checkCommission(uint8 level, uint256 rateBps, uint256 otherLevelBps) private pure {
        uint256 maxBps = MAX_COMMISSION_TOTAL_BPS - otherLevelBps;
        if (rateBps > maxBps) {
            revert RuleBookRateAboveBound(level, rateBps, maxBps);
        }
    }

    function _checkPoolRate(uint256 rateBps) private pure {
        if (rateBps < MIN_POOL_RATE_BPS || rateBps > MAX_POOL_RATE_BPS) {
            revert RuleBookPoolRateOutOfBounds(rateBps, MIN_POOL_RATE_BPS, MAX_POOL_RATE_BPS);
        }
    }

    function _checkGmvTarget(uint256 targetCents) private pure {
        if (targetCents == 0 || targetCents > MAX_GMV_TARGET_CENTS) {
            revert RuleBookGmvTargetOutOfBounds(targetCents, 1, MAX_GMV_TARGET_CENTS);
        }
    }

    function _checkMaxRateChange(uint256 maxChangeBps) private pure {
        if (maxChangeBps < MIN_MAX_RATE_CHANGE_BPS || maxChangeBps > MAX_MAX_RATE_CHANGE_BPS) {
            revert RuleBookMaxChangeOutOfBounds(maxChangeBps, MIN_MAX_RATE_CHANGE_BPS, MAX_MAX_RATE_CHANGE_BPS);
        }
    }

    function _checkRateChange(uint256 baseBps, uint256 newBps, uint256 maxChangeBps) private pure {
        uint256 delta = newBps > baseBps ? newBps - baseBps : baseBps - newBps;
        if (delta > maxChangeBps) {
            revert RuleBookRateChangeAboveBound(baseBps, newBps, maxChangeBps);
        }
    }
}
