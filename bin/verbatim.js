#!/usr/bin/env node
// The `verbatim` command: runs the compiled CLI (bin/package.json says why this is a package of its own).
import '../dist/src/cli/verbatim.js';
