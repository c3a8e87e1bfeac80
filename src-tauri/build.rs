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
    // Every command is listed, so each needs an explicit `allow-<command>` permission in
    // capabilities/default.json: nothing is callable by default.
    let commands = &[
        "fleet",
        "turbine",
        "runs",
        "score_now",
        "get_schedule",
        "set_schedule",
        "risk_chart",
        "signals_chart",
        "fleet_trend_chart",
        "export_worklist_csv",
        "app_info",
        "app_status",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("failed to run the Tauri build script");
}
