/*
 * A pthread worker for tfjs-backend-wasm's threaded build under Node
 * (src/runtime/wasm-threads.ts starts it). tfjs hands Emscripten its worker
 * as a Blob URL and the main script as a Blob, which Node's worker_threads
 * cannot load; this file runs the package's own worker script from disk and
 * loads the package's own threaded glue file where the Blob was meant.
 * Nothing in node_modules is changed.
 */
'use strict';
const path = require('node:path');

const dir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
const workerFile = path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
// The worker script (shipped as a string export) expects a script-global require and __filename.
Object.assign(globalThis, { require, __filename: workerFile });
// As tfjs does before making its Blob: the template string turned the script's "\n" escapes into newlines.
(0, eval)(require(workerFile).wasmWorkerContents.replace(/\n/g, '\\n'));
const load = globalThis.importScripts;
globalThis.importScripts = (file) => load(String(file).startsWith('blob:') ? path.join(dir, 'tfjs-backend-wasm-threaded-simd.js') : file);
