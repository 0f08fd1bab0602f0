/**
 * The Unicode fonts the PDF documents embed (Noto Sans for Latin, Greek and Cyrillic; Noto Sans JP / SC for Japanese
 * and Chinese), read from TTF files once per container and parsed once (upstream fontkit 2), then subset per document
 * by pdf-lib. Not @pdf-lib/fontkit: its subsets draw blank glyphs (pdf-lib #1232).
 *
 * Where the files are: a `fonts/` folder beside the bundle (the CDK bundling copies them there), else the npm
 * packages that ship them (tests and the local stack).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import type { PDFDocument } from 'pdf-lib';
import { FONT_FILES, type FontFace } from './font-files.ts';

export type { FontFace };

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];

function fontPath(face: FontFace): string {
  const { file, from } = FONT_FILES[face];
  const dirs = [join(dirname(fileURLToPath(import.meta.url)), 'fonts')];
  for (const dir of dirs) if (existsSync(join(dir, file))) return join(dir, file);
  try {
    return createRequire(import.meta.url).resolve(from);
  } catch {
    throw new Error(`font ${file} not found (looked in ${dirs.join(', ')} and the ${from.split('/').slice(0, 2).join('/')} package)`);
  }
}

/** A parsed font whose subsets pdf-lib can serialise: pdf-lib reads `encodeStream()`, fontkit 2 has `encode()`. */
type ParsedFont = fontkit.Font;

/**
 * The script an embedded instance of a face is for. Noto Sans draws Latin `E`, Cyrillic `Е` and Greek `Ε` with one
 * glyph, and a PDF's ToUnicode map can name one character per glyph of a font: so each script gets an instance of
 * its own (its own subset and map), and pdftotext, search and copy-paste read back what was written.
 */
export type Script = 'latin' | 'greek' | 'cyrillic';

export function scriptOf(codePoint: number): Script {
  if (codePoint >= 0x0370 && codePoint <= 0x03ff) return 'greek';
  if (codePoint >= 0x0400 && codePoint <= 0x052f) return 'cyrillic';
  return 'latin';
}

const bytes = new Map<FontFace, Uint8Array>();
const views = new Map<string, Uint8Array>();
const scriptOfView = new WeakMap<Uint8Array, Script>();
const parsed = new WeakMap<ArrayBufferLike, ParsedFont>();
const adaptedFonts = new WeakMap<Uint8Array, ParsedFont>();

/** The face's file, read once per container. */
export function fontBytes(face: FontFace): Uint8Array {
  let b = bytes.get(face);
  if (!b) {
    b = new Uint8Array(readFileSync(fontPath(face)));
    bytes.set(face, b);
  }
  return b;
}

/** The bytes to embed the face for one script with (a view of the one file: parsed once whatever the script). */
export function fontBytesFor(face: FontFace, script: Script): Uint8Array {
  const key = `${face}:${script}`;
  let view = views.get(key);
  if (!view) {
    const b = fontBytes(face);
    view = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    views.set(key, view);
    scriptOfView.set(view, script);
  }
  return view;
}

interface LaidOutGlyph {
  readonly id: number;
  readonly codePoints: readonly number[];
}

/**
 * The glyph as the ToUnicode map should name it: the character it was laid out for. fontkit caches a glyph with the
 * code points of its first use (or all the characters that share it), so a glyph shared by `E` and `Е` would read
 * back as whichever came first.
 */
function naming(glyph: LaidOutGlyph, char: number | undefined, script: Script): LaidOutGlyph {
  const own = glyph.codePoints.filter((c) => scriptOf(c) === script);
  const codePoints = char !== undefined ? [char] : own.length > 0 ? own.slice(0, 1) : glyph.codePoints.slice(0, 1);
  if (codePoints.length === glyph.codePoints.length && codePoints.every((c, i) => c === glyph.codePoints[i])) return glyph;
  return new Proxy(glyph, { get: (target, prop, receiver) => (prop === 'codePoints' ? codePoints : Reflect.get(target, prop, receiver)) });
}

function adapted(font: ParsedFont, script: Script): ParsedFont {
  const f = font as ParsedFont & { glyphsForString(text: string): LaidOutGlyph[] };
  return new Proxy(f, {
    get(target, prop, receiver) {
      if (prop === 'layout') {
        return (text: string, features?: unknown) => {
          // pdf-lib reads only the glyphs and their advance widths (it draws no kerning or mark positions), and the
          // scripts o2c prints need no shaping: the font's cmap, not the OpenType layout engine (many times slower).
          void features;
          const glyphs = target.glyphsForString(text);
          const chars = [...text].map((c) => c.codePointAt(0)!);
          const oneToOne = chars.length === glyphs.length;
          return { glyphs: glyphs.map((g, i) => naming(g, oneToOne ? chars[i] : undefined, script)) };
        };
      }
      if (prop !== 'createSubset') return Reflect.get(target, prop, receiver);
      return () => {
        const subset = target.createSubset();
        return Object.assign(subset, {
          cff: false,
          encodeStream() {
            // An event-emitter-shaped stream with the one chunk, as pdf-lib's serializeFont listens.
            const handlers: Record<string, (arg?: unknown) => void> = {};
            const stream = {
              on(event: string, fn: (arg?: unknown) => void) {
                handlers[event] = fn;
                if (handlers.data && handlers.end && handlers.error) {
                  queueMicrotask(() => {
                    try {
                      handlers.data!(subset.encode());
                      handlers.end!();
                    } catch (err) {
                      handlers.error!(err);
                    }
                  });
                }
                return stream;
              },
            };
            return stream;
          },
        });
      };
    },
  }) as ParsedFont;
}

/** The fontkit pdf-lib is given: a font file already parsed in this container is not parsed again. */
export const upstreamFontkit: Fontkit = {
  create(data: Uint8Array) {
    let font = adaptedFonts.get(data);
    if (!font) {
      let base = parsed.get(data.buffer);
      if (!base) {
        base = fontkit.create(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
        parsed.set(data.buffer, base);
      }
      font = adapted(base, scriptOfView.get(data) ?? 'latin');
      adaptedFonts.set(data, font);
    }
    return font as never;
  },
} as Fontkit;

/** Whether the face has a glyph for a character (so a run of text is drawn in the first face that has it). */
export function hasGlyph(face: FontFace, codePoint: number): boolean {
  return (upstreamFontkit.create(fontBytesFor(face, 'latin')) as unknown as { hasGlyphForCodePoint(c: number): boolean }).hasGlyphForCodePoint(codePoint);
}
