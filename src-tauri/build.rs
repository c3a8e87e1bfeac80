fn main() {
    // The UI is embedded from ../ui/dist (tauri.conf.json `frontendDist`); say how to build it
    // rather than failing inside Tauri's macro with a bare path.
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
    println!("cargo:rerun-if-changed=../ui/dist");
    if !dist.is_file() {
        panic!(
            "the user interface is not built ({} is missing): run `npm --prefix ui ci && npm --prefix ui run build` first",
            dist.display()
        );
    }
    tauri_build::build()
}
