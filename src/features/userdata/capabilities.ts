import { SaxesParser } from 'saxes';
import { decodeUtf8 } from '../../layers/parse/geojson.ts';
import { LayerParseError } from '../../layers/types.ts';
import { USER_LIMITS } from '../../layers/userdata-types.ts';

/**
 * OGC WMS GetCapabilities (1.1.1 and 1.3.0): the named layers a user can choose from, with their
 * titles. A service exception or another document is an error naming the service. Pure.
 */

export interface WmsLayerInfo {
  name: string;
  title: string;
}

/** The GetCapabilities URL of a WMS endpoint (keeps its own parameters, e.g. MAP=). */
export function wmsCapabilitiesUrl(url: string): string {
  const [base, query = ''] = url.split('?') as [string, string?];
  const kept = query.split('&').filter((p) => p !== '' && !/^(service|request|version)=/i.test(p));
  return `${base}?${[...kept, 'SERVICE=WMS', 'REQUEST=GetCapabilities'].join('&')}`;
}

export function readWmsCapabilities(bytes: Uint8Array, where: string, maxLayers = 2000): WmsLayerInfo[] {
  const parser = new SaxesParser();
  const stack: string[] = [];
  const layers: WmsLayerInfo[] = [];
  const open: { name: string; title: string }[] = [];
  let text = '';
  let root: string | null = null;
  let exception = '';
  parser.on('opentag', (tag) => {
    const name = tag.name.slice(tag.name.indexOf(':') + 1);
    if (root === null) root = name;
    if (stack.length >= USER_LIMITS.maxXmlDepth) throw new LayerParseError(where, `XML nested deeper than ${USER_LIMITS.maxXmlDepth}`);
    stack.push(name);
    text = '';
    if (name === 'Layer') open.push({ name: '', title: '' });
  });
  parser.on('text', (t) => {
    if (text.length < 10_000) text += t;
  });
  parser.on('closetag', () => {
    const name = stack.pop();
    const parent = stack[stack.length - 1];
    const cur = open[open.length - 1];
    if (parent === 'Layer' && cur !== undefined && name === 'Name') cur.name = text.trim();
    else if (parent === 'Layer' && cur !== undefined && name === 'Title') cur.title = text.trim();
    else if (name === 'ServiceException') exception = text.trim();
    else if (name === 'Layer') {
      const l = open.pop();
      if (l !== undefined && l.name !== '' && layers.length < maxLayers) layers.push(l);
    }
  });
  try {
    parser.write(decodeUtf8(bytes)).close();
  } catch (e) {
    if (e instanceof LayerParseError) throw e;
    throw new LayerParseError(where, `malformed capabilities XML (${(e instanceof Error ? e.message : String(e)).slice(0, 160)})`);
  }
  if (exception !== '') throw new LayerParseError(where, `service exception: ${exception.slice(0, 200)}`);
  if (root !== 'WMS_Capabilities' && root !== 'WMT_MS_Capabilities') throw new LayerParseError(where, `not WMS capabilities (root element ${root ?? 'none'})`);
  if (layers.length === 0) throw new LayerParseError(where, 'the service lists no named layer');
  return layers;
}
