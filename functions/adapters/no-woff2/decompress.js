// In place of `brotli/decompress.js` in the bundles (lib/constructs/bundling.ts `alias`): fontkit decodes WOFF2 with
// brotli (475 KB minified); o2c embeds TTF files only, so a WOFF2 font is refused instead.
export default function decompress() {
  throw new Error('WOFF2 fonts are not supported here: ship TTF');
}
