/** The part of upstream fontkit 2 (no types of its own) the PDF fonts use. */
declare module 'fontkit' {
  export interface Font {
    readonly postscriptName: string;
    readonly unitsPerEm: number;
    hasGlyphForCodePoint(codePoint: number): boolean;
    createSubset(): { encode(): Uint8Array; includeGlyph(glyph: number | { id: number }): number };
  }
  export function create(buffer: Buffer | Uint8Array, postscriptName?: string): Font;
}
