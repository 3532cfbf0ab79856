#!/usr/bin/env node
// The `verbatim` executable: registers tsx (so the TypeScript sources run as
// they are, with no build step to go stale), loads .env quietly, runs the CLI.
import { register } from 'tsx/esm/api';
import { config } from 'dotenv';

register();
config({ quiet: true });
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
