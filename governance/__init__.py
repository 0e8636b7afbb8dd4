"""Linli's business rules as pure Python: no web3, no database, no HTTP.

Everything here is a function of the co-op's data files and its rules file, so every figure the chain
publishes can be recomputed by anyone from the same inputs.
"""
