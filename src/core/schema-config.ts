import { z } from 'zod';

/**
 * Zod without its JIT: compiled validators need `new Function`, which the app's
 * Content-Security-Policy forbids (no 'unsafe-eval'); without this, zod probes for eval on first
 * use and the browser reports a CSP violation. Imported first by every browser entry point (the
 * page and each worker).
 */
z.config({ jitless: true });
