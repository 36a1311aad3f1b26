import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

// Tests run on the TypeScript sources: workspace packages resolve to src, not dist.
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@docket\/core\/testing\/contract$/,
        replacement: src('./packages/core/src/testing/contract/index.ts'),
      },
      { find: /^@docket\/core\/testing$/, replacement: src('./packages/core/src/testing/index.ts') },
      { find: /^@docket\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@docket\/policies$/, replacement: src('./packages/policies/src/index.ts') },
      {
        find: /^@docket\/adapters\/(postgres|pglite|eventstoredb)$/,
        replacement: src('./packages/adapters/src/$1/index.ts'),
      },
      { find: /^@docket\/adapters$/, replacement: src('./packages/adapters/src/index.ts') },
      { find: /^@docket\/cli$/, replacement: src('./packages/cli/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/**/*.test.ts', 'docs/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // generous: on two cores, with files in parallel, the end-to-end tests that spawn several
    // docket processes on PGlite (merge, crash) have taken 20–30 s; a hang still fails
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // PostgreSQL-backed suites each use their own schema, so files may run in parallel.
    fileParallelism: true,
    // a new PGlite store's template (packages/adapters/src/internal/pgliteTemplate.ts) is kept in the
    // repository's ignored cache, not the user's: the tests write nothing outside the checkout
    env: { XDG_CACHE_HOME: src('./node_modules/.cache') },
  },
})
