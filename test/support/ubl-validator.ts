/**
 * Validates a UBL invoice or credit note as a Peppol receiver would: the OASIS UBL 2.1 XSD (xmllint-wasm), then the
 * CEN EN 16931 and the PEPPOL BIS Billing 3.0 schematrons (node-schematron on fontoxpath). The artefacts are the
 * unmodified files in test/fixtures/standards/ (see its README for their notices).
 *
 * The PEPPOL schematron defines XSLT helper functions (`u:gln`, `u:mod11`, …) that node-schematron cannot run:
 * they are implemented below in JavaScript, one for one, and registered under the schematron's `utils` namespace.
 * Compiling a schematron takes seconds, so the compiled form (node-schematron's JSON) is kept in
 * node_modules/.cache/o2c-schematron/, keyed by the schematron file's hash; later test files load it warm.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Schema, registerCustomXPathFunction } from 'node-schematron';
import { parseXmlDocument } from 'slimdom';
import { createRequire } from 'node:module';
import { validateXML } from 'xmllint-wasm';

const root = resolve(import.meta.dirname, '../..');
export const STANDARDS = resolve(root, 'test/fixtures/standards');
const CACHE = resolve(root, 'node_modules/.cache/o2c-schematron');

export interface Finding {
  readonly id: string;
  readonly flag: 'fatal' | 'warning' | 'information';
  readonly message: string;
  readonly schematron: 'CEN' | 'PEPPOL';
}

export interface ValidationReport {
  /** XSD errors (empty: schema-valid). */
  readonly schemaErrors: readonly string[];
  readonly findings: readonly Finding[];
  readonly fatal: readonly Finding[];
  readonly valid: boolean;
}

// ── the PEPPOL schematron's XSLT functions, in JavaScript ───────────────────

/** XPath `castable as xs:integer`: optional whitespace and sign, then digits. */
const castableAsInteger = (s: string) => /^\s*[+-]?\d+\s*$/.test(s);
const LETTERS = /^[A-Za-z]*$/;
/** XPath `number(substring(s, i, 1))` for one character: NaN unless a digit. */
const digitAt = (s: string, index: number) => (index >= 0 && index < s.length && /\d/.test(s[index]!) ? Number(s[index]) : Number.NaN);

/** u:gln — GS1 check digit (weights 3,1,3,… from the right of the body). */
export function gln(val: string): boolean {
  const body = val.slice(0, -1);
  const digits = [...body].reverse().map((c) => c.charCodeAt(0) - 48);
  const sum = digits.reduce((acc, d, i) => acc + d * (1 + ((i + 1) % 2) * 2), 0);
  return (10 - (sum % 10)) % 10 === digitAt(val, val.length - 1);
}

/** u:slack — `exp` and `val` differ by at most `slack`. */
export function slack(exp: number, val: number, tolerance: number): boolean {
  return exp + tolerance >= val && exp - tolerance <= val;
}

/** u:mod11 — Norwegian organisation number check (weights 2…7 from the right of the body). */
export function mod11(val: string): boolean {
  const body = val.slice(0, -1);
  const digits = [...body].reverse().map((c) => c.charCodeAt(0) - 48);
  const sum = digits.reduce((acc, d, i) => acc + d * ((i % 6) + 2), 0);
  const asNumber = /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(val) ? Number(val) : Number.NaN;
  return asNumber > 0 && (11 - (sum % 11)) % 11 === digitAt(val, val.length - 1);
}

/** u:mod97-0208 — Belgian enterprise number: the last two digits are 97 − (the first eight mod 97). */
export function mod97_0208(val: string): boolean {
  const head = val.slice(0, 8);
  if (!castableAsInteger(head)) return false;
  const check = val.slice(8, 10);
  const expected = 97 - (Number(BigInt(head.trim()) % 97n));
  return /^\s*\d+\s*$/.test(check) && Number(check) === expected;
}

/** u:checkCodiceIPA — six letters or digits. */
export function checkCodiceIPA(arg: string | null): boolean {
  const s = arg ?? '';
  return /^[A-Za-z0-9]*$/.test(s) && s.length === 6;
}

