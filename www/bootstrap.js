// The page's entry: loads the page build (app.js + app_bg.wasm from `wasm-bindgen
// --target web`), whose `main` mounts the Yew app. A file rather than an inline script,
// so the Content-Security-Policy (index.html) can forbid inline scripts.
import init from './app.js';

init();
