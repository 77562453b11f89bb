//! Entry point of the web app (built by Trunk).

fn main() {
    brainprobe_app::start();
}
