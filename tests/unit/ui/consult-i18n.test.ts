import { describe, expect, it } from 'vitest';
import { CATEGORIES, ROLES } from '../../../src/core/schemas/consultation.ts';
import { catalogs } from '../../../src/ui/i18n/index.ts';

/** Keys the consultation builds from values (`consult.cat.<category>`, …) exist in both languages. */
describe('consultation messages', () => {
  it('name every category, role, tab and moderation state', () => {
    const keys = [
      ...CATEGORIES.map((c) => `consult.cat.${c}`),
      ...ROLES.map((r) => `consult.role.${r}`),
      ...['comments', 'proposals', 'summary', 'moderation'].map((tab) => `consult.tab.${tab}`),
      'consult.mine.pending',
      'consult.mine.published',
      'consult.mine.rejected',
    ];
    for (const k of keys) {
      expect(catalogs.fr, k).toHaveProperty([k]);
      expect(catalogs.en, k).toHaveProperty([k]);
    }
  });
});
