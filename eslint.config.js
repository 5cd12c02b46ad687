// Lint for src/, test/ and playground/: typescript-eslint's recommended rules. Formatting is prettier's
// (npm run format); lint does not duplicate it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "runs/**", "test/codegen/__snapshots__/**", "playground/dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.ts", "test/**/*.ts", "playground/**/*.ts"],
    rules: {
      // Diagnostics and generated comments strip control characters on purpose.
      "no-control-regex": "off",
      // `_name` marks a parameter that is required by a signature but unused.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
);
