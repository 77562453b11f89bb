//! The `<option>`s of a page's model or benchmark `<select>`, so every page lists its
//! registry rows the same way.

use yew::prelude::*;

/// One `<option>` per `(value, label)` in `items`, the one whose value is `selected` selected.
pub fn select_options<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
    selected: &str,
) -> Html {
    items
        .into_iter()
        .map(|(value, label)| html! { <option value={value.to_string()} selected={value == selected}>{label}</option> })
        .collect()
}
