/**
 * The rules of the house (ARCHITECTURE.md §2) as data, and a checker that reads
 * the real import graph with esbuild (already our bundler, so no extra parser:
 * dependency-cruiser needed @swc/core, whose per-platform binaries the lockfile
 * cannot hold for every OS). Type-only imports are erased before the graph is
 * built, so the rules govern what actually ships in a bundle.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

export interface LayerRule {
  name: string;
  comment: string;
  from: RegExp;
  to: RegExp;
  /** Targets that match `to` but are allowed anyway. */
  allow?: RegExp;
}

export const LAYER_RULES: LayerRule[] = [
  {
    name: 'domain-is-pure',
    comment: 'functions/domain holds pure O2C rules: no use cases, messages, adapters, handlers, platforms, runtime, CDK, AWS SDK, Powertools or middy.',
    from: /^functions\/domain\//,
    to: /^(functions\/(use-cases|messages|adapters|handlers|platforms|runtime)\/|functions\/(ports|bindings)\.ts$|lib\/|bin\/|local\/|@aws-sdk\/|@smithy\/|aws-cdk-lib|constructs|@aws-lambda-powertools\/|@middy\/)/,
  },
  {
    name: 'domain-no-io',
    comment: 'Domain code does no I/O.',
    from: /^functions\/domain\//,
    to: /^(node:)?(fs|net|http|https|child_process|dgram|worker_threads)(\/|$)/,
  },
  {
    name: 'use-cases-inward',
    comment: 'A use case imports only the domain, the ports, the error catalogue, the messages and other use cases: it decides, adapters talk to the world.',
    from: /^functions\/use-cases\//,
    to: /^(functions\/(adapters|handlers|platforms|runtime)\/|functions\/bindings\.ts$|lib\/|local\/|@aws-sdk\/|@smithy\/|@aws-lambda-powertools\/|@middy\/|(node:)?(fs|net|http|https|child_process|dgram|worker_threads)(\/|$))/,
  },
  {
    name: 'handlers-wire-only',
    comment: 'A handler wires: it imports use cases, adapters (to build their ports), the runtime and the edge schemas (platforms), never the domain directly.',
    from: /^functions\/handlers\//,
    to: /^functions\/(domain|messages)\//,
  },
  {
    name: 'platforms-no-aws',
    comment: 'Platform modules verify and map payloads; they do not talk to AWS.',
    from: /^functions\/platforms\//,
    to: /^(functions\/(adapters|handlers|use-cases|runtime)\/|@aws-sdk\/)/,
  },
  {
    name: 'messages-are-pure',
    comment: 'functions/messages holds texts only: it imports functions/domain and nothing else (no AWS, no I/O, no packages), so it stays small in every bundle.',
    from: /^functions\/messages\//,
    to: /^(?!functions\/(domain|messages)\/)/,
  },
  {
    name: 'adapters-not-use-cases',
    comment: 'Adapters implement ports; they never call a use case or a handler (no business course in an adapter).',
    from: /^functions\/adapters\//,
    to: /^functions\/(use-cases|handlers|messages)\//,
  },
  {
    name: 'runtime-not-handlers',
    comment: 'The runtime is called by handlers, never the other way round, and runs no use case.',
    from: /^functions\/runtime\//,
    to: /^functions\/(handlers|use-cases|adapters)\//,
  },
  {
    name: 'handlers-independent',
    comment: 'One handler never imports another: each is its own Lambda bundle.',
    from: /^functions\/handlers\//,
    to: /^functions\/handlers\//,
  },
  {
    name: 'lambda-code-not-infra',
    comment: 'Code that runs in Lambda never imports the CDK app or the local runtime.',
    from: /^functions\//,
    to: /^(lib\/|bin\/|local\/|aws-cdk-lib|constructs|cdk-nag)/,
  },
  {
    name: 'infra-not-function-code',
    comment:
      "lib/ never imports functions/ (entry paths are strings); the table definition, the bindings contract, the error catalogue, the payment references, the dunning policy, the cash-matching policy, money, the customer notifications and the list of font files (pure modules: config checks the seller's IBAN, the reference scheme, the dunning policy, the matching tolerance in minor units and the customerEmails choice with the code the functions use) are the exceptions.",
    from: /^(lib|bin)\//,
    to: /^functions\//,
    allow: /^functions\/(adapters\/table-schema|adapters\/font-files|bindings|errors|domain\/references|domain\/dunning|domain\/cash-matching|domain\/money|domain\/notifications)\.ts$/,
  },
];

export interface ImportGraph {
  /** module (repo-relative path or package name) → what it imports at runtime */
  edges: Map<string, Set<string>>;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function packageName(spec: string): string {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

export async function importGraph(root: string, dirs: string[]): Promise<ImportGraph> {
  const entryPoints = dirs.flatMap((d) => {
    try {
      return tsFiles(join(root, d));
    } catch {
      return [];
    }
  });
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: join(root, '.layers-out'),
    logLevel: 'silent',
  });
  const edges = new Map<string, Set<string>>();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    const from = relative(root, join(root, file)).split('\\').join('/');
    const targets = edges.get(from) ?? new Set<string>();
    for (const imp of input.imports) {
      if (imp.external) targets.add(imp.path.startsWith('node:') ? imp.path : packageName(imp.path));
      else targets.add(relative(root, join(root, imp.path)).split('\\').join('/'));
    }
    edges.set(from, targets);
  }
  return { edges };
}

export interface Violation {
  rule: string;
  from: string;
  to: string;
}

export function violations(graph: ImportGraph, rules: LayerRule[] = LAYER_RULES): Violation[] {
  const out: Violation[] = [];
  for (const [from, targets] of graph.edges) {
    for (const to of targets) {
      for (const rule of rules) {
        if (rule.from.test(from) && rule.to.test(to) && !(rule.allow?.test(to) ?? false)) out.push({ rule: rule.name, from, to });
      }
    }
  }
  return out;
}

/** Import cycles among our own modules (packages excluded), each as a path. */
export function cycles(graph: ImportGraph): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.edges.get(node) ?? []) {
      if (!graph.edges.has(next)) continue;
      const s = state.get(next);
      if (s === 'visiting') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.edges.keys()) if (!state.has(node)) visit(node);
  return found;
}
