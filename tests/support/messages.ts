/** Registers every message bundle (src/app/messages.ts), as the app does at start-up, so tests can call t(). */
import '../../src/app/messages.ts';
