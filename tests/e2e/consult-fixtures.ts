/**
 * The end-to-end administrator of the consultation API. playwright.config.ts gives it to the
 * server, which creates it in a fresh in-memory PGlite database (it exists nowhere else).
 */
export const E2E_ADMIN = { email: 'e2e-admin@example.org', password: 'e2e only, in-memory database' };
