import { bundle, type KeysOf } from '../core/messages.ts';
import { registerMessages } from '../ui/i18n/index.ts';
import { en } from '../ui/i18n/en.ts';
import { fr } from '../ui/i18n/fr.ts';
import { FEATURES } from './features.ts';

/**
 * The message catalogue: the shell's own texts (ui/i18n/fr.ts, en.ts) and every feature's
 * bundle, from the feature list. Importing this module registers them with the i18n runtime;
 * the keys become the `MessageKey` type by declaration merging below, so `t()` stays typed.
 */
export const BUNDLES = [bundle(fr, en), ...FEATURES.flatMap((f) => ('messages' in f ? [f.messages] : []))] as const;

type FeatureBundles = Extract<(typeof FEATURES)[number], { messages: unknown }>['messages'];
type AllKeys = KeysOf<ReturnType<typeof bundle<typeof fr>>> | KeysOf<FeatureBundles>;

declare module '../ui/i18n/index.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface MessageCatalog extends Record<AllKeys, true> {}
}

registerMessages(BUNDLES);
