# The two commands a new machine needs. Both do all set-up themselves (toolchain/bootstrap.sh).
.PHONY: demo test setup

demo: setup  ## the main job end to end on the embedded chain
	.venv/bin/linli demo

test:        ## every test: Python suites, then contracts on Anvil and on Ganache
	toolchain/test.sh

setup:
	toolchain/bootstrap.sh
