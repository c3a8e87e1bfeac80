//! The commands the UI invokes.

#[derive(serde::Serialize)]
pub struct AppInfo {
    pub version: String,
}

#[tauri::command]
pub fn app_info() -> AppInfo {
    AppInfo { version: env!("CARGO_PKG_VERSION").into() }
}
