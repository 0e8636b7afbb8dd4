#!/usr/bin/env node
// A native-`solc` look-alike over the npm `solc` package (the official compiler built to WASM).
// Why: no solc binary can be downloaded here; brownie/py-solc-x only need `--version` and
// `--standard-json` (stdin -> stdout), with imports resolved from the allowed paths.
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const versionCache = path.join(__dirname, '.solc-version');

if (args.includes('--version')) {
  // py-solc-x asks for the version ~20 times per compile; loading the WASM takes ~0.5 s, so cache it.
  let text;
  try { text = fs.readFileSync(versionCache, 'utf8'); } catch (_) {
    text = `solc, the solidity compiler commandline interface\nVersion: ${require('solc').version()}\n`;
    fs.writeFileSync(versionCache, text);
  }
  process.stdout.write(text);
  process.exit(0);
}

if (!args.includes('--standard-json')) {
  process.stderr.write('linli solc wrapper: only --version and --standard-json are supported\n');
  process.exit(2);
}

const roots = [process.cwd()];
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  if (['--allow-paths', '--base-path', '--include-path'].includes(flag) && args[i + 1]) {
    for (const p of args[i + 1].split(',')) if (p) roots.push(path.resolve(p));
    i++;
  }
}

function findImports(importPath) {
  for (const root of roots) {
    const candidate = path.resolve(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(require('solc').compile(input, { import: findImports }));
