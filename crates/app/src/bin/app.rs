//! Entry point of the web app (built by `cargo xtask build-web`).

fn main() {
    brainprobe_app::start();
}
