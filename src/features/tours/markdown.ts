/**
 * The caption language of tours: a small Markdown subset parsed into a tree of plain data, which
 * `src/features/tours/markdown-view.ts` turns into DOM nodes (text through text nodes; no HTML is ever parsed).
 *
 * Blocks: paragraphs (separated by blank lines; a single newline is a line break), `#`/`##`/`###`
 * headings, `- ` or `* ` bullet lists, `1. ` numbered lists. Inline: `**bold**`, `*italic*` or
 * `_italic_`, `` `code` ``, `[text](https://…)` links (http, https and mailto only; any other
 * target keeps its text and drops the link), `\` escapes. Everything else is text, shown as typed.
 * The parser is total: any string gives a tree.
 */

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'strong'; c: Inline[] }
  | { t: 'em'; c: Inline[] }
  | { t: 'code'; v: string }
  | { t: 'link'; href: string; c: Inline[] }
  | { t: 'br' };

export type Block =
  | { t: 'p'; c: Inline[] }
  | { t: 'h'; level: 1 | 2 | 3; c: Inline[] }
  | { t: 'ul'; items: Inline[][] }
  | { t: 'ol'; items: Inline[][] };

const MAX_DEPTH = 4;
const SAFE_URL = /^(https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+)$/i;

/** Whether a link target may be followed (http, https, mailto; nothing that runs code). */
export function safeHref(url: string): string | null {
  const u = url.trim();
  return SAFE_URL.test(u) ? u : null;
}

function pushText(out: Inline[], v: string): void {
  if (v === '') return;
  const last = out[out.length - 1];
  if (last !== undefined && last.t === 'text') last.v += v;
  else out.push({ t: 'text', v });
}

/** Index of the closing delimiter `d` at or after `from` (not escaped), or −1. */
function findClose(s: string, d: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') {
      i++;
      continue;
    }
    if (s.startsWith(d, i)) {
      // `*` must not be part of `**` when looking for a single `*`.
      if (d.length === 1 && s[i + 1] === d) {
        i++;
        continue;
      }
      // `***a***`: the closing `**` is the last pair of the run.
      if (d.length === 2) while (s[i + 2] === d[0]) i++;
      return i;
    }
  }
  return -1;
}

/** Parses inline markup of one line or paragraph (newlines become line breaks). */
export function parseInline(s: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      pushText(out, s[i + 1]!);
      i += 2;
      continue;
    }
    if (ch === '\n') {
      out.push({ t: 'br' });
      i++;
      continue;
    }
    if (ch === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i + 1) {
        out.push({ t: 'code', v: s.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (depth < MAX_DEPTH && s.startsWith('**', i)) {
      const end = findClose(s, '**', i + 2);
      if (end > i + 2) {
        out.push({ t: 'strong', c: parseInline(s.slice(i + 2, end), depth + 1) });
        i = end + 2;
        continue;
      }
    }
    if (depth < MAX_DEPTH && (ch === '*' || ch === '_') && s[i + 1] !== ch && s[i + 1] !== ' ' && s[i + 1] !== undefined) {
      const end = findClose(s, ch, i + 1);
      if (end > i + 1) {
        out.push({ t: 'em', c: parseInline(s.slice(i + 1, end), depth + 1) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[' && depth < MAX_DEPTH) {
      const close = findClose(s, ']', i + 1);
      if (close > i && s[close + 1] === '(') {
        const end = s.indexOf(')', close + 2);
        if (end > close) {
          const label = parseInline(s.slice(i + 1, close), depth + 1);
          const href = safeHref(s.slice(close + 2, end));
          if (href !== null) out.push({ t: 'link', href, c: label });
          else for (const n of label) out.push(n);
          i = end + 1;
          continue;
        }
      }
    }
    pushText(out, ch);
    i++;
  }
  return out;
}

const BULLET = /^\s{0,3}[-*]\s+(.*)$/;
const NUMBERED = /^\s{0,3}\d{1,3}[.)]\s+(.*)$/;
const HEADING = /^\s{0,3}(#{1,3})\s+(.*)$/;

/** Parses a caption into blocks. */
export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length > 0) blocks.push({ t: 'p', c: parseInline(para.join('\n')) });
    para = [];
  };
  for (const line of lines) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    const hm = HEADING.exec(line);
    if (hm !== null) {
      flush();
      blocks.push({ t: 'h', level: hm[1]!.length as 1 | 2 | 3, c: parseInline(hm[2]!.trim()) });
      continue;
    }
    const bm = BULLET.exec(line), nm = bm === null ? NUMBERED.exec(line) : null;
    if (bm !== null || nm !== null) {
      flush();
      const kind = bm !== null ? 'ul' : 'ol';
      const item = parseInline((bm ?? nm)![1]!.trim());
      const last = blocks[blocks.length - 1];
      if (last !== undefined && last.t === kind) last.items.push(item);
      else blocks.push(kind === 'ul' ? { t: 'ul', items: [item] } : { t: 'ol', items: [item] });
      continue;
    }
    para.push(line.trim());
  }
  flush();
  return blocks;
}

/** The caption as plain text (for titles, aria labels and tests). */
export function plainText(blocks: readonly Block[]): string {
  const inl = (c: readonly Inline[]): string => c.map((n) => (n.t === 'text' || n.t === 'code' ? n.v : n.t === 'br' ? '\n' : inl(n.c))).join('');
  return blocks.map((b) => (b.t === 'ul' || b.t === 'ol' ? b.items.map(inl).join('\n') : inl(b.c))).join('\n\n');
}
