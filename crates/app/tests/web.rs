//! Browser tests (headless Chromium, see webdriver.json): the URL state round-trips through
//! the real address bar, plot scales and axes, and plots rendered into the DOM.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use brainprobe_app::plots::layer_curve::{LayerCurve, LayerCurveProps, LayerPoint};
use brainprobe_app::plots::scale::{log_ticks, ticks, Linear, Log};
use brainprobe_app::route::{current, Page, Route};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn route_round_trips_through_the_address_bar() {
    let window = web_sys::window().expect("window");
    let r = Route {
        page: Page::Vision,
        model: Some("cornet-s-mini@2pct".into()),
        benchmark: Some("kriegeskorte2008-monkey-it-rsa".into()),
        subset: Some(60),
        readout: None,
    };
    window.location().set_hash(&r.to_hash()).expect("set hash");
    assert_eq!(current(), r);
    window
        .location()
        .set_hash("#leaderboard")
        .expect("set hash");
    assert_eq!(current(), Route::page(Page::Leaderboard));
    window
        .location()
        .set_hash("#no-such-page?model=%")
        .expect("set hash");
    assert_eq!(current().page, Page::Overview);
}

#[wasm_bindgen_test]
fn scales_and_ticks() {
    let y = Linear {
        domain: (0.0, 1.0),
        range: (200.0, 0.0),
    };
    assert_eq!(y.map(0.25), 150.0);
    assert_eq!(ticks(0.0, 50.0, 5).len(), 6);
    let x = Log {
        domain: (100.0, 1e6),
        range: (0.0, 400.0),
    };
    assert!((x.map(1e4) - 200.0).abs() < 1e-9);
    assert_eq!(log_ticks(100.0, 1e6).len(), 5);
}

#[wasm_bindgen_test]
async fn layer_curve_draws_one_mark_per_layer_and_the_band() {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let host = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    let points = Rc::new(vec![
        LayerPoint {
            layer: "V1".into(),
            value: Some(0.1),
            error: 0.02,
        },
        LayerPoint {
            layer: "V2".into(),
            value: None,
            error: 0.0,
        },
        LayerPoint {
            layer: "IT".into(),
            value: Some(0.3),
            error: 0.05,
        },
    ]);
    let props = LayerCurveProps {
        id: "test-curve".into(),
        y_label: "ρ".into(),
        points,
        band: Some((0.37, 0.67, "ceiling".into())),
        committed: Some("IT".into()),
    };
    yew::Renderer::<LayerCurve>::with_root_and_props(host.clone(), props).render();
    // Let the scheduler render (a 50 ms timer).
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
    let count = |sel: &str| {
        host.query_selector_all(sel)
            .map(|l| l.length())
            .unwrap_or(0)
    };
    assert_eq!(count("#test-curve .mark"), 3);
    assert_eq!(count("#test-curve circle.undefined"), 1);
    assert_eq!(count("#test-curve .mark.committed"), 1);
    assert_eq!(count("#test-curve .band rect"), 1);
}
