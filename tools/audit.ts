import { spawnSync } from 'node:child_process';

/**
 * `npx tsx tools/audit.ts`: `npm audit --omit=dev` (what users install), failing on any high or
 * critical advisory. When the registry's advisory endpoint cannot be reached (a closed network:
 * the npm registry mirror answers packages but not audits), it says so loudly and exits 0 with
 * "not audited" — an audit that did not run is reported, never counted as a pass. Set
 * JUMEAU_AUDIT_REQUIRED=1 to fail in that case too.
 */
const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', shell: process.platform === 'win32' });
interface AuditReport {
  message?: string;
  vulnerabilities?: Record<string, { severity: string; via: unknown[] }>;
  metadata?: { vulnerabilities?: Record<string, number> };
  error?: { summary?: string };
}
function readReport(text: string): AuditReport | null {
  try {
    return JSON.parse(text) as AuditReport;
  } catch {
    return null;
  }
}
const report = readReport(r.stdout);
if (report === null || report.metadata?.vulnerabilities === undefined) {
  const why = report?.message ?? report?.error?.summary ?? (r.stderr.trim().split('\n').find((l) => l.includes('error')) || 'no readable answer');
  console.warn(`npm audit: NOT AUDITED — the advisory endpoint could not be reached (${why}).`);
  process.exit(process.env.JUMEAU_AUDIT_REQUIRED === '1' ? 1 : 0);
}
const counts = report.metadata.vulnerabilities;
console.log(`npm audit --omit=dev: ${JSON.stringify(counts)}`);
const bad = Object.entries(report.vulnerabilities ?? {}).filter(([, v]) => v.severity === 'high' || v.severity === 'critical');
for (const [name, v] of bad) console.error(`  ${v.severity}: ${name}`);
process.exit(bad.length > 0 ? 1 : 0);
