// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/**
 * @dev Interface of {ProductPoll}: approval voting over candidate products, the top N win (an advisory
 * multi-option vote, a known gap of OpenZeppelin Governor; a governance proposal then lists the winners).
 */
interface IProductPoll {
    /// @dev A poll needs between 2 and `maxOptions` candidates; `count` were given.
    error ProductPollInvalidOptionCount(uint256 count, uint256 maxOptions);

    /// @dev `topN` must be between 1 and the number of candidates `optionCount`.
    error ProductPollInvalidTopN(uint256 topN, uint256 optionCount);

    /// @dev Candidate ids must be non-zero and distinct: `productId` is zero or repeated.
    error ProductPollInvalidOption(bytes32 productId);

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

    event PollCreated(
        uint256 indexed pollId,
        address indexed creator,
        bytes32[] productIds,
        uint256 topN,
        uint256 snapshot,
        uint256 deadline,
        string description
    );

    /// @dev `voter` approved the candidates in the bitmap `selection`, each with `weight`.
    event ApprovalCast(uint256 indexed pollId, address indexed voter, uint256 selection, uint256 weight);

    function MAX_OPTIONS() external view returns (uint256);
    function token() external view returns (address);
    function votingDelay() external view returns (uint256);
    function votingPeriod() external view returns (uint256);
    function pollCount() external view returns (uint256);

    /// @dev Candidates, winners to pick, snapshot and deadline of poll `pollId`.
    function poll(uint256 pollId)
        external
        view
        returns (bytes32[] memory productIds, uint256 topN, uint256 snapshot, uint256 deadline);

    /// @dev Approval weight of every candidate of poll `pollId`, in candidate order.
    function tallies(uint256 pollId) external view returns (uint256[] memory);

    function hasVoted(uint256 pollId, address voter) external view returns (bool);

    /// @dev The `topN` candidates with most approval weight (ties: earlier candidate first; zero weight never
    /// wins), once the poll has ended.
    function winners(uint256 pollId) external view returns (bytes32[] memory);

    function createPoll(bytes32[] calldata productIds, uint256 topN, string calldata description)
        external
        returns (uint256 pollId);

    function approve(uint256 pollId, uint256 selection) external returns (uint256 weight);
}
