import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, plainText, safeHref, type Block, type Inline } from '../../../src/features/tours/markdown.ts';

describe('caption Markdown subset', () => {
  it('parses paragraphs, headings, lists and inline marks', () => {
    const b = parseMarkdown('## Les tours\n\nTrois **hautes** tours *neuves* :\n- 94 m\n- 85 m\n\n1. un\n2. deux\n\nVoir [le projet](https://example.org/p?a=1) et `D01594`.');
    expect(b).toEqual<Block[]>([
      { t: 'h', level: 2, c: [{ t: 'text', v: 'Les tours' }] },
      { t: 'p', c: [{ t: 'text', v: 'Trois ' }, { t: 'strong', c: [{ t: 'text', v: 'hautes' }] }, { t: 'text', v: ' tours ' }, { t: 'em', c: [{ t: 'text', v: 'neuves' }] }, { t: 'text', v: ' :' }] },
      { t: 'ul', items: [[{ t: 'text', v: '94 m' }], [{ t: 'text', v: '85 m' }]] },
      { t: 'ol', items: [[{ t: 'text', v: 'un' }], [{ t: 'text', v: 'deux' }]] },
      { t: 'p', c: [{ t: 'text', v: 'Voir ' }, { t: 'link', href: 'https://example.org/p?a=1', c: [{ t: 'text', v: 'le projet' }] }, { t: 'text', v: ' et ' }, { t: 'code', v: 'D01594' }, { t: 'text', v: '.' }] },
    ]);
  });
  it('keeps HTML as text and drops unsafe link targets', () => {
    const b = parseMarkdown('<img src=x onerror=alert(1)> [clic](javascript:evil()) [d](data:text/html,x)');
    expect(plainText(b)).toBe('<img src=x onerror=alert(1)> clic) d');
    const links: Inline[] = [];
    const walk = (c: Inline[]) => c.forEach((n) => (n.t === 'link' ? links.push(n) : 'c' in n ? walk(n.c) : undefined));
    for (const x of b) if (x.t === 'p') walk(x.c);
    expect(links).toEqual([]);
    expect(safeHref(' https://a.b/c ')).toBe('https://a.b/c');
    expect(safeHref('JavaScript:alert(1)')).toBeNull();
    expect(safeHref('mailto:x@y.z')).toBe('mailto:x@y.z');
  });
  it('line breaks, escapes and unmatched marks', () => {
    expect(parseInline('a\nb')).toEqual([{ t: 'text', v: 'a' }, { t: 'br' }, { t: 'text', v: 'b' }]);
    expect(parseInline('\\*not\\* 2 * 3 **x')).toEqual([{ t: 'text', v: '*not* 2 * 3 **x' }]);
    expect(parseInline('***a***')).toEqual([{ t: 'strong', c: [{ t: 'em', c: [{ t: 'text', v: 'a' }] }] }]);
  });
  it('is total and keeps every visible character of plain text (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const b = parseMarkdown(s);
        expect(Array.isArray(b)).toBe(true);
        const linkHrefs: string[] = [];
        const walk = (c: Inline[]) => c.forEach((n) => (n.t === 'link' ? (linkHrefs.push(n.href), walk(n.c)) : 'c' in n ? walk(n.c) : undefined));
        for (const x of b) (x.t === 'ul' || x.t === 'ol' ? x.items : [x.c]).forEach(walk);
        for (const h of linkHrefs) expect(safeHref(h)).toBe(h);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9 ,]{0,80}$/), (s) => {
        expect(plainText(parseMarkdown(s)).replace(/\s+/g, ' ').trim()).toBe(s.replace(/\s+/g, ' ').trim());
      }),
    );
  });
  it('deep nesting is bounded', () => {
    const s = '**'.repeat(200) + 'x' + '**'.repeat(200);
    expect(() => parseMarkdown(s)).not.toThrow();
    expect(() => parseMarkdown('['.repeat(5000) + ']('.repeat(5000))).not.toThrow();
  });
});
