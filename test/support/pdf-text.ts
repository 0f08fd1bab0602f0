/**
 * The text drawn on a PDF's pages, for assertions: inflates each content
 * stream and decodes the strings shown with Tj/TJ (pdf-lib writes standard-font
 * text as hex strings). Enough for PDFs o2c renders; not a general extractor.
 */
import { inflateSync } from 'node:zlib';

export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  const streamRe = /<<([^]*?)>>\s*stream\r?\n([^]*?)\r?\nendstream/g;
  for (const m of raw.matchAll(streamRe)) {
    const dict = m[1]!;
    let data = Buffer.from(m[2]!, 'latin1');
    if (/\/FlateDecode/.test(dict)) {
      try {
        data = inflateSync(data);
      } catch {
        continue;
      }
    }
    const content = data.toString('latin1');
    for (const t of content.matchAll(/<([0-9A-Fa-f\s]*)>\s*Tj|\((?:[^()\\]|\\.)*\)\s*Tj/g)) {
      if (t[1] !== undefined) out.push(Buffer.from(t[1].replace(/\s+/g, ''), 'hex').toString('latin1'));
      else out.push(t[0].replace(/^\(|\)\s*Tj$/g, ''));
    }
  }
  return out.join('\n');
}

/** One string drawn on a page: where its baseline starts, its size, and its width in the standard font it was drawn in. */
export interface TextRun {
  readonly page: number;
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly width: number;
  readonly text: string;
}

/**
 * Every string drawn on each page with its position (pdf-lib writes `/<font> <size> Tf … 1 0 0 1 <x> <y> Tm <hex> Tj`
 * per string), measured with the Helvetica metrics it was drawn in: enough to check that nothing overlaps.
 */
export async function pdfTextRuns(pdf: Uint8Array): Promise<TextRun[]> {
  const { PDFDocument, PDFArray, PDFRawStream, StandardFonts, decodePDFRawStream } = await import('pdf-lib');
  const doc = await PDFDocument.load(pdf);
  const scratch = await PDFDocument.create();
  const fonts = { regular: await scratch.embedFont(StandardFonts.Helvetica), bold: await scratch.embedFont(StandardFonts.HelveticaBold) };
  const runs: TextRun[] = [];
  doc.getPages().forEach((page, n) => {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
    for (const stream of streams) {
      if (!(stream instanceof PDFRawStream)) continue;
      const content = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
      for (const m of content.matchAll(/\/(Helvetica(?:-Bold)?)-\d+ ([\d.]+) Tf[^]*?1 0 0 1 ([\d.-]+) ([\d.-]+) Tm\s*<([0-9A-Fa-f]*)> Tj/g)) {
        const text = Buffer.from(m[5]!, 'hex').toString('latin1');
        const size = Number(m[2]);
        const font = m[1] === 'Helvetica-Bold' ? fonts.bold : fonts.regular;
        runs.push({ page: n, x: Number(m[3]), y: Number(m[4]), size, width: font.widthOfTextAtSize(text, size), text });
      }
    }
  });
  return runs;
}

/** Pairs of runs whose boxes (baseline − 0.25 size to baseline + 0.8 size) intersect on one page. */
export function overlappingRuns(runs: readonly TextRun[]): [TextRun, TextRun][] {
  const box = (r: TextRun) => ({ left: r.x, right: r.x + r.width, bottom: r.y - 0.25 * r.size, top: r.y + 0.8 * r.size });
  const out: [TextRun, TextRun][] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i]!;
      const b = runs[j]!;
      if (a.page !== b.page || a.text.trim() === '' || b.text.trim() === '') continue;
      const p = box(a);
      const q = box(b);
      if (p.left < q.right && q.left < p.right && p.bottom < q.top && q.bottom < p.top) out.push([a, b]);
    }
  }
  return out;
}
