// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules, Next.js's own rules, and the
// project's layering: only app/ imports from app/ (routes are not libraries). `npm run lint`; part of `npm test`.
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [".next/**", "node_modules/**", "lib/generated/**", "packages/*/dist/**", "packages/*/node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "@next/next": nextPlugin },
    rules: { ...nextPlugin.configs.recommended.rules, ...nextPlugin.configs["core-web-vitals"].rules },
  },
  {
    // React code only (elsewhere `use…` names are no hooks, e.g. the tests' useTestDb).
    files: ["app/**/*.tsx", "components/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    // Plain Node scripts (the CLI launcher, postinstall, build helpers).
    files: ["**/*.{mjs,cjs,js}"],
    languageOptions: { globals: { process: "readonly", global: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" } },
  },
  {
    files: ["**/*.d.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    rules: {
      // `_name` marks a value kept on purpose (a destructured field left out, an unused parameter of a fixed signature).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" }],
      // Validators match control characters on purpose (TOML strings, hostnames, one-line errors).
      "no-control-regex": "off",
    },
  },
  {
    files: ["**/*.{ts,tsx,js,mjs,cjs}"],
    ignores: ["app/**", "tests/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/app/*", "**/app/*"], message: "Only app/ imports from app/: move what is shared to lib/ or components/ (or pass it as a prop)." }] },
      ],
    },
  },
);
