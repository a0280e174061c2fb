// ESLint for static/js (run by .ci/run after `npm ci`): the recommended rules, and
// the globals each kind of script may use. Vendored files are not ours to lint.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["static/vendor/**"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, htmx: "readonly", WaveSurfer: "readonly" },
    },
    rules: {
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
    },
  },
  {
    // The labeling workspace is ES modules.
    files: ["static/js/label/**/*.js"],
    languageOptions: { sourceType: "module" },
  },
];
