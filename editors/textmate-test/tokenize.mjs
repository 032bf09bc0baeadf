// Tokenize ruleset files with the TextMate grammar, the way VS Code does (vscode-textmate + oniguruma).
// Usage: node tokenize.mjs GRAMMAR.json FILE...   Prints JSON: {file: [[line, start, end, text, scopes], ...]}.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const require = createRequire(import.meta.url);
const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));

const [grammarPath, ...files] = process.argv.slice(2);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath),
});
const grammar = await registry.loadGrammar("source.cqdt");
const out = {};
for (const file of files) {
  const tokens = [];
  let state = vsctm.INITIAL;
  fs.readFileSync(file, "utf8").split("\n").forEach((line, index) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      tokens.push([index + 1, token.startIndex, token.endIndex, line.slice(token.startIndex, token.endIndex), token.scopes]);
    }
    state = result.ruleStack;
  });
  out[file] = tokens;
}
process.stdout.write(JSON.stringify(out));
