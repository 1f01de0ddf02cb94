/**
 * Shared Vite/Vitest configuration: one Vitest project per workspace package.
 * Browser builds (the wallet) extend this file with their own entry points.
 */
import { defineConfig } from 'vitest/config';

const projects = ['packages/crypto', 'packages/protocols', 'packages/transport', 'packages/vault', 'apps/signal', 'apps/cli', 'apps/wallet', 'apps/hsm-bridge'];

export default defineConfig({
  worker: { format: 'es' },
  test: {
    projects: projects.map((root) => ({
      extends: true,
      test: {
        name: root.split('/').pop()!,
        root,
        include: ['test/**/*.test.ts'],
        testTimeout: 120_000,
        hookTimeout: 120_000,
      },
    })),
  },
});
