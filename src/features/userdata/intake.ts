import type { AppContext } from '../../app/context.ts';
import { USER_LIMITS } from '../../layers/userdata-types.ts';
import { formatNumber } from '../../ui/i18n/index.ts';
import type { UserItems } from './controller.ts';
import { checkedUrl, fileLimit, guessFileFormat, messageKeyOf, tooBigReason, urlItem, type StoredItem, type UrlKind, type UserItem } from './item.ts';
import { groupLocalFiles } from './local-files.ts';
import { gltfToGlb, localSourceBytes, MAX_KEPT_TILES_BYTES } from './tiles.ts';

/**
 * How items come into My data: files dropped or picked (loose, a folder of tiles, a `.3tz`
 * archive, a `.gltf` with its resources) and URLs pasted or given by a link. Each is checked
 * against the limits (the controller's `canAdd`, `fileLimit`) and named in a message when refused.
 */

/** Megabytes written in the user's language. */
export const mb = (n: number): string => formatNumber(n, 0);

/** The address to read, absolute against the page's; throws why it is refused. */
export const pageUrl = (raw: string): string => checkedUrl(raw, window.location);

/** Adds files and URLs to `items` (`load`: loads an item, resolved when it is ready or failed). */
export function createIntake<T extends UserItem>(ctx: AppContext, items: UserItems<T>, load: (item: T) => Promise<void>) {
  const say = (name: string, reason: string) => ctx.say('warning', 'userdata.msg.failed', { name, reason }, messageKeyOf(name));

  /** Files dropped or picked together, loose or a folder (`path` relative to what was dropped). */
  async function addFiles(files: File[], paths: string[] = files.map((f) => f.name)): Promise<void> {
    ctx.setPanelOpen('data', true);
    await items.during(async () => {
      const g = groupLocalFiles(paths);
      for (const i of g.archives) addLocalTileset(files[i]!.name, { kind: 'archive', blob: files[i]! });
      if (g.tileset !== null) {
        const t = g.tileset;
        addLocalTileset(t.name, { kind: 'folder', files: t.files.map((i) => ({ path: paths[i]!, blob: files[i]! })), root: t.root });
      }
      for (const m of g.gltf) {
        if (!items.canAdd()) break;
        const gltf = files[m.index]!;
        try {
          const bytes = await gltfToGlb(gltf, m.resources.map((r) => ({ path: r.path, file: files[r.index]! })), USER_LIMITS.maxModelBytes);
          items.addAndLoad({ name: gltf.name, format: 'glb', source: { kind: 'file', bytes } }, true);
        } catch (e) {
          say(gltf.name, (e as { reason?: string }).reason ?? (e instanceof Error ? e.message : String(e)));
        }
      }
      await addEachFile(g.rest.map((i) => files[i]!));
    });
  }

  /** A .3tz archive or a folder of tiles: kept in IndexedDB up to MAX_KEPT_TILES_BYTES. */
  function addLocalTileset(name: string, source: StoredItem['source'] & { kind: 'archive' | 'folder' }): void {
    if (!items.canAdd()) return;
    const bytes = localSourceBytes(source);
    const keep = bytes <= MAX_KEPT_TILES_BYTES;
    if (!keep) ctx.say('info', 'userdata.msg.notKept', { name, size: formatNumber(bytes / 1048576, 0) }, `userdata:notKept:${name}`);
    items.addAndLoad({ name, format: 'tileset', source }, keep);
  }

  async function addEachFile(files: File[]): Promise<void> {
    for (const file of files) {
      if (!items.canAdd()) return;
      const limit = fileLimit(file.name);
      if (file.size > limit) {
        say(file.name, tooBigReason(file.size, limit, mb));
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await file.arrayBuffer());
      } catch (e) {
        say(file.name, `cannot be read (${e instanceof Error ? e.message : String(e)})`);
        continue;
      }
      items.addAndLoad({ name: file.name, format: guessFileFormat(file.name), source: { kind: 'file', bytes } }, true);
    }
  }

  /** A URL pasted (kept in IndexedDB) or given by a link (`persistent` false: the link brings it back). */
  async function addUrl(raw: string, kind: UrlKind, persistent: boolean): Promise<void> {
    ctx.setPanelOpen('data', true);
    if (!items.canAdd()) return;
    let url: string;
    try {
      url = pageUrl(raw);
    } catch (e) {
      say(raw.slice(0, 120), `not a valid URL (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    const s = items.add({ ...urlItem(url, kind), source: { kind: 'url', url } }, persistent);
    items.save(s);
    await load(s);
  }

  return { addFiles, addUrl };
}