/** u:checkCF16 — the shape of a 16-character Italian codice fiscale. */
export function checkCF16(arg: string | null): boolean {
  const s = arg ?? '';
  const sub = (start: number, length: number) => s.slice(start - 1, start - 1 + length);
  return LETTERS.test(sub(1, 6)) && castableAsInteger(sub(7, 2)) && LETTERS.test(sub(9, 1)) && castableAsInteger(sub(10, 2)) && castableAsInteger(sub(15, 1)) && LETTERS.test(sub(16, 1));
}

/** u:checkCF — a codice fiscale: 16 characters of the right shape, or 11 digits. */
export function checkCF(arg: string | null): boolean {
  const s = arg ?? '';
  if (s.length === 16) return checkCF16(s);
  if (s.length === 11) return castableAsInteger(s);
  return false;
}

/** u:addPIVA — the Partita IVA digit sum: odd positions as they are, even ones doubled (digit-summed) through '0246813579'. */
export function addPIVA(arg: string, pari: number): number {
  let sum = 0;
  let s = arg;
  let even = pari;
  while (castableAsInteger(s)) {
    const d = Number(s[0]);
    if (Number.isNaN(d)) break;
    sum += even === 1 ? Number('0246813579'[d]) : d;
    s = s.slice(1);
    even = even === 0 ? 1 : 0;
  }
  return sum;
}

/** u:checkPIVA — 0 when the Partita IVA's check digit is right. */
export function checkPIVA(arg: string | null): number {
  const s = arg ?? '';
  return castableAsInteger(s) ? addPIVA(s, 0) % 10 : 1;
}

/** u:checkPIVAseIT — an `IT` VAT number has 11 digits with a valid check; other countries pass. */
export function checkPIVAseIT(arg: string): boolean {
  const country = arg.slice(0, 2);
  const code = arg.slice(2);
  if (country !== 'IT' && country !== 'it') return true;
  return code.length === 11 && checkPIVA(code) === 0;
}

/** u:abn — Australian Business Number: weighted sum (first digit minus one) mod 89 = 0. */
export function abn(val: string): boolean {
  if (val.length < 11) return false;
  const weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
  const sum = weights.reduce((acc, w, i) => acc + (val.charCodeAt(i) - (i === 0 ? 49 : 48)) * w, 0);
  return sum % 89 === 0;
}

/** u:TinVerification — Greek TIN (AFM): Σ d_i × 2^(9−i) for the first 8 digits, mod 11 mod 10 = the 9th. */
export function tinVerification(val: string): boolean {
  let checksum = 0;
  for (let i = 0; i < 8; i++) checksum += digitAt(val, i) * 2 ** (8 - i);
  return (checksum % 11) % 10 === digitAt(val, 8);
}

/** u:checkSEOrgnr — Swedish organisation number: Luhn over the first nine digits against the tenth. */
export function checkSEOrgnr(number: string): boolean {
  if (!/^\d+$/.test(number)) return false;
  const main = number.slice(0, 9);
  let sum = 0;
  for (let pos = 1; pos <= main.length; pos++) {
    const d = Number(main[main.length - pos]);
    sum += pos % 2 === 1 ? ((d * 2) % 10) + Math.floor((d * 2) / 10) : d;
  }
  return (10 - (sum % 10)) % 10 === digitAt(number, 9);
}

