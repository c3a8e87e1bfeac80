//! Where things are: the models folder, the risk policy and the user's configuration folder,
//! resolved the same way by the CLI and the desktop app (explicit option, then environment
//! variable, then the installed bundle, then the source tree for developers).

use std::path::{Path, PathBuf};

use crate::risk::{RiskError, RiskPolicy};

/// Environment variable naming the models folder.
pub const MODELS_ENV: &str = "COCKPIT_MODELS";
/// Environment variable naming a risk policy file.
pub const POLICY_ENV: &str = "COCKPIT_POLICY";
/// Name of the cockpit's folder in the OS configuration and data directories.
pub const APP_DIR_NAME: &str = crate::store::APP_DIR_NAME;
/// File name of the model manifest in a models folder (how a models folder is recognised).
pub const MANIFEST_FILE: &str = "manifest.json";
/// File name of a user risk policy in the configuration folder.
pub const POLICY_FILE: &str = "risk-policy.toml";

/// The user's configuration folder (`$XDG_CONFIG_HOME/energitech-cockpit` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join(APP_DIR_NAME))
}

/// Places an installed cockpit keeps its models, relative to the running executable.
fn bundle_candidates() -> Vec<PathBuf> {
    std::env::current_exe()
        .map(|exe| installed_model_dirs(&exe))
        .unwrap_or_default()
}

/// Where each installed layout puts the models, for an executable at `exe`:
///
/// - `<exe dir>/models`: Windows installers (resources beside the .exe), unpacked archives;
/// - `<exe dir>/../lib/energitech-cockpit/models`: the Linux packages (.deb, .rpm, AppImage),
///   with the binaries in `/usr/bin`;
/// - `<exe dir>/../share/energitech-cockpit/models`: a `/usr/local`-style install;
/// - `<exe dir>/../Resources/models`: the macOS app bundle (`Contents/MacOS/` beside
///   `Contents/Resources/`).
fn installed_model_dirs(exe: &Path) -> Vec<PathBuf> {
    let Some(dir) = exe.parent() else {
        return Vec::new();
    };
    vec![
        dir.join("models"),
        dir.join("../lib/energitech-cockpit/models"),
        dir.join("../share/energitech-cockpit/models"),
        dir.join("../Resources/models"),
    ]
}

/// The models folder: `explicit`, else `COCKPIT_MODELS`, else the installed bundle, else the
/// source tree's `models/`, written in full (no `..`). An explicit or environment path is
/// returned as given, even if absent, so the error names the folder the user asked for.
pub fn models_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os(MODELS_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    let found = bundle_candidates()
        .into_iter()
        .find(|p| p.join(MANIFEST_FILE).is_file())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"));
    // `/usr/lib/energitech-cockpit/models`, not `/usr/bin/../lib/...`, in messages.
    found.canonicalize().unwrap_or(found)
}

/// Where the risk policy in force comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum PolicySource {
    /// Given on the command line.
    Explicit(PathBuf),
    /// From `COCKPIT_POLICY`.
    Environment(PathBuf),
    /// The user's configuration folder.
    UserConfig(PathBuf),
    /// The policy built into the cockpit.
    Default,
}

/// Loads the risk policy: `explicit`, else `COCKPIT_POLICY`, else `risk-policy.toml` in the
/// configuration folder, else the built-in default. A named file that is missing or invalid is
/// an error (a configuration that cannot be loaded is never silently replaced).
pub fn load_policy(explicit: Option<&Path>) -> Result<(RiskPolicy, PolicySource), RiskError> {
    if let Some(p) = explicit {
        return Ok((
            RiskPolicy::load(p)?,
            PolicySource::Explicit(p.to_path_buf()),
        ));
    }
    if let Some(p) = std::env::var_os(POLICY_ENV).filter(|v| !v.is_empty()) {
        let p = PathBuf::from(p);
        return Ok((RiskPolicy::load(&p)?, PolicySource::Environment(p)));
    }
    if let Some(p) = config_dir()
        .map(|d| d.join(POLICY_FILE))
        .filter(|p| p.exists())
    {
        return Ok((RiskPolicy::load(&p)?, PolicySource::UserConfig(p)));
    }
    Ok((RiskPolicy::default(), PolicySource::Default))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_paths_win_and_missing_policy_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(models_dir(Some(dir.path())), dir.path());
        let missing = dir.path().join("nope.toml");
        let err = load_policy(Some(&missing)).unwrap_err().to_string();
        assert!(
            err.contains("cannot read the risk policy") && err.contains("nope.toml"),
            "{err}"
        );
        let file = dir.path().join("p.toml");
        std::fs::write(&file, crate::risk::DEFAULT_POLICY_TOML).unwrap();
        let (_, source) = load_policy(Some(&file)).unwrap();
        assert_eq!(source, PolicySource::Explicit(file));
    }

    /// Each installed layout's models folder is found from the executable's place alone (an
    /// installed package has no source tree to fall back on).
    #[test]
    fn installed_layouts_find_their_models() {
        let root = tempfile::tempdir().unwrap();
        let layouts = [
            // .deb / .rpm: /usr/bin/energitech-cockpit, /usr/lib/energitech-cockpit/models
            ("usr/bin", "usr/lib/energitech-cockpit/models"),
            // Windows: C:\Program Files\EnergiTech Cockpit\{energitech-cockpit.exe,models}
            ("program-files", "program-files/models"),
            // macOS: EnergiTech Cockpit.app/Contents/{MacOS,Resources/models}
            ("app/Contents/MacOS", "app/Contents/Resources/models"),
            // /usr/local/bin with /usr/local/share/energitech-cockpit/models
            ("local/bin", "local/share/energitech-cockpit/models"),
        ];
        for (bin, models) in layouts {
            let exe = root.path().join(bin).join("energitech-cockpit");
            std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
            std::fs::write(&exe, "").unwrap();
            let models = root.path().join(models);
            std::fs::create_dir_all(&models).unwrap();
            std::fs::write(models.join(MANIFEST_FILE), "{}").unwrap();
            let found: Vec<_> = installed_model_dirs(&exe)
                .into_iter()
                .filter(|p| p.join(MANIFEST_FILE).is_file())
                .collect();
            assert_eq!(found.len(), 1, "{bin}: {found:?}");
            assert_eq!(
                std::fs::canonicalize(&found[0]).unwrap(),
                std::fs::canonicalize(&models).unwrap(),
                "{bin}"
            );
        }
    }
}
