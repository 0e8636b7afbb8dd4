// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

// The co-op's TimelockController is OpenZeppelin's, used as is. Importing it here makes brownie build its
// artifact (build/contracts/TimelockController.json) beside Linli's own contracts.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