let registered = false;
function registerPeppolFunctions(): void {
  if (registered) return;
  registered = true;
  const u = (localName: string) => ({ localName, namespaceURI: 'utils' });
  const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  registerCustomXPathFunction(u('gln'), ['item()?'], 'xs:boolean', (_, v: unknown) => gln(str(v)));
  registerCustomXPathFunction(u('slack'), ['xs:double', 'xs:double', 'xs:double'], 'xs:boolean', (_, e: number, v: number, s: number) => slack(e, v, s));
  registerCustomXPathFunction(u('mod11'), ['item()?'], 'xs:boolean', (_, v: unknown) => mod11(str(v)));
  registerCustomXPathFunction(u('mod97-0208'), ['item()?'], 'xs:boolean', (_, v: unknown) => mod97_0208(str(v)));
  registerCustomXPathFunction(u('checkCodiceIPA'), ['xs:string?'], 'xs:boolean', (_, v: string | null) => checkCodiceIPA(v));
  registerCustomXPathFunction(u('checkCF'), ['xs:string?'], 'xs:boolean', (_, v: string | null) => checkCF(v));
  registerCustomXPathFunction(u('checkCF16'), ['xs:string?'], 'xs:boolean', (_, v: string | null) => checkCF16(v));
  registerCustomXPathFunction(u('checkPIVAseIT'), ['xs:string'], 'xs:boolean', (_, v: string) => checkPIVAseIT(v));
  registerCustomXPathFunction(u('checkPIVA'), ['xs:string?'], 'xs:integer', (_, v: string | null) => checkPIVA(v));
  registerCustomXPathFunction(u('addPIVA'), ['xs:string', 'xs:integer'], 'xs:integer', (_, v: string, p: number) => addPIVA(v, p));
  registerCustomXPathFunction(u('abn'), ['item()?'], 'xs:boolean', (_, v: unknown) => abn(str(v)));
  registerCustomXPathFunction(u('TinVerification'), ['xs:string'], 'xs:boolean', (_, v: string) => tinVerification(v));
  registerCustomXPathFunction(u('checkSEOrgnr'), ['xs:string'], 'xs:boolean', (_, v: string) => checkSEOrgnr(v));
}

// ── the schematrons, compiled once and kept warm ─────────────────────────────

/** fontoxpath as node-schematron loads it (one instance: the functions registered above live in it). */
const fontoxpath = createRequire(createRequire(import.meta.url).resolve('node-schematron'))('fontoxpath') as {
  evaluateXPath: (q: string, ctx: unknown, d: null, vars: object, r?: unknown, o?: object) => unknown;
  evaluateXPathToNodes: (q: string, ctx: unknown, d: null, vars: object, o?: object) => unknown[];
};

/** Splits an XPath union at its top-level `|` (outside brackets, parentheses and quotes). */
export function unionBranches(expr: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '|' && depth === 0) {
      out.push(expr.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(expr.slice(start).trim());
  return out.filter(Boolean);
}

/**
 * What a rule context matches, as the schematron spec reads it (an XSLT match pattern): a relative branch matches
 * such nodes anywhere, an absolute or `//` branch is evaluated once from the document. node-schematron evaluates
 * `//(context)`, which re-runs an absolute or `//` branch from every node of the document (quadratic: minutes per
 * invoice); the nodes matched are the same.
 */
function contextQuery(context: string): string {
  return unionBranches(context)
    .map((b) => (b.startsWith('/') || b.startsWith('(') ? b : `//${b}`))
    .join(' | ');
}

type Vars = Record<string, unknown>;
interface PatternLike {
  rules: { context: string; variables: { name: string; value?: string }[]; validateNode: (node: unknown, vars: Vars, o: object) => unknown[] }[];
  variables: { name: string; value?: string }[];
}

function reduceVariables(context: unknown, variables: PatternLike['variables'], options: object, initial: Vars): Vars {
  const mapping = { ...initial };
  for (const v of variables) mapping[v.name.trim()] = v.value ? fontoxpath.evaluateXPath(v.value, context, null, mapping, undefined, options) : context;
  return mapping;
}

/** node-schematron's Pattern.validateDocument with the contexts matched once per rule (above) and looked up in sets. */
function patchPatterns(schema: Schema): void {
  const proto = Object.getPrototypeOf(schema.patterns[0]) as { validateDocument: unknown; o2cPatched?: true };
  if (proto.o2cPatched) return;
  proto.o2cPatched = true;
  proto.validateDocument = function (this: PatternLike, documentDom: { childNodes: ArrayLike<unknown> }, parentVariables: Vars, options: object) {
    const variables = reduceVariables(documentDom, this.variables, options, parentVariables);
    const contexts = this.rules.map((rule) => new Set(fontoxpath.evaluateXPathToNodes(contextQuery(rule.context), documentDom, null, variables, options)));
    const results: unknown[] = [];
    const visit = (node: { childNodes: ArrayLike<unknown> }) => {
      const index = contexts.findIndex((set) => set.has(node));
      if (index >= 0) results.push(...this.rules[index]!.validateNode(node, variables, options));
      for (const child of Array.from(node.childNodes)) visit(child as typeof node);
    };
    for (const child of Array.from(documentDom.childNodes)) visit(child as typeof documentDom);
    return results;
  };
}

interface Compiled {
  readonly schema: Schema;
  readonly flags: ReadonlyMap<string, Finding['flag']>;
}

const compiled = new Map<string, Compiled>();

function loadSchematron(file: string): Compiled {
  const hit = compiled.get(file);
  if (hit) return hit;
  registerPeppolFunctions();
  const text = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const cached = resolve(CACHE, `${hash}.json`);
  let schema: Schema;
  if (existsSync(cached)) {
    schema = Schema.fromJson(JSON.parse(readFileSync(cached, 'utf8')));
  } else {
    const json = Schema.fromDomToJson(parseXmlDocument(text));
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(cached, JSON.stringify(json));
    schema = Schema.fromJson(json);
  }
  patchPatterns(schema);
  const flags = new Map<string, Finding['flag']>();
  for (const m of text.matchAll(/<(?:assert|report)\b([^>]*)>/g)) {
    const id = /\bid="([^"]+)"/.exec(m[1]!)?.[1];
    const flag = /\bflag="([^"]+)"/.exec(m[1]!)?.[1] ?? 'fatal';
    if (id) flags.set(id, flag as Finding['flag']);
  }
  const entry = { schema, flags };
  compiled.set(file, entry);
  return entry;
}

