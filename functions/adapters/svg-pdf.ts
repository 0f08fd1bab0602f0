/**
 * Draws an SVG chart as ECharts' server-side SVG renderer writes it onto a pdf-lib page, as vectors: pdf-lib has no
 * SVG import, so each `<path>` (and `<rect>`) goes through `drawSvgPath` under its element's transform, and each
 * `<text>` is drawn in Helvetica at its anchor. Enough for the flat output ECharts emits (paths, rects, texts,
 * translate/matrix transforms, hex/rgb colours); clip paths and gradients are ignored.
 */
import { concatTransformationMatrix, degrees, popGraphicsState, pushGraphicsState, rgb, type Color, type PDFFont, type PDFPage } from 'pdf-lib';

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m1 · m2: m2 applied first. */
function multiply(m1: Matrix, m2: Matrix): Matrix {
  const [a1, b1, c1, d1, e1, f1] = m1;
  const [a2, b2, c2, d2, e2, f2] = m2;
  return [a1 * a2 + c1 * b2, b1 * a2 + d1 * b2, a1 * c2 + c1 * d2, b1 * c2 + d1 * d2, a1 * e2 + c1 * f2 + e1, b1 * e2 + d1 * f2 + f1];
}

export function parseTransform(text: string | undefined): Matrix {
  let m = IDENTITY;
  for (const [, fn, args] of (text ?? '').matchAll(/(\w+)\s*\(([^)]*)\)/g)) {
    const n = args!.split(/[\s,]+/).filter(Boolean).map(Number);
    if (fn === 'matrix' && n.length === 6) m = multiply(m, n as Matrix);
    else if (fn === 'translate') m = multiply(m, [1, 0, 0, 1, n[0] ?? 0, n[1] ?? 0]);
    else if (fn === 'scale') m = multiply(m, [n[0] ?? 1, 0, 0, n[1] ?? n[0] ?? 1, 0, 0]);
    else if (fn === 'rotate') {
      const r = ((n[0] ?? 0) * Math.PI) / 180;
      m = multiply(m, [Math.cos(r), Math.sin(r), -Math.sin(r), Math.cos(r), 0, 0]);
    }
  }
  return m;
}

export function parseColor(value: string | undefined): { color: Color; alpha: number } | undefined {
  if (!value || value === 'none' || value === 'transparent' || value.startsWith('url(')) return undefined;
  let hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value)?.[1];
  if (hex) {
    if (hex.length === 3) hex = [...hex].map((ch) => ch + ch).join('');
    const n = Number.parseInt(hex, 16);
    return { color: rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255), alpha: 1 };
  }
  const fn = /^rgba?\(([^)]*)\)$/i.exec(value);
  if (fn) {
    const [r = 0, g = 0, b = 0, a = 1] = fn[1]!.split(',').map((p) => Number(p.trim()));
    return { color: rgb(r / 255, g / 255, b / 255), alpha: a };
  }
  return undefined;
}

const attributes = (tag: string) => Object.fromEntries([...tag.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
const styleOf = (style: string | undefined) => Object.fromEntries((style ?? '').split(';').filter((s) => s.includes(':')).map((s) => s.split(':').map((p) => p.trim()) as [string, string]));
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))) : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e.toLowerCase()]!,
  );

export interface DrawnSvg {
  readonly paths: number;
  readonly texts: readonly string[];
}

/** Draws `svg` with its top-left corner at (`x`, `top`) in page coordinates, one SVG unit a point. */
export function drawSvg(page: PDFPage, svg: string, at: { x: number; top: number }, fonts: { regular: PDFFont; bold: PDFFont }, safe: (text: string, font: PDFFont) => string): DrawnSvg {
  const base: Matrix = [1, 0, 0, -1, at.x, at.top];
  const body = svg.replace(/<defs[^]*?<\/defs>/g, '');
  let paths = 0;
  const texts: string[] = [];
  for (const m of body.matchAll(/<(path|rect)\b([^>]*?)\/?>|<text\b([^>]*)>([^<]*)<\/text>/g)) {
    if (m[1]) {
      const a = attributes(m[2]!);
      const d =
        m[1] === 'rect' ? `M${a.x ?? 0} ${a.y ?? 0}h${a.width ?? 0}v${a.height ?? 0}h${-(Number(a.width) || 0)}Z` : a.d;
      if (!d) continue;
      const fill = parseColor(a.fill ?? (m[1] === 'path' ? undefined : 'none'));
      const stroke = parseColor(a.stroke);
      const fillAlpha = (fill?.alpha ?? 1) * Number(a['fill-opacity'] ?? 1) * Number(a.opacity ?? 1);
      const strokeAlpha = (stroke?.alpha ?? 1) * Number(a['stroke-opacity'] ?? 1) * Number(a.opacity ?? 1);
      const width = Number(a['stroke-width'] ?? 1);
      const doFill = fill !== undefined && fillAlpha > 0;
      const doStroke = stroke !== undefined && strokeAlpha > 0 && width > 0;
      if (!doFill && !doStroke) continue;
      page.pushOperators(pushGraphicsState(), concatTransformationMatrix(...base), concatTransformationMatrix(...parseTransform(a.transform)), concatTransformationMatrix(1, 0, 0, -1, 0, 0));
      page.drawSvgPath(d, {
        x: 0,
        y: 0,
        ...(doFill ? { color: fill.color, opacity: Math.min(1, fillAlpha) } : {}),
        ...(doStroke ? { borderColor: stroke.color, borderWidth: width, borderOpacity: Math.min(1, strokeAlpha) } : {}),
      });
      page.pushOperators(popGraphicsState());
      paths++;
    } else {
      const a = attributes(m[3]!);
      const content = decode(m[4]!).trim();
      if (!content) continue;
      const style = styleOf(a.style);
      const size = Number.parseFloat(style['font-size'] ?? a['font-size'] ?? '12') || 12;
      const font = /bold|[6-9]00/.test(style['font-weight'] ?? a['font-weight'] ?? '') ? fonts.bold : fonts.regular;
      const text = safe(content, font);
      const tm = parseTransform(a.transform);
      const px = Number(a.x ?? 0);
      let py = Number(a.y ?? 0);
      const baseline = a['dominant-baseline'] ?? '';
      if (baseline === 'central' || baseline === 'middle') py += 0.35 * size;
      else if (baseline === 'hanging' || baseline === 'text-before-edge') py += 0.8 * size;
      const widthPt = font.widthOfTextAtSize(text, size);
      const anchor = a['text-anchor'] ?? 'start';
      const dx = anchor === 'middle' ? -widthPt / 2 : anchor === 'end' ? -widthPt : 0;
      const [ta, tb, tc, td, te, tf] = multiply(tm, [1, 0, 0, 1, px + dx, py]);
      const [x, y] = [base[4] + te, base[5] - tf];
      void tc;
      void td;
      const angle = (-Math.atan2(tb, ta) * 180) / Math.PI;
      page.drawText(text, { x, y, size, font, color: parseColor(a.fill)?.color ?? rgb(0.2, 0.2, 0.2), ...(Math.abs(angle) > 0.01 ? { rotate: degrees(angle) } : {}) });
      texts.push(text);
    }
  }
  return { paths, texts };
}
