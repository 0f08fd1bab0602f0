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
