/**
 * What the server accepts as a display name (issue 22). Comment texts are stored as typed (see
 * src/core/schemas/consultation.ts); a name, though, stands for a person beside every comment, so
 * it must not be able to pass for someone else:
 *
 * - normalised to Unicode NFC (a name typed with combining accents and the same name typed with
 *   precomposed letters are one name);
 * - no bidirectional controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C: they reorder what
 *   follows them on screen) and no invisible characters (zero-width spaces and joiners outside an
 *   emoji or a word, word joiner, invisible operators, soft hyphen, byte-order mark, fillers, tag
 *   characters);
 * - at least one visible letter, digit, punctuation mark or symbol;
 * - no word that mixes scripts the way look-alikes do (a Cyrillic `А` in `Аdmin`): one word may
 *   use one script, or Latin with Han and Japanese kana, or Han with Hangul;
 * - for residents, no reserved role word (admin, modérateur, officiel, staff…, also when spelt
 *   with accents, capitals, separators or look-alike letters): residents cannot pose as the
 *   city's staff. Moderators' own names, set by an administrator, may use them.
 */

export type NameCheck = { ok: true; value: string } | { ok: false; reason: string };

// Bidirectional formatting characters.
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// Invisible characters, refused anywhere in a name (ZWNJ and ZWJ are judged apart), as code
// point ranges (several are combining marks, which a regular expression class would misread).
const INVISIBLE_RANGES: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad], [0x034f, 0x034f], [0x115f, 0x1160], [0x17b4, 0x17b5], [0x180b, 0x180f], [0x200b, 0x200b],
  [0x2060, 0x2064], [0x206a, 0x206f], [0x3164, 0x3164], [0xfeff, 0xfeff], [0xffa0, 0xffa0], [0x1d173, 0x1d17a], [0xe0000, 0xe007f],
];
const INVISIBLE = {
  test(s: string): boolean {
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (INVISIBLE_RANGES.some(([a, b]) => cp >= a && cp <= b)) return true;
    }
    return false;
  },
};
// Visible: a letter, digit, punctuation or symbol other than the blank ones (Braille blank).
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
const BLANK_LOOKING = /[\u2800\u3164\uFFA0]|\u115F|\u1160/gu;

/** Scripts a word may mix (UTS #39, "highly restrictive"). */
const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Cherokee', 'Hebrew', 'Arabic', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo', 'Thai', 'Devanagari', 'Coptic', 'Tifinagh'] as const;
const SCRIPT_RE = Object.fromEntries(SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')])) as Record<(typeof SCRIPTS)[number], RegExp>;

function scriptOf(ch: string): string | null {
  if (!/\p{L}/u.test(ch) || /[\p{Script=Common}\p{Script=Inherited}]/u.test(ch)) return null;
  for (const s of SCRIPTS) if (SCRIPT_RE[s].test(ch)) return s;
  return 'Other';
}

/** The scripts one word mixes in a way look-alikes do, or null. */
export function mixedScripts(word: string): string[] | null {
  const found = new Set<string>();
  for (const ch of word) {
    const s = scriptOf(ch);
    if (s !== null) found.add(s);
  }
  if (found.size <= 1) return null;
  const list = [...found];
  if (ALLOWED_MIXES.some((mix) => list.every((s) => mix.includes(s)))) return null;
  return list;
}

// Letters of other scripts that look like Latin ones (a subset of Unicode's confusables), for
// the reserved-word check: `Аdmin` (Cyrillic А) reads as `admin`.
const CONFUSABLE: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g', ı: 'i',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w', μ: 'u',
  '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l',
};

/** A name folded for comparison: compatibility forms, no accents, lower case, look-alikes mapped to Latin. */
export function skeleton(name: string): string {
  const base = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  let out = '';
  for (const ch of base) out += CONFUSABLE[ch] ?? ch;
  return out;
}

/** Words that only the city's staff may use in a name (folded: no accents, lower case). */
const RESERVED_PREFIXES = ['admin', 'moderat', 'officiel', 'official', 'webmaster', 'sysadmin'];
const RESERVED_WORDS = ['modo', 'staff', 'root', 'sysop', 'system', 'systeme', 'mairie'];

/** The reserved word a name contains (as a word, or written with separators: `a.d.m.i.n`), or null. */
export function reservedWord(name: string): string | null {
  const folded = skeleton(name);
  const words = folded.split(/[^\p{L}]+/u).filter((w) => w !== '');
  for (const w of words) {
    const hit = RESERVED_PREFIXES.find((p) => w.startsWith(p)) ?? RESERVED_WORDS.find((r) => w === r);
    if (hit !== undefined) return hit;
  }
  // Spelt out with separators between the letters ("A d m i n", "m.o.d.e.r.a.t.o.r").
  const joined = words.filter((w) => [...w].length === 1).join('');
  if (joined.length >= 4) {
    const hit = RESERVED_PREFIXES.find((p) => joined.includes(p)) ?? RESERVED_WORDS.find((r) => r.length >= 4 && joined.includes(r));
    if (hit !== undefined) return hit;
  }
  return null;
}

function joinerMisplaced(name: string): boolean {
  const chars = [...name];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c !== '\u200C' && c !== '\u200D') continue;
    const before = chars[i - 1], after = chars[i + 1];
    if (before === undefined || after === undefined) return true;
    const ok = c === '\u200D' ? /[\p{Extended_Pictographic}\p{L}\p{M}\uFE0F]/u.test(before) && /[\p{Extended_Pictographic}\p{L}]/u.test(after) : /[\p{L}\p{M}]/u.test(before) && /\p{L}/u.test(after);
    if (!ok) return true;
  }
  return false;
}

/**
 * Checks and normalises a display name (already checked for length, control characters and
 * unpaired surrogates by the schema). `resident`: reserved role words are refused too.
 */
export function checkDisplayName(input: string, o: { resident: boolean }): NameCheck {
  const value = input.normalize('NFC').trim();
  if (BIDI.test(value)) return { ok: false, reason: 'contains a bidirectional control character (it would reorder the text on screen)' };
  if (INVISIBLE.test(value) || joinerMisplaced(value)) return { ok: false, reason: 'contains an invisible character (zero-width space, joiner, soft hyphen…)' };
  if (!VISIBLE.test(value.replace(BLANK_LOOKING, ''))) return { ok: false, reason: 'has no visible character' };
  for (const word of value.split(/[\s\p{P}\p{S}\p{N}]+/u)) {
    const mix = mixedScripts(word);
    if (mix !== null) return { ok: false, reason: `the word ${JSON.stringify(word)} mixes ${mix.join(' and ')} letters (look-alike characters)` };
  }
  if (o.resident) {
    const w = reservedWord(value);
    if (w !== null) return { ok: false, reason: `uses a word reserved to the city's staff (${JSON.stringify(w)}): choose another name` };
  }
  return { ok: true, value };
}
