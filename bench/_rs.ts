import { readSnapshot } from '/work/wt/restart/src/library/snapshot.ts';
import { readdirSync } from 'node:fs';
const dir = process.argv[2]!;
const f = readdirSync(dir).find((n) => n.endsWith('.bin'))!;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const s = await readSnapshot(`${dir}/${f}`);
  console.log('readSnapshot', (performance.now() - t0).toFixed(0), 'ms', s.bytes, s.library.stats());
}
