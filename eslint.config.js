// Lint rules that tsc and prettier do not cover. Syntax-only (no type information) so the
// whole tree lints in seconds; tsc --noEmit does the type-aware checking.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "dist/**",
      "bench/peers/generated/**",
      "bench/results/**",
      "test/interop/.work/**",
      "**/*.cjs",
      "scratch-*",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-namespace": "error",
      "no-restricted-syntax": [
        "error",
        { selector: "TSEnumDeclaration", message: "Use an `as const` object and a union type." },
        { selector: "ExportAllDeclaration", message: "Use named re-exports." },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "no-constant-condition": ["error", { checkLoops: false }],
      // Lexers and wire code match control characters on purpose.
      "no-control-regex": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
);
