#!/usr/bin/env node
// Launcher for `tessera` (npx tessera, or a global link): registers tsx's TypeScript hooks in
// this process, then runs src/main.ts, which reads process.argv itself. tsx is resolved from
// this file's location, so the launcher works from any working directory.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/main.ts', import.meta.url).href);
