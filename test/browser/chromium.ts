// What the browser tests share: the system's Chromium (Debian's package; nothing is downloaded),
// launched headless by playwright-core; a static file server (optionally cross-origin isolated,
// optionally with a Content-Security-Policy); and vite builds, run as a user runs them.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { chromium, type Browser } from "playwright-core";

/** The real binary: /usr/bin/chromium is a shell wrapper that playwright cannot drive. */
const CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/lib/chromium-browser/chromium-browser", "/opt/google/chrome/chrome"];
export const chromiumPath = process.env.NNC_CHROMIUM ?? CANDIDATES.find((p) => existsSync(p));
export const skipNote = "browser tests skipped: no Chromium on this machine (Debian: apt-get install chromium)";

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath!,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

export interface ServeOptions {
  readonly isolated?: boolean;
  readonly csp?: string;
}

/** Serves `root` on 127.0.0.1 at a free port; resolves to the base URL and the server. */
export async function serve(root: string, options: ServeOptions = {}): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? "/").replace(/[?#].*$/, ""))).replace(/^(\.\.[/\\])+/, "");
    let file = join(root, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (path === "/favicon.ico") return void res.writeHead(204).end(); // browsers ask; the apps have none
    if (!file.startsWith(root) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      ...(options.isolated && { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }),
      ...(options.csp && { "content-security-policy": options.csp }),
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, server };
}

/** `vite build` of a folder, with its own vite.config (the project's vite, as `npx vite build DIR`). */
export function viteBuild(dir: string): void {
  execFileSync(process.execPath, [join(process.cwd(), "node_modules/vite/bin/vite.js"), "build", dir, "--logLevel", "warn"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}
