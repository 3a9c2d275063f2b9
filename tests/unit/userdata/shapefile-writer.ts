/**
 * A minimal ESRI shapefile writer for tests (points, polylines, polygons; .shp, .dbf with
 * character and numeric fields), independent of the reader it checks: offsets and byte orders
 * follow the ESRI whitepaper (1998).
 */
export type TestShape = { type: 1; x: number; y: number } | { type: 3 | 5; parts: [number, number][][] };

export function writeShp(shapes: readonly TestShape[]): Uint8Array {
  const contents = shapes.map((s) => {
    if (s.type === 1) {
      const b = new DataView(new ArrayBuffer(20));
      b.setInt32(0, 1, true);
      b.setFloat64(4, s.x, true);
      b.setFloat64(12, s.y, true);
      return new Uint8Array(b.buffer);
    }
    const pts = s.parts.flat();
    const b = new DataView(new ArrayBuffer(44 + 4 * s.parts.length + 16 * pts.length));
    b.setInt32(0, s.type, true);
    const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
    b.setFloat64(4, Math.min(...xs), true);
    b.setFloat64(12, Math.min(...ys), true);
    b.setFloat64(20, Math.max(...xs), true);
    b.setFloat64(28, Math.max(...ys), true);
    b.setInt32(36, s.parts.length, true);
    b.setInt32(40, pts.length, true);
    let start = 0;
    s.parts.forEach((p, i) => {
      b.setInt32(44 + 4 * i, start, true);
      start += p.length;
    });
    const at = 44 + 4 * s.parts.length;
    pts.forEach((p, i) => {
      b.setFloat64(at + 16 * i, p[0], true);
      b.setFloat64(at + 16 * i + 8, p[1], true);
    });
    return new Uint8Array(b.buffer);
  });
  const total = 100 + contents.reduce((n, c) => n + 8 + c.length, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, 9994, false);
  dv.setInt32(24, total / 2, false);
  dv.setInt32(28, 1000, true);
  dv.setInt32(32, shapes[0]?.type ?? 0, true);
  let p = 100;
  contents.forEach((c, i) => {
    dv.setInt32(p, i + 1, false);
    dv.setInt32(p + 4, c.length / 2, false);
    out.set(c, p + 8);
    p += 8 + c.length;
  });
  return out;
}

export function writeDbf(fields: readonly { name: string; type: 'C' | 'N'; len: number }[], rows: readonly (string | number)[][]): Uint8Array {
  const headerLen = 32 + 32 * fields.length + 1;
  const recLen = 1 + fields.reduce((n, f) => n + f.len, 0);
  const out = new Uint8Array(headerLen + recLen * rows.length + 1);
  const dv = new DataView(out.buffer);
  out[0] = 3;
  dv.setUint32(4, rows.length, true);
  dv.setUint16(8, headerLen, true);
  dv.setUint16(10, recLen, true);
  const enc = new TextEncoder();
  fields.forEach((f, i) => {
    out.set(enc.encode(f.name).slice(0, 10), 32 + 32 * i);
    out[32 + 32 * i + 11] = f.type.charCodeAt(0);
    out[32 + 32 * i + 16] = f.len;
  });
  out[headerLen - 1] = 0x0d;
  rows.forEach((r, k) => {
    let p = headerLen + k * recLen;
    out[p++] = 0x20;
    fields.forEach((f, i) => {
      const s = String(r[i] ?? '');
      const bytes = enc.encode(f.type === 'N' ? s.padStart(f.len) : s.padEnd(f.len)).slice(0, f.len);
      out.fill(0x20, p, p + f.len);
      out.set(bytes, p);
      p += f.len;
    });
  });
  out[out.length - 1] = 0x1a;
  return out;
}
