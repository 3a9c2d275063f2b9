/** draco3dgltf ships no types: the parts src/core/gltf-io.ts and the tests use. */
declare module 'draco3dgltf' {
  const draco3d: {
    createDecoderModule(o?: { locateFile?: (file: string) => string; wasmBinary?: ArrayBuffer }): Promise<unknown>;
    createEncoderModule(o?: { locateFile?: (file: string) => string; wasmBinary?: ArrayBuffer }): Promise<unknown>;
  };
  export default draco3d;
}

/** The decoder alone (an Emscripten module factory, CommonJS). */
declare module 'draco3dgltf/draco_decoder_gltf_nodejs.js' {
  const createDecoderModule: (o?: { locateFile?: (file: string) => string; wasmBinary?: ArrayBuffer }) => Promise<unknown>;
  export default createDecoderModule;
}

/** The Draco decoder's WebAssembly as a built asset's URL (Vite `?url`). */
declare module 'draco3dgltf/draco_decoder_gltf.wasm?url' {
  const url: string;
  export default url;
}
