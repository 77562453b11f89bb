//! The page's own look for a WebGPU adapter (`navigator.gpu.requestAdapter()`), so the
//! device line appears at once without loading the worker (which holds the engine and is
//! only started by the first run). The worker's `Ready` later replaces this line with the
//! device it actually opened.

use crate::worker::protocol::DeviceLine;

/// The line for a browser without an adapter.
pub fn no_adapter(reason: &str) -> DeviceLine {
    DeviceLine {
        gpu: false,
        text: "CPU (ndarray)".into(),
        fallback_reason: Some(reason.to_string()),
        software: false,
    }
}

/// Asks the browser for an adapter (natively: none).
pub async fn probe() -> DeviceLine {
    #[cfg(target_arch = "wasm32")]
    {
        web::probe().await
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        no_adapter("not in a browser")
    }
}

#[cfg(target_arch = "wasm32")]
mod web {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::{no_adapter, DeviceLine};
    use crate::worker::protocol::is_software_adapter;

    fn get(v: &JsValue, key: &str) -> JsValue {
        Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn text(v: &JsValue, key: &str) -> String {
        get(v, key).as_string().unwrap_or_default()
    }

    pub async fn probe() -> DeviceLine {
        let navigator = get(&js_sys::global(), "navigator");
        let gpu = get(&navigator, "gpu");
        if gpu.is_undefined() || gpu.is_null() {
            return no_adapter("this browser has no WebGPU (navigator.gpu is missing)");
        }
        let Ok(request) = get(&gpu, "requestAdapter").dyn_into::<Function>() else {
            return no_adapter("navigator.gpu.requestAdapter is missing");
        };
        let adapter = match request.call0(&gpu).map(Promise::from) {
            Ok(p) => JsFuture::from(p).await,
            Err(e) => Err(e),
        };
        let adapter = match adapter {
            Ok(a) if !a.is_null() && !a.is_undefined() => a,
            Ok(_) => return no_adapter("WebGPU found no adapter"),
            Err(e) => return no_adapter(&format!("requestAdapter failed: {e:?}")),
        };
        let info = get(&adapter, "info");
        let fallback = get(&info, "isFallbackAdapter").is_truthy()
            || get(&adapter, "isFallbackAdapter").is_truthy();
        let name = [
            text(&info, "vendor"),
            text(&info, "architecture"),
            text(&info, "description"),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        let name = if name.is_empty() {
            "unnamed adapter".to_string()
        } else {
            name
        };
        let software = fallback || is_software_adapter("", &name);
        DeviceLine {
            gpu: true,
            text: format!(
                "{name}{}",
                if software { " (software-emulated)" } else { "" }
            ),
            fallback_reason: None,
            software,
        }
    }
}
