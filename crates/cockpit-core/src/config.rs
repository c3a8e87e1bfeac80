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
/// File name of a user risk policy in the configuration folder.
pub const POLICY_FILE: &str = "risk-policy.toml";

/// The user's configuration folder (`$XDG_CONFIG_HOME/energitech-cockpit` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join(APP_DIR_NAME))
}

/// Places an installed cockpit keeps its models, relative to the executable.
fn bundle_candidates() -> Vec<PathBuf> {
    let Ok(exe) = std::env::current_exe() else {
        return Vec::new();
    };
    let Some(dir) = exe.parent() else {
        return Vec::new();
    };
    vec![
        dir.join("models"),
        dir.join("../lib/energitech-cockpit/models"),
        dir.join("../share/energitech-cockpit/models"),
    ]
}

/// The models folder: `explicit`, else `COCKPIT_MODELS`, else the installed bundle, else the
/// source tree's `models/`. An explicit or environment path is returned even if absent, so the
/// error names the folder the user asked for.
pub fn models_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os(MODELS_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    bundle_candidates()
        .into_iter()
        .find(|p| p.join("manifest.json").is_file())
        .unwrap_or(dev)
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
}
