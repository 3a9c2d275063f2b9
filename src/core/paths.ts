/** Normalises a relative path: '\' to '/', no leading './' or '/', '..' resolved (never above the root). */
export function normalisePath(p: string): string {
  const out: string[] = [];
  for (const part of p.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
