//! The URL holds the view: `#<page>?model=<id>&benchmark=<id>`, so a link reproduces it.
//! Parsing never fails: unknown pages fall back to the Overview, unknown keys are ignored.

use brainprobe_models::language::Readout;

/// Top-level pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    /// What brainprobe shows, and the device.
    Overview,
    /// Language models vs fMRI and reading times.
    Language,
    /// Vision models vs IT cortex.
    Vision,
    /// Occlusion robustness vs people.
    Occlusion,
    /// Models × benchmarks.
    Leaderboard,
    /// The datasets.
    Data,
    /// Sources, licences, methods, CLI.
    About,
}

impl Page {
    /// Every page, in navigation order.
    pub const ALL: [Page; 7] = [
        Page::Overview,
        Page::Language,
        Page::Vision,
        Page::Occlusion,
        Page::Leaderboard,
        Page::Data,
        Page::About,
    ];

    /// The page's name in the URL.
    pub fn slug(self) -> &'static str {
        match self {
            Page::Overview => "overview",
            Page::Language => "language",
            Page::Vision => "vision",
            Page::Occlusion => "occlusion",
            Page::Leaderboard => "leaderboard",
            Page::Data => "data",
            Page::About => "about",
        }
    }

    /// The page's title in the navigation.
    pub fn title(self) -> &'static str {
        match self {
            Page::Overview => "Overview",
            Page::Language => "Language",
            Page::Vision => "Vision",
            Page::Occlusion => "Occlusion",
            Page::Leaderboard => "Leaderboard",
            Page::Data => "Data",
            Page::About => "About",
        }
    }
}

/// A view: page plus the model and benchmark it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The page.
    pub page: Page,
    /// Selected model id.
    pub model: Option<String>,
    /// Selected benchmark id.
    pub benchmark: Option<String>,
    /// Language benchmarks: score only the first N sentences / stories (a quick look on
    /// slow devices, the CLI's `--subset N`; the score's notes say it is not the benchmark
    /// number).
    pub subset: Option<usize>,
    /// Language benchmarks: the readout (the CLI's `--readout`); `None` = the model's
    /// default.
    pub readout: Option<Readout>,
}

/// `asked` (a route's model or benchmark) when `offered` lists it, else `default`: a link
/// naming something the page does not offer opens the page's default.
pub fn chosen<'a>(
    asked: Option<&str>,
    mut offered: impl Iterator<Item = &'a str>,
    default: &str,
) -> String {
    asked
        .filter(|a| offered.any(|o| o == *a))
        .unwrap_or(default)
        .to_string()
}

impl Route {
    /// The route of a page with nothing selected.
    pub fn page(page: Page) -> Self {
        Self {
            page,
            model: None,
            benchmark: None,
            subset: None,
            readout: None,
        }
    }

    /// Parses a location hash (`#vision?model=cornet-s-mini`; the `#` is optional).
    pub fn parse(hash: &str) -> Self {
        let hash = hash.trim_start_matches('#').trim_start_matches('/');
        let (slug, query) = hash.split_once('?').unwrap_or((hash, ""));
        let page = Page::ALL
            .into_iter()
            .find(|p| p.slug() == slug)
            .unwrap_or(Page::Overview);
        let mut route = Route::page(page);
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            if value.is_empty() {
                continue;
            }
            match key {
                "model" => route.model = Some(value),
                "benchmark" => route.benchmark = Some(value),
                "subset" => route.subset = value.parse().ok().filter(|&n: &usize| n > 0),
                "readout" => route.readout = value.parse().ok(),
                _ => {}
            }
        }
        route
    }

    /// The location hash of this route (with `#`).
    pub fn to_hash(&self) -> String {
        let mut query: Vec<String> = Vec::new();
        if let Some(m) = &self.model {
            query.push(format!("model={}", encode(m)));
        }
        if let Some(b) = &self.benchmark {
            query.push(format!("benchmark={}", encode(b)));
        }
        if let Some(n) = self.subset {
            query.push(format!("subset={n}"));
        }
        if let Some(r) = self.readout {
            query.push(format!("readout={r}"));
        }
        if query.is_empty() {
            format!("#{}", self.page.slug())
        } else {
            format!("#{}?{}", self.page.slug(), query.join("&"))
        }
    }
}

/// Percent-encodes everything but unreserved characters and `@`.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Reverses [`encode`]; malformed escapes are kept as written.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The route in the address bar (natively: the Overview).
pub fn current() -> Route {
    #[cfg(target_arch = "wasm32")]
    {
        Route::parse(
            &web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default(),
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Route::page(Page::Overview)
    }
}

/// Puts `route` in the address bar (fires `hashchange`, which updates the page).
pub fn navigate(route: &Route) {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&route.to_hash());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = route;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_round_trip_through_the_hash() {
        let r = Route {
            page: Page::Vision,
            model: Some("cornet-s-mini@0.5pct".into()),
            benchmark: Some("kriegeskorte2008-it-rsa".into()),
            subset: None,
            readout: None,
        };
        assert_eq!(
            r.to_hash(),
            "#vision?model=cornet-s-mini@0.5pct&benchmark=kriegeskorte2008-it-rsa"
        );
        assert_eq!(Route::parse(&r.to_hash()), r);
        let odd = Route {
            page: Page::Leaderboard,
            model: Some("a b&c=d/é".into()),
            benchmark: None,
            subset: Some(60),
            readout: Some(Readout::LastWord),
        };
        assert_eq!(Route::parse(&odd.to_hash()), odd);
        assert!(odd.to_hash().ends_with("&readout=last-word"));
        assert_eq!(Route::parse("#language?readout=first").readout, None);
        assert_eq!(Route::parse("#language?subset=0").subset, None);
        assert_eq!(Route::parse("#language?subset=-3").subset, None);
    }

    #[test]
    fn bad_hashes_fall_back_without_panicking() {
        assert_eq!(Route::parse(""), Route::page(Page::Overview));
        assert_eq!(Route::parse("#nope?model"), Route::page(Page::Overview));
        assert_eq!(
            Route::parse("#data?model=%zz").model.as_deref(),
            Some("%zz")
        );
        assert_eq!(Route::parse("#about?x=1&&=").page, Page::About);
    }
}
