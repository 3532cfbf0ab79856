#!/usr/bin/env node
/**
 * The `verbatim` executable: loads .env quietly and runs the CLI. `--version`
 * answers before anything else is loaded, so that it is instant.
 */
import { packageVersion } from '../util/packageInfo.ts';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${packageVersion()}\n`);
} else {
  const { config } = await import('dotenv');
  config({ quiet: true });
  const { main } = await import('./main.ts');
  process.exitCode = await main(argv);
}