// ── the XSD ──────────────────────────────────────────────────────────────────

let xsdFiles: { fileName: string; contents: string }[] | undefined;
function xsdPreload() {
  if (!xsdFiles) {
    const dir = (sub: string) => readdirSync(resolve(STANDARDS, 'ubl-2.1/xsd', sub)).map((f) => ({ fileName: `${sub}/${f}`, contents: readFileSync(resolve(STANDARDS, 'ubl-2.1/xsd', sub, f), 'utf8') }));
    xsdFiles = [...dir('common'), ...dir('maindoc')];
  }
  return xsdFiles;
}

export async function validateXsd(xml: string): Promise<string[]> {
  const isCreditNote = /<(?:\w+:)?CreditNote[\s>]/.test(xml.slice(0, 2000));
  const files = xsdPreload();
  const main = `maindoc/UBL-${isCreditNote ? 'CreditNote' : 'Invoice'}-2.1.xsd`;
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: xml }],
    schema: files.find((f) => f.fileName === main)!,
    preload: files.filter((f) => f.fileName !== main),
  });
  return result.valid ? [] : result.errors.map((e) => e.message);
}

/** Compiles (or loads the cached compiled) schematrons now, so the first document does not pay for it. */
export function warmUpSchematrons(): void {
  loadSchematron(resolve(STANDARDS, 'peppol-bis-3/sch/CEN-EN16931-UBL.sch'));
  loadSchematron(resolve(STANDARDS, 'peppol-bis-3/sch/PEPPOL-EN16931-UBL.sch'));
}

export function validateSchematrons(xml: string): Finding[] {
  const findings: Finding[] = [];
  for (const [name, file] of [
    ['CEN', 'peppol-bis-3/sch/CEN-EN16931-UBL.sch'],
    ['PEPPOL', 'peppol-bis-3/sch/PEPPOL-EN16931-UBL.sch'],
  ] as const) {
    const { schema, flags } = loadSchematron(resolve(STANDARDS, file));
    for (const r of schema.validateString(xml)) {
      if (r.isReport) continue;
      const id = r.assertId ?? '(no id)';
      findings.push({ id, flag: flags.get(id) ?? 'fatal', message: (r.message ?? '').replace(/\s+/g, ' ').trim(), schematron: name });
    }
  }
  return findings;
}

/** The whole check a receiver runs. `valid`: schema-valid and no fatal assertion fired. */
export async function validateUbl(xml: string): Promise<ValidationReport> {
  const schemaErrors = await validateXsd(xml);
  const findings = validateSchematrons(xml);
  const fatal = findings.filter((f) => f.flag === 'fatal');
  return { schemaErrors, findings, fatal, valid: schemaErrors.length === 0 && fatal.length === 0 };
}

/** A report in a line per problem, for a failing assertion's message. */
export function describeReport(report: ValidationReport): string {
  return [...report.schemaErrors.map((e) => `XSD: ${e}`), ...report.fatal.map((f) => `${f.schematron} ${f.id}: ${f.message}`)].join('\n');
}
