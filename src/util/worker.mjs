// Entry of every worker thread: registers tsx (the sources are TypeScript,
// run as they are) and imports the module named by the last argument. Plain
// JavaScript because a worker starts without the parent's loader hooks.
import { register } from 'tsx/esm/api';

register();
await import(process.argv.at(-1));
