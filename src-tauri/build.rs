//! Build script: makes sure the UI bundle (`ui/dist`, embedded by `generate_context!`) exists and
//! is newer than its sources — running `npm run build` in `ui/` when it is not, as `tauri build`
//! would through `beforeBuildCommand` — then runs Tauri's build helpers with the app's command
//! list, so every command needs an explicit permission.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The commands of `src/commands.rs`, `src/diagnostics.rs`, `src/import.rs`, `src/modelsets.rs`, `src/workflow.rs`, `src/pack.rs`, `src/background.rs`, `src/notifications.rs` and `src/sync.rs`; each one is allowed in `capabilities/default.json`.
const COMMANDS: &[&str] = &[
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
    "field_document",
    "export_field_document",
    "app_info",
    "app_status",
    "health",
    "diagnostics",
    "run_durations_chart",
    "recent_logs",
    "open_log_folder",
    "export_diagnostics_bundle",
    "mappings",
    "import_files",
    "quarantine",
    "export_quarantine_csv",
    "model_sets",
    "compare_model_sets",
    "choose_candidate",
    "promote_model_set",
    "rollback_model_set",
    "alerts",
    "acknowledge_alert",
    "dismiss_alert",
    "reopen_alert",
    "plan_intervention",
    "start_intervention",
    "close_intervention",
    "cancel_intervention",
    "interventions",
    "turbine_history",
    "workflow_choices",
    "get_author",
    "set_author",
    "pack_info",
    "export_pack",
    "import_pack",
    "open_pack",
    "add_note",
    "background_status",
    "set_background",
    "get_notifications",
    "set_notifications",
    "hub_fleet",
    "sync_status",
    "save_sync_settings",
    "sync_now",
];

/// Newest modification time of `path` (a file, or every file below a folder).
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| newest(&e.path()))
        .max()
}

fn ensure_ui(ui: &Path) {
    let sources: Vec<PathBuf> = [
        "src",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
        "tsconfig.json",
    ]
    .iter()
    .map(|p| ui.join(p))
    .collect();
    for s in &sources {
        println!("cargo:rerun-if-changed={}", s.display());
    }
    let index = ui.join("dist/index.html");
    println!("cargo:rerun-if-changed={}", index.display());
    let built = newest(&index);
    let changed = sources.iter().filter_map(|s| newest(s)).max();
    let fresh = matches!((built, changed), (Some(b), Some(c)) if b >= c);
    if fresh {
        return;
    }
    if !ui.join("node_modules").is_dir() {
        panic!(
            "the user interface is not built ({} is missing or older than ui/src) and ui/node_modules is absent: run `npm --prefix ui ci && npm --prefix ui run build` (or `make setup`)",
            index.display()
        );
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let status = Command::new(npm)
        .args(["run", "build"])
        .current_dir(ui)
        .status()
        .unwrap_or_else(|e| panic!("cannot run `npm run build` in {}: {e}", ui.display()));
    if !status.success() {
        panic!(
            "`npm run build` failed in {} ({status}); fix the UI build and retry",
            ui.display()
        );
    }
}

fn main() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
    ensure_ui(&ui);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run the Tauri build script");
}
