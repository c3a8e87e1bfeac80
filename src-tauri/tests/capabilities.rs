//! The web view gets only what the UI uses (issue 14): every permission of every capability
//! file is on the allow-list below, and the content security policy forbids what the UI never
//! does. A permission added to `capabilities/` without adding it here fails this test, so
//! widening what the web view may do is a decision written down twice.

use std::path::Path;

/// Plugin and core permissions the UI uses (`ui/src/api.ts`): `listen` and its `UnlistenFn`
/// (`@tauri-apps/api/event`), `open` and `save` (`@tauri-apps/plugin-dialog`). `invoke` needs
/// no core permission: each command has its own `allow-<command>`.
const ALLOWED_PLUGIN_PERMISSIONS: &[&str] = &[
    "core:event:allow-listen",
    "core:event:allow-unlisten",
    "dialog:allow-open",
    "dialog:allow-save",
];

fn src_tauri() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The app's own commands, from the `COMMANDS` list of `build.rs` (the list Tauri makes the
/// `allow-<command>` permissions from).
fn app_commands() -> Vec<String> {
    let build = std::fs::read_to_string(src_tauri().join("build.rs")).unwrap();
    let start = build
        .find("const COMMANDS")
        .expect("build.rs lists COMMANDS");
    let end = start + build[start..].find("];").unwrap();
    build[start..end]
        .lines()
        .skip(1)
        .filter_map(|l| {
            l.trim()
                .strip_prefix('"')?
                .strip_suffix("\",")
                .map(String::from)
        })
        .collect()
}

#[test]
fn every_capability_grants_only_what_the_ui_uses() {
    let commands = app_commands();
    assert!(commands.len() > 10, "{commands:?}");
    let mut allowed: Vec<String> = ALLOWED_PLUGIN_PERMISSIONS
        .iter()
        .map(|p| p.to_string())
        .collect();
    allowed.extend(
        commands
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-"))),
    );

    let dir = src_tauri().join("capabilities");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let cap: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        files += 1;
        assert_eq!(
            cap["windows"],
            serde_json::json!(["main"]),
            "{}",
            path.display()
        );
        assert!(
            cap.get("remote").is_none(),
            "{}: no remote URL may reach the commands",
            path.display()
        );
        for p in cap["permissions"].as_array().expect("a permissions list") {
            // A permission is a name, or {identifier, allow/deny scopes}.
            let id = p
                .as_str()
                .or_else(|| p["identifier"].as_str())
                .unwrap_or_default();
            assert!(
                allowed.iter().any(|a| a == id),
                "{} grants '{id}', which the UI does not use (allowed: {allowed:?})",
                path.display()
            );
        }
    }
    assert!(files >= 1, "no capability file in {}", dir.display());
}

#[test]
fn the_content_security_policy_forbids_base_forms_and_foreign_sources() {
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(src_tauri().join("tauri.conf.json")).unwrap(),
    )
    .unwrap();
    let csp = conf["app"]["security"]["csp"]
        .as_str()
        .expect("a CSP string");
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for needed in [
        "default-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
    ] {
        assert!(
            directives.contains(&needed),
            "'{needed}' missing from {csp}"
        );
    }
    for banned in ["'unsafe-eval'", "http:", "https:", "*"] {
        assert!(!csp.contains(banned), "{banned} in {csp}");
    }
    assert_eq!(conf["app"]["withGlobalTauri"], false);
}
