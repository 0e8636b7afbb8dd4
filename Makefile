# The commands a new machine needs. Both do all set-up themselves (toolchain/bootstrap.sh).
.PHONY: demo dashboard test setup

demo: setup  ## the main job end to end on the embedded chain
	.venv/bin/linli demo

dashboard: setup  ## the demo on Anvil, then the API and dashboard until Ctrl-C: prints the URL and three members' keys
	.venv/bin/linli demo --serve --out out/dashboard

test:        ## every test: Python suites, then contracts on Anvil and on Ganache
	toolchain/test.sh

setup:
	toolchain/bootstrap.sh
