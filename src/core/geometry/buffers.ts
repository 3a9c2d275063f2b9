/**
 * Growable typed arrays: amortised O(1) appends without the per-element cost of JS arrays.
 */

type TypedArrayCtor<T> = { new (length: number): T };

class Growable<T extends Float32Array | Uint32Array> {
  data: T;
  length = 0;
  constructor(
    private readonly ctor: TypedArrayCtor<T>,
    initialCapacity = 1024,
  ) {
    this.data = new ctor(Math.max(16, initialCapacity));
  }
  /** Makes room for `n` more elements. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < need) cap *= 2;
    const next = new this.ctor(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push(v: number): void {
    this.reserve(1);
    this.data[this.length++] = v;
  }
  push3(a: number, b: number, c: number): void {
    this.reserve(3);
    const d = this.data;
    const i = this.length;
    d[i] = a;
    d[i + 1] = b;
    d[i + 2] = c;
    this.length = i + 3;
  }
  /** A copy trimmed to the used length. */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** Growable Float32Array. */
export class GrowableF32 extends Growable<Float32Array> {
  constructor(initialCapacity?: number) {
    super(Float32Array, initialCapacity);
  }
}

/** Growable Uint32Array. */
export class GrowableU32 extends Growable<Uint32Array> {
  constructor(initialCapacity?: number) {
    super(Uint32Array, initialCapacity);
  }
}
