import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The one `npx cdk synth` of a vitest run, without loading aws-cdk-lib: used by the test workers
 * (test/infra/assembly.ts) and by the run's global setup (test/global-setup.ts), which starts it
 * at once so that it overlaps the unit tests instead of waiting for the first infra test file.
 * Whoever creates the run's directory first runs the synth; everybody else waits for its result
 * file.
 */

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

/** Runs a command without blocking the event loop; kills it after `timeoutMs`. */
export function run(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: opts.cwd ?? repoRoot,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ status: null, stdout, stderr, error: e.message });
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({
        status,
        stdout,
        stderr,
        ...(timedOut ? { error: `timed out after ${opts.timeoutMs / 1000} s` } : {}),
      });
    });
  });
}

/**
 * Fingerprint of everything the synthesis reads, so a run (or a watch-mode rerun) never reads
 * an assembly of other sources.
 */
function sourcesFingerprint(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) hash.update(relative(repoRoot, path)).update(readFileSync(path));
    }
  };
  for (const dir of ["infra", "functions", "schemas", "queries"]) walk(join(repoRoot, dir));
  for (const file of ["cdk.json", "package-lock.json"])
    hash.update(file).update(readFileSync(join(repoRoot, file)));
  return hash.digest("hex").slice(0, 16);
}

const RUN_PREFIX = "vbm-infra-run-";

/** Removes the shared assemblies of earlier runs (their vitest process has ended). */
function removeStaleRuns(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = new RegExp(`^${RUN_PREFIX}(\\d+)-`).exec(name);
    if (!m) continue;
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      // EPERM: the process exists (another user's); ESRCH: it has ended.
      alive = (e as NodeJS.ErrnoException).code === "EPERM";
    }
    if (alive) continue;
    try {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    } catch {
      // Not ours to remove; it does not matter.
    }
  }
}

export const SYNTH_TIMEOUT_MS = 300_000;

/** Where the synth of the vitest process `runPid` writes its assembly and result. */
function runRoot(runPid: number): string {
  return join(tmpdir(), `${RUN_PREFIX}${runPid}-${sourcesFingerprint()}`);
}

/**
 * Starts the run's synth when nobody has yet; resolves when it has finished (or at once when
 * somebody else runs it).
 */
export async function startSharedSynth(runPid: number): Promise<void> {
  const root = runRoot(runPid);
  try {
    removeStaleRuns();
    mkdirSync(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return;
  }
  const result = await run("npx", ["cdk", "synth", "--quiet", "--no-notices", "-o", join(root, "cdk.out")], {
    timeoutMs: SYNTH_TIMEOUT_MS,
    env: {
      ...process.env,
      CI: "true",
      CDK_DISABLE_VERSION_CHECK: "true",
      CDK_DISABLE_CLI_TELEMETRY: "true",
      // Keep the child from inheriting an assembly directory of a parent CDK process.
      CDK_OUTDIR: "",
    },
  });
  const resultFile = join(root, "result.json");
  writeFileSync(`${resultFile}.tmp`, JSON.stringify(result));
  renameSync(`${resultFile}.tmp`, resultFile);
}

/** The run's synth result, starting the synth when nobody has. */
export async function sharedSynthResult(runPid: number): Promise<{ outdir: string; result: RunResult }> {
  const root = runRoot(runPid);
  const resultFile = join(root, "result.json");
  await startSharedSynth(runPid);
  const deadline = Date.now() + SYNTH_TIMEOUT_MS + 30_000;
  while (!existsSync(resultFile)) {
    if (Date.now() > deadline) throw new Error(`no result of the shared synth in ${root}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { outdir: join(root, "cdk.out"), result: JSON.parse(readFileSync(resultFile, "utf8")) };
}
