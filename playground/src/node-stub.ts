// What the page gets for Node's built-in modules (vite.config.ts aliases them here). src/ imports
// them on paths the playground never takes (reading and writing files, gzip, optimizer modules
// from disk); taking one anyway fails with a message rather than an undefined function.
function unavailable(name: string): () => never {
  return () => {
    throw new Error(`${name} is not available in the browser`);
  };
}

export const readFileSync = unavailable("fs.readFileSync");
export const writeFileSync = unavailable("fs.writeFileSync");
export const existsSync = unavailable("fs.existsSync");
export const statSync = unavailable("fs.statSync");
export const readdirSync = unavailable("fs.readdirSync");
export const renameSync = unavailable("fs.renameSync");
export const rmSync = unavailable("fs.rmSync");
export const mkdirSync = unavailable("fs.mkdirSync");
export const join = unavailable("path.join");
export const dirname = unavailable("path.dirname");
export const basename = unavailable("path.basename");
export const extname = unavailable("path.extname");
export const resolve = unavailable("path.resolve");
export const pathToFileURL = unavailable("url.pathToFileURL");
export const fileURLToPath = unavailable("url.fileURLToPath");
export const gunzipSync = unavailable("zlib.gunzipSync");
export const createRequire = unavailable("module.createRequire");
export const randomBytes = unavailable("crypto.randomBytes");
