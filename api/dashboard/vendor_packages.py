"""The browser libraries the pages load (dashboard and /docs), all from npm (package.json), none from a CDN.

In a checkout, /dashboard/vendor/<name>/ serves node_modules/<package>/<serve>; setup.py copies `files`
(flattened) into the wheel's api/dashboard/vendor/<name>/. Only the standard library here: setup.py reads this
file with runpy before anything is installed.
"""
from typing import NamedTuple


class VendorPackage(NamedTuple):
    package: str             # npm package name
    serve: str               # its folder served in a checkout
    files: tuple[str, ...]   # glob patterns, relative to the package, copied into the wheel


VENDOR_PACKAGES = {
    "chartjs": VendorPackage("chart.js", "dist", ("dist/chart.umd.min.js", "dist/chart.umd.min.js.map", "LICENSE.md")),
    "noble-hashes": VendorPackage("@noble/hashes", "esm", ("esm/*.js", "LICENSE")),
    "ethers": VendorPackage("ethers", "dist", ("dist/ethers.min.js", "LICENSE.md")),
    "swagger-ui": VendorPackage("swagger-ui-dist", ".", ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png",
                                                         "LICENSE", "NOTICE")),
}
