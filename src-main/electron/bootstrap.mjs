// Electron's entry: registers tsx so the TypeScript main process (and the service's worker
// threads, see src-main/service/spawn.ts) run from sources, then loads main.ts.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
