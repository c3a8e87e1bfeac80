// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Linux: WebKitGTK's accelerated compositing brings a GL stack (Mesa's LLVM rasteriser
    // when there is no GPU driver) into the web process for nothing: the cockpit's pages are
    // flat documents. Off by default, about 110 MB less resident memory; a user or packager
    // can still set the variable.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    energitech_cockpit::run();
}
