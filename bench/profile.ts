/**
 * A CPU profile of this process, taken with the inspector (what `node --cpu-prof` writes), summarised as self time
 * per owner: o2c's own rooms (functions/domain, use-cases, adapters, …), the local host (local/), each package in
 * node_modules (the AWS SDK, fauxqs, the state-machine emulator, pdf-lib, …), Node's internals, the garbage
 * collector and idle. Idle is time the event loop had nothing to run: a process that is mostly idle is waiting on
 * something else (DynamoDB Local, a timer), not bound by its own CPU. Figures only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Who a frame belongs to. */
export function ownerOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName === '(idle)' ? 'idle' : functionName === '(garbage collector)' ? 'garbage collector' : functionName === '(program)' ? 'V8 / native' : `native ${functionName || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    const name = pkg[1]!;
    return name.startsWith('@aws-sdk/') || name.startsWith('@smithy/') || name.startsWith('@aws-crypto/') ? 'AWS SDK (@aws-sdk, @smithy)' : name.startsWith('@aws-lambda-powertools/') ? 'Powertools' : name;
  }
  const room = /\/functions\/([^/]+)\//.exec(url) ?? /\/functions\/([^/.]+)\.ts/.exec(url);
  if (room) return `o2c functions/${room[1]}`;
  if (/\/local\//.test(url)) return 'local host (local/)';
  if (/\/bench\//.test(url)) return 'bench driver (bench/)';
  if (url === 'node:inspector') return 'the profiler itself (node:inspector)';
  if (url.startsWith('node:')) return 'Node internals';
  return url;
}

export interface ProfileSummary {
  totalMs: number;
  /** Self milliseconds per owner, largest first. */
  owners: { owner: string; ms: number; share: number }[];
  /** The hottest functions by self time. */
  functions: { name: string; owner: string; ms: number }[];
}

export function summarise(profile: CpuProfile, topFunctions = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const owners = new Map<string, number>();
  const fns = new Map<string, { owner: string; us: number }>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const owner = ownerOf(frame);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    total += us;
    if (owner === 'idle') continue;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|functions|local)\//, '$1/')}:${frame.lineNumber + 1}`;
    const f = fns.get(key) ?? { owner, us: 0 };
    f.us += us;
    fns.set(key, f);
  }
  return {
    totalMs: total / 1000,
    owners: [...owners].sort((a, b) => b[1] - a[1]).map(([owner, us]) => ({ owner, ms: us / 1000, share: total ? us / total : 0 })),
    functions: [...fns].sort((a, b) => b[1].us - a[1].us).slice(0, topFunctions).map(([name, f]) => ({ name, owner: f.owner, ms: f.us / 1000 })),
  };
}

/** Starts profiling this process; `stop()` ends it, optionally writes the raw profile (open it in Chrome DevTools) and summarises it. */
export async function startProfile(samplingIntervalUs = 1_000): Promise<{ stop(writeTo?: string): Promise<ProfileSummary> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await session.post('Profiler.start');
  return {
    async stop(writeTo) {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      if (writeTo) {
        mkdirSync(dirname(writeTo), { recursive: true }); // a fresh clone has no .bench/ yet
        writeFileSync(writeTo, JSON.stringify(profile));
      }
      return summarise(profile);
    },
  };
}

/** The summary as lines for a bench's output: owners above `minShare`, then the hottest functions. */
export function formatSummary(s: ProfileSummary, minShare = 0.01): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
  const lines = [`  CPU profile of this process: ${(s.totalMs / 1000).toFixed(1)} s sampled, self time by owner`];
  for (const o of s.owners.filter((o) => o.share >= minShare)) lines.push(`    ${pct(o.share)}  ${(o.ms / 1000).toFixed(1).padStart(6)} s  ${o.owner}`);
  lines.push('  hottest functions (self):');
  for (const f of s.functions) lines.push(`    ${(f.ms / 1000).toFixed(2).padStart(6)} s  ${f.name}  [${f.owner}]`);
  return lines;
}
