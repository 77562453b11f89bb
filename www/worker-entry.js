// The Web Worker's entry (a module worker started by the page's worker client). It loads
// the worker build (worker.js + worker_bg.wasm from `wasm-bindgen --target web`); the
// wasm's `main` installs the message handler, opens the GPU and posts `Ready`.
import init from './worker.js';

init().catch((e) => {
  // Surface a load failure to the page as the worker's error event.
  setTimeout(() => { throw e; });
});
