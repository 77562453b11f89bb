//! Entry point of the page (built by `cargo xtask build-web`).

fn main() {
    brainprobe_app::start();
}
