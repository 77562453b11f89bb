//! A page whose scoring arrives with a later part of the project: says what it will show.

use yew::prelude::*;

/// Properties of [`Placeholder`].
#[derive(Properties, PartialEq)]
pub struct PlaceholderProps {
    /// Page title.
    pub title: AttrValue,
    /// What the page will show.
    pub text: AttrValue,
}

/// A page not yet built: its title and what it is for.
#[function_component(Placeholder)]
pub fn placeholder(props: &PlaceholderProps) -> Html {
    html! {
        <section class="placeholder">
            <h2>{&props.title}</h2>
            <p>{&props.text}</p>
            <p class="muted">{"Not available yet in this build — the Data page shows the human data it will be scored against."}</p>
        </section>
    }
}
