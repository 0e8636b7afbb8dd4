// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/**
 * @dev Interface of {ProductPoll}: binding approval votes over candidate products (a multi-option vote, a known
 * gap of OpenZeppelin Governor). The top N of a poll that reached its quorum are added to the RuleBook
 * catalogue by {enact}, once.
 */
interface IProductPoll {
    /// @dev Life of a poll. `Defeated`: the turnout missed the quorum (or nobody with weight approved);
    /// `Tied`: the N-th and (N+1)-th candidates have the same non-zero weight; `Succeeded`: enactable;
    /// `Enacted`: its winners went to the catalogue.
    enum PollState {
        Pending,
        Active,
        Defeated,
        Tied,
        Succeeded,
        Enacted
    }

    /// @dev A poll needs between 2 and `maxOptions` candidates; `count` were given.
    error ProductPollInvalidOptionCount(uint256 count, uint256 maxOptions);

    /// @dev `topN` must be between 1 and the number of candidates `optionCount`.
    error ProductPollInvalidTopN(uint256 topN, uint256 optionCount);

    /// @dev Candidate ids must be non-zero and distinct: `productId` is zero or repeated.
    error ProductPollInvalidOption(bytes32 productId);

    /// @dev Every candidate needs a non-zero metadata hash: `hashes` were given for `ids` candidates, or the one
    /// of `productId` is zero.
    error ProductPollInvalidMetadata(bytes32 productId, uint256 ids, uint256 hashes);

    /// @dev No poll has the id `pollId`.
    error ProductPollUnknown(uint256 pollId);

    /// @dev Poll `pollId` accepts approvals after `snapshot` and up to `deadline` (clock `now`).
    error ProductPollNotActive(uint256 pollId, uint256 now, uint256 snapshot, uint256 deadline);

    /// @dev `voter` already approved in poll `pollId`.
    error ProductPollAlreadyVoted(uint256 pollId, address voter);

    /// @dev `selection` (a bitmap of candidate indexes) is empty or names a candidate poll `pollId` lacks.
    error ProductPollInvalidSelection(uint256 pollId, uint256 selection);

    /// @dev Poll `pollId` ends at `deadline`; results are final only after it.
    error ProductPollNotFinished(uint256 pollId, uint256 deadline);

    /// @dev Poll `pollId` was enacted already: its winners are in the catalogue.
    error ProductPollAlreadyEnacted(uint256 pollId);

    /// @dev The signature is not `voter`'s (EOA or ERC-1271) over this approval and its current nonce.
    error ProductPollInvalidSignature(address voter);

    /// @dev `caller` is not the timelock, the only account allowed to change the poll quorum.
    error ProductPollUnauthorized(address caller);

    /// @dev The quorum numerator `numerator` is above the denominator `denominator` (100: a percentage).
    error ProductPollInvalidQuorum(uint256 numerator, uint256 denominator);

    event PollCreated(
        uint256 indexed pollId,
        address indexed creator,
        bytes32[] productIds,
        bytes32[] metadataHashes,
        uint256 topN,
        uint256 snapshot,
        uint256 deadline,
        uint256 quorumNumerator,
        string description
    );

    /// @dev `voter` approved the candidates in the bitmap `selection`, each with `weight`.
    event ApprovalCast(uint256 indexed pollId, address indexed voter, uint256 selection, uint256 weight);

    /// @dev Someone enacted poll `pollId`: `state` is `Succeeded` when `winners` went to the catalogue (`added`
    /// of them new), `Defeated` or `Tied` when it changed nothing (then `winners` is empty and `added` 0).
    event PollEnacted(uint256 indexed pollId, PollState state, bytes32[] winners, uint256 added);

    /// @dev The timelock set the quorum of polls opened from now on. Named apart from the governor's
    /// `QuorumNumeratorUpdated`: across the system one event topic has one layout, which the mirror relies on.
    event PollQuorumUpdated(uint256 oldNumerator, uint256 newNumerator);

    function MAX_OPTIONS() external view returns (uint256);
    function QUORUM_DENOMINATOR() external view returns (uint256);
    function token() external view returns (address);
    function ruleBook() external view returns (address);
    function timelock() external view returns (address);
    function votingDelay() external view returns (uint256);
    function votingPeriod() external view returns (uint256);
    /// @dev Quorum numerator (percent of the past total supply) that polls opened from now on use.
    function quorumNumerator() external view returns (uint256);
    function pollCount() external view returns (uint256);

    /// @dev Candidates, winners to pick, snapshot and deadline of poll `pollId`.
    function poll(uint256 pollId)
        external
        view
        returns (bytes32[] memory productIds, uint256 topN, uint256 snapshot, uint256 deadline);

    /// @dev Metadata hash of every candidate of poll `pollId`, in candidate order.
    function metadataHashes(uint256 pollId) external view returns (bytes32[] memory);

    /// @dev Approval weight of every candidate of poll `pollId`, in candidate order.
    function tallies(uint256 pollId) external view returns (uint256[] memory);

    /// @dev Total weight of the members who approved anything in poll `pollId`.
    function turnout(uint256 pollId) external view returns (uint256);

    /// @dev Turnout poll `pollId` needs: its quorum numerator (fixed when it opened) % of the past total supply
    /// at its snapshot. Known once voting opened.
    function quorum(uint256 pollId) external view returns (uint256);

    function state(uint256 pollId) external view returns (PollState);

    function hasVoted(uint256 pollId, address voter) external view returns (bool);

    /// @dev The candidates poll `pollId` adds to the catalogue once ended: its top N by weight (zero weight never
    /// wins), none when it is `Defeated` or `Tied`.
    function winners(uint256 pollId) external view returns (bytes32[] memory);

    function createPoll(
        bytes32[] calldata productIds,
        bytes32[] calldata metadataHashes_,
        uint256 topN,
        string calldata description
    ) external returns (uint256 pollId);

    function approve(uint256 pollId, uint256 selection) external returns (uint256 weight);

    function approveBySig(uint256 pollId, uint256 selection, address voter, bytes calldata signature)
        external
        returns (uint256 weight);

    function enact(uint256 pollId) external returns (PollState state, bytes32[] memory added);

    function setQuorumNumerator(uint256 numerator) external;
}
