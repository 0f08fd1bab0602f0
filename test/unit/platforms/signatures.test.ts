/** Webhook HMACs: known answers, constant-time comparison, rotation, and tamper detection. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256, hmacSha256Base64, safeEqual, verifyBase64Hmac } from '../../../functions/platforms/signatures.ts';
import { clip } from '../../../functions/platforms/types.ts';

const fox = 'The quick brown fox jumps over the lazy dog';

describe('HMAC-SHA256', () => {
  it('matches the published test vector (key "key", the quick brown fox), in hex and base64', () => {
    expect(hmacSha256('key', fox, 'hex')).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(hmacSha256Base64('key', fox)).toBe('97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=');
    // A Buffer body and its UTF-8 string sign the same.
    expect(hmacSha256Base64('key', Buffer.from('café ✓'))).toBe(hmacSha256Base64('key', 'café ✓'));
  });
});

describe('safeEqual', () => {
  it('is true only for identical strings, and false (not a throw) for different lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
    expect(safeEqual('é', 'e')).toBe(false);
  });
});

describe('verifyBase64Hmac', () => {
  const signature = hmacSha256Base64('current', fox);

  it('accepts the right signature (surrounding whitespace ignored) and refuses a wrong, missing or empty one', () => {
    expect(verifyBase64Hmac(fox, signature, ['current'])).toBe(true);
    expect(verifyBase64Hmac(fox, ` ${signature}\n`, ['current'])).toBe(true);
    expect(verifyBase64Hmac(fox, hmacSha256Base64('other', fox), ['current'])).toBe(false);
    expect(verifyBase64Hmac(fox, undefined, ['current'])).toBe(false);
    expect(verifyBase64Hmac(fox, '', ['current'])).toBe(false);
    expect(verifyBase64Hmac(fox, signature.slice(0, -1), ['current'])).toBe(false);
    // The hex form of the right HMAC is not the base64 form.
    expect(verifyBase64Hmac(fox, hmacSha256('current', fox, 'hex'), ['current'])).toBe(false);
  });

  it('accepts either secret during a rotation, in any order; no secret accepts nothing', () => {
    const old = hmacSha256Base64('old', fox);
    expect(verifyBase64Hmac(fox, old, ['current', 'old'])).toBe(true);
    expect(verifyBase64Hmac(fox, signature, ['old', 'current'])).toBe(true);
    expect(verifyBase64Hmac(fox, old, ['current'])).toBe(false);
    expect(verifyBase64Hmac(fox, signature, [])).toBe(false);
  });

  it('never treats an empty secret as configured (a body signed with "" is refused)', () => {
    expect(verifyBase64Hmac(fox, hmacSha256Base64('', fox), [''])).toBe(false);
    expect(verifyBase64Hmac(fox, hmacSha256Base64('', fox), ['', 'current'])).toBe(false);
  });

  it('property: changing any one byte of a signed body fails verification; the untouched body passes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, delta) => {
        const body = Buffer.from(bytes);
        const sig = hmacSha256Base64('current', body);
        expect(verifyBase64Hmac(body, sig, ['old', 'current'])).toBe(true);
        const tampered = Buffer.from(body);
        const i = at % tampered.length;
        tampered[i] = (tampered[i]! + delta) % 256;
        expect(verifyBase64Hmac(tampered, sig, ['old', 'current'])).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('clip', () => {
  it('cuts display text without splitting a surrogate pair', () => {
    expect(clip('abcdef', 3)).toBe('abc');
    expect(clip('ab', 3)).toBe('ab');
    // '😀' is two UTF-16 units: cutting at 3 would leave half of it.
    expect(clip('ab😀c', 3)).toBe('ab');
    expect(clip('ab😀c', 4)).toBe('ab😀');
  });
});
