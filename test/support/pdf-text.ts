/**
 * The text of a PDF as a reader's software extracts it, for assertions: poppler-utils' pdftotext (the embedded fonts'
 * ToUnicode maps, so any script), with no-break spaces as plain spaces. `.ci/run` installs poppler-utils.
 */
import { execFileSync } from 'node:child_process';

export function pdfText(pdf: Uint8Array): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: Buffer.from(pdf), maxBuffer: 64 << 20 }).toString('utf8').replace(/[\u00A0\u202F]/g, ' ');
}

/** One word as poppler's `pdftotext -bbox` places it: page (0-based), box in points from the page's bottom-left. */
export interface TextRun {
  readonly page: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly text: string;
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** Every word on each page with its box (poppler-utils' pdftotext -bbox): what a reader's software sees. */
export async function pdfTextRuns(pdf: Uint8Array): Promise<TextRun[]> {
  const html = execFileSync('pdftotext', ['-bbox', '-', '-'], { input: Buffer.from(pdf), maxBuffer: 64 << 20 }).toString('utf8');
  const runs: TextRun[] = [];
  let page = -1;
  let height = 0;
  for (const m of html.matchAll(/<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
    if (m[1] !== undefined) {
      page++;
      height = Number(m[2]);
      continue;
    }
    const [xMin, yMin, xMax, yMax] = [m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number];
    runs.push({ page, x: xMin, y: height - yMax, width: xMax - xMin, height: yMax - yMin, text: unescape(m[7]!) });
  }
  return runs;
}

/**
 * Pairs of words whose boxes intersect on one page. A box is shrunk by a fifth of its height at top and bottom (the
 * font's ascent and descent overlap between lines 12 pt apart by design), so only text drawn over text counts.
 */
export function overlappingRuns(runs: readonly TextRun[]): [TextRun, TextRun][] {
  const box = (r: TextRun) => ({ left: r.x + 0.2, right: r.x + r.width - 0.2, bottom: r.y + 0.2 * r.height, top: r.y + 0.8 * r.height });
  const out: [TextRun, TextRun][] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i]!;
      const b = runs[j]!;
      if (a.page !== b.page) continue;
      const p = box(a);
      const q = box(b);
      if (p.left < q.right && q.left < p.right && p.bottom < q.top && q.bottom < p.top) out.push([a, b]);
    }
  }
  return out;
}

/** How many dark pixels (grey < 128) poppler's pdftoppm draws in a box of a page (points from the bottom-left, 72 dpi): 0 when the glyphs are blank. */
export function inkIn(pdf: Uint8Array, page: number, box: { x: number; y: number; width: number; height: number }, pageHeight = 842): number {
  const [x, y, w, h] = [Math.floor(box.x), Math.floor(pageHeight - box.y - box.height), Math.ceil(box.width), Math.ceil(box.height)];
  const pgm = execFileSync('pdftoppm', ['-gray', '-r', '72', '-f', String(page + 1), '-l', String(page + 1), '-x', String(x), '-y', String(y), '-W', String(w), '-H', String(h), '-'], { input: Buffer.from(pdf), maxBuffer: 64 << 20 });
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 50).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a PGM');
  return [...pgm.subarray(header[0].length)].filter((v) => v < 128).length;
}
