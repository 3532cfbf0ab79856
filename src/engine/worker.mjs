// Worker thread entry: registers tsx (the sources are TypeScript, run as they
// are) and starts the index host. Plain JavaScript because a worker starts
// without the parent's loader hooks.
import { register } from 'tsx/esm/api';

register();
await import('./workerMain.ts');
