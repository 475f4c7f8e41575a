import { defineConfig } from "vitest/config";

// `idlc/runtime` resolves to runtime/index.ts through the "idlc-source" export condition
// (package.json), the same mapping tsc (customConditions) and tsx (--conditions) use.
export default defineConfig({
  resolve: { conditions: ["idlc-source"] },
  ssr: { resolve: { conditions: ["idlc-source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
