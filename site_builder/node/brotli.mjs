// Brotli-compress files for hosts that serve precompressed files (build time).
//
//   node brotli.mjs <input> <output> [<input> <output> …]
//
// Quality 11 (the slowest and smallest): it runs once per file content, and the build caches
// the result. Node's zlib is used so the build needs no extra Python package.
import { readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2) {
  console.error("usage: node brotli.mjs <input> <output> [<input> <output> …]");
  process.exit(2);
}
for (let i = 0; i < args.length; i += 2) {
  const data = readFileSync(args[i]);
  writeFileSync(args[i + 1], brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      [constants.BROTLI_PARAM_LGWIN]: 24,
    },
  }));
}
