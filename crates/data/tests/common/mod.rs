//! Shared by the native (`prepare.rs`) and browser (`web.rs`) data tests: the counts the
//! data README publishes, which a loaded bundle must reproduce on either target.

use brainprobe_data::{summarize, Bundle, Manifest};

/// The Data page's counts line of dataset `id` in `bundle` (e.g. `627 sentences`).
pub fn counts_line(bundle: &Bundle, id: &str) -> String {
    summarize(&Manifest::project().unwrap(), bundle)
        .unwrap()
        .iter()
        .find(|s| s.dataset.id == id)
        .unwrap_or_else(|| panic!("no dataset `{id}` in the manifest"))
        .counts_line()
}

/// Asserts the published counts of `bundle`'s datasets (summary lines, the IT RDMs' shape
/// and the browser's CIFAR-10 subset).
pub fn assert_published_counts(bundle: &Bundle) {
    let line = |id: &str| counts_line(bundle, id);
    assert_eq!(line("pereira2018_langnet"), "627 sentences");
    assert_eq!(
        line("futrell2018_naturalstories"),
        "10256 words, 10 stories"
    );
    assert_eq!(
        line("fedorenko2010_localizer"),
        "240 sentences, 240 nonword lists"
    );
    assert!(line("kriegeskorte2008_92images").starts_with("92 images, 4×2 human IT RDMs"));
    assert_eq!(line("tang2018_occlusion"), "13000 trials, 21 subjects");
    assert_eq!(bundle.kriegeskorte.human_it.shape(), &[4, 2, 92, 92]);
    assert_eq!(bundle.cifar_subset.len(), 1000);
}
