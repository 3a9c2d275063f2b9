import type { Block, Inline } from './markdown.ts';
import { parseMarkdown } from './markdown.ts';

/**
 * Renders the caption Markdown subset (`src/features/tours/markdown.ts`) as DOM nodes. Text goes through
 * text nodes only; links are the parser's checked http(s)/mailto targets, opened in a new tab
 * without a referrer or opener. No HTML from the caption is ever parsed.
 */

function inline(parent: Node, nodes: readonly Inline[]): void {
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        parent.appendChild(document.createTextNode(n.v));
        break;
      case 'br':
        parent.appendChild(document.createElement('br'));
        break;
      case 'code': {
        const el = document.createElement('code');
        el.textContent = n.v;
        parent.appendChild(el);
        break;
      }
      case 'strong':
      case 'em': {
        const el = document.createElement(n.t);
        inline(el, n.c);
        parent.appendChild(el);
        break;
      }
      case 'link': {
        const a = document.createElement('a');
        a.href = n.href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        inline(a, n.c);
        parent.appendChild(a);
        break;
      }
    }
  }
}

function block(b: Block): HTMLElement {
  switch (b.t) {
    case 'p': {
      const p = document.createElement('p');
      inline(p, b.c);
      return p;
    }
    case 'h': {
      const el = document.createElement(b.level === 1 ? 'h3' : b.level === 2 ? 'h4' : 'h5');
      inline(el, b.c);
      return el;
    }
    case 'ul':
    case 'ol': {
      const list = document.createElement(b.t);
      for (const item of b.items) {
        const li = document.createElement('li');
        inline(li, item);
        list.appendChild(li);
      }
      return list;
    }
  }
}

/** The caption as a fragment of DOM nodes. */
export function renderMarkdown(src: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const b of parseMarkdown(src)) frag.appendChild(block(b));
  return frag;
}
