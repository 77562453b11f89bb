// The page's entry: loads the page build (app.js + app_bg.wasm from `wasm-bindgen
// --target web`), whose `main` mounts the Yew app. A file rather than an inline script,
// so the Content-Security-Policy (index.html) can forbid inline scripts.
import init from './app.js';

init();

// Offline second visits: sw.js keeps the app shell of this build (see www/sw.js). Not on
// file:// or where the browser has no service workers; a failure only costs offline use.
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  navigator.serviceWorker.register('sw.js').catch((e) => console.warn('service worker:', e));
}
