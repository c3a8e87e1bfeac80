//! EnergiTech Cockpit desktop shell: a Tauri 2 window over `cockpit-core`.

pub mod commands;

/// Starts the desktop app.
pub fn run() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!())
        .expect("error while running EnergiTech Cockpit");
}
