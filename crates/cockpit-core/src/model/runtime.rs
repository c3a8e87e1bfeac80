//! Finding and loading the ONNX Runtime shared library: [`resolve_ort_library`] picks the file
//! (configuration, then `COCKPIT_ORT_LIB`, then the app bundle), [`OrtRuntime::init`] loads it
//! once per process and never panics on a missing or wrong library.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ort::environment::Environment;

use super::ModelError;

/// ONNX Runtime version the cockpit is built and tested against.
pub const ORT_VERSION: &str = "1.31.1";
/// File name of the ONNX Runtime shared library shipped with the cockpit (Linux; the release
/// packages for Windows and macOS ship the same version under the platform's own name).
#[cfg(not(any(target_os = "windows", target_os = "macos")))]
pub const ORT_LIBRARY_FILE: &str = "libonnxruntime.so.1.31.1";
/// File name of the ONNX Runtime shared library shipped with the cockpit (Windows).
#[cfg(target_os = "windows")]
pub const ORT_LIBRARY_FILE: &str = "onnxruntime.dll";
/// File name of the ONNX Runtime shared library shipped with the cockpit (macOS).
#[cfg(target_os = "macos")]
pub const ORT_LIBRARY_FILE: &str = "libonnxruntime.1.31.1.dylib";
/// Environment variable that points at the ONNX Runtime shared library.
pub const ORT_LIB_ENV: &str = "COCKPIT_ORT_LIB";

/// Where the ONNX Runtime library path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrtLibrarySource {
    /// The explicit configuration value passed by the caller.
    Config,
    /// The `COCKPIT_ORT_LIB` environment variable.
    Env,
    /// The app bundle, next to the running executable.
    Bundle,
}

impl std::fmt::Display for OrtLibrarySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Config => "configuration",
            Self::Env => ORT_LIB_ENV,
            Self::Bundle => "app bundle",
        })
    }
}

/// The chosen ONNX Runtime library file and where its path came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrtLibraryLocation {
    /// Absolute path of the library file.
    pub path: PathBuf,
    /// Where the path came from.
    pub source: OrtLibrarySource,
}

/// Finds the ONNX Runtime shared library, in this order:
///
/// 1. `configured` (the cockpit's configuration value), when given;
/// 2. the `COCKPIT_ORT_LIB` environment variable, when set and not empty;
/// 3. the app bundle: `<exe dir>/libonnxruntime.so.1.31.1`,
///    `<exe dir>/../lib/energitech-cockpit/libonnxruntime.so.1.31.1`,
///    `<exe dir>/../lib/libonnxruntime.so.1.31.1`.
///
/// An explicit path (1 or 2) is authoritative: if it names no file, this fails rather than
/// silently loading another library. Relative paths are taken from the current directory.
/// Only checks that the file exists; [`OrtRuntime::init`] checks that it is ONNX Runtime.
pub fn resolve_ort_library(configured: Option<&Path>) -> Result<OrtLibraryLocation, ModelError> {
    let exe = std::env::current_exe().ok();
    resolve_from(configured, std::env::var_os(ORT_LIB_ENV), exe.as_deref())
}

fn resolve_from(
    configured: Option<&Path>,
    env_value: Option<OsString>,
    exe: Option<&Path>,
) -> Result<OrtLibraryLocation, ModelError> {
    let explicit = match (configured, env_value) {
        (Some(p), _) if !p.as_os_str().is_empty() => {
            Some((p.to_path_buf(), OrtLibrarySource::Config))
        }
        (_, Some(v)) if !v.is_empty() => Some((PathBuf::from(v), OrtLibrarySource::Env)),
        _ => None,
    };
    if let Some((path, source)) = explicit {
        let path = std::path::absolute(&path).unwrap_or(path);
        return if path.is_file() {
            Ok(OrtLibraryLocation { path, source })
        } else {
            Err(ModelError::OrtLibraryMissing { tried: vec![path] })
        };
    }
    let mut tried = Vec::new();
    if let Some(dir) = exe.and_then(Path::parent) {
        // `<exe dir>/../lib` written without the `..` (the executable path is canonical).
        let up = dir.parent().unwrap_or(dir);
        for candidate in [
            dir.join(ORT_LIBRARY_FILE),
            up.join("lib/energitech-cockpit").join(ORT_LIBRARY_FILE),
            up.join("lib").join(ORT_LIBRARY_FILE),
        ] {
            if candidate.is_file() {
                return Ok(OrtLibraryLocation {
                    path: candidate,
                    source: OrtLibrarySource::Bundle,
                });
            }
            tried.push(candidate);
        }
    }
    Err(ModelError::OrtLibraryMissing { tried })
}

/// The loaded ONNX Runtime: one per process, shared by every [`super::ModelSet`].
#[derive(Debug)]
pub struct OrtRuntime {
    env: Environment,
    location: OrtLibraryLocation,
    build_info: String,
}

static ORT_RUNTIME: OnceLock<OrtRuntime> = OnceLock::new();
/// Set once `ort` has accepted a library: it stays loaded even if starting it then failed.
static ORT_LOADED_FROM: OnceLock<OrtLibraryLocation> = OnceLock::new();
static ORT_INIT_LOCK: Mutex<()> = Mutex::new(());

impl OrtRuntime {
    /// Loads ONNX Runtime from the library chosen by [`resolve_ort_library`] and starts it.
    ///
    /// The first success is kept for the life of the process: later calls return it whatever
    /// path they pass (ONNX Runtime cannot be unloaded or loaded twice); compare
    /// [`OrtRuntime::library`] if that matters. A failure is not kept (nothing was loaded), so a
    /// caller may retry after the configuration was fixed. Never panics on a missing or wrong
    /// library: that is [`ModelError::OrtLibraryMissing`] or [`ModelError::OrtLibraryInvalid`].
    pub fn init(configured: Option<&Path>) -> Result<&'static OrtRuntime, ModelError> {
        if let Some(rt) = ORT_RUNTIME.get() {
            return Ok(rt);
        }
        // A poisoned lock only means another thread panicked in here; the state it guards is
        // the OnceLock, which is still consistent.
        let _guard = ORT_INIT_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(rt) = ORT_RUNTIME.get() {
            return Ok(rt);
        }
        let location = match ORT_LOADED_FROM.get() {
            // A library is already loaded (a previous start failed after loading it): `ort`
            // would ignore any other path, so say honestly which one is in use.
            Some(loaded) => loaded.clone(),
            None => resolve_ort_library(configured)?,
        };
        let t0 = std::time::Instant::now();
        let runtime = Self::load(location).inspect_err(|e| {
            tracing::error!(error = %crate::journal::redact(&e.to_string()), "ONNX Runtime not loaded");
        })?;
        tracing::info!(
            library = %crate::journal::redact(&runtime.location.path.display().to_string()),
            source = %runtime.location.source,
            duration_ms = t0.elapsed().as_millis() as u64,
            "ONNX Runtime loaded"
        );
        Ok(ORT_RUNTIME.get_or_init(|| runtime))
    }

    /// The runtime if [`OrtRuntime::init`] already succeeded in this process.
    pub fn get() -> Option<&'static OrtRuntime> {
        ORT_RUNTIME.get()
    }

    fn load(location: OrtLibraryLocation) -> Result<OrtRuntime, ModelError> {
        let path = location.path.clone();
        let invalid = |reason: String| ModelError::OrtLibraryInvalid {
            path: path.clone(),
            reason,
        };
        // `ort` checks the file exports `OrtGetApiBase` and reports a version >= 1.31 before it
        // keeps it; it asserts (panics) on a few "cannot happen" paths, hence the catch_unwind.
        let loaded = std::panic::catch_unwind(|| {
            ort::init_from(&location.path).map(|builder| {
                let _ = ORT_LOADED_FROM.set(location.clone());
                builder
                    .with_name("energitech-cockpit")
                    .with_telemetry(false)
                    .build()
            })
        });
        let env = match loaded {
            Err(panic) => {
                return Err(invalid(format!(
                    "ONNX Runtime panicked while loading: {}",
                    panic_message(&panic)
                )))
            }
            Ok(Err(load_error)) => return Err(invalid(describe_load_error(&load_error))),
            Ok(Ok(Err(e))) => {
                return Err(ModelError::OrtInit {
                    path: location.path,
                    message: e.to_string(),
                })
            }
            Ok(Ok(Ok(env))) => env,
        };
        let build_info = std::panic::catch_unwind(ort::info)
            .map(str::to_string)
            .unwrap_or_default();
        Ok(OrtRuntime {
            env,
            location,
            build_info,
        })
    }

    /// The library file in use and where its path came from.
    pub fn library(&self) -> &OrtLibraryLocation {
        &self.location
    }

    /// ONNX Runtime's build information (`ORT Build Info: git-branch=..., git-commit-id=...`).
    pub fn build_info(&self) -> &str {
        &self.build_info
    }

    /// The ONNX Runtime environment, for the sessions of a [`super::ModelSet`].
    pub(super) fn environment(&self) -> &Environment {
        &self.env
    }
}

fn describe_load_error(e: &ort::LoadDynamicError) -> String {
    match e {
        ort::LoadDynamicError::Dlopen { error, .. } => {
            format!("cannot load it as a shared library: {error}")
        }
        ort::LoadDynamicError::MissingApi { .. } => {
            "it does not export OrtGetApiBase, so it is not ONNX Runtime".into()
        }
        ort::LoadDynamicError::InvalidVersionString => {
            "it reports a malformed version string".into()
        }
        ort::LoadDynamicError::BadVersion { version_str, .. } => format!(
            "it is ONNX Runtime {version_str}, older than the 1.{}.x this build requires",
            ort::MINOR_VERSION
        ),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_support::test_ort;

    #[test]
    fn missing_ort_library_is_an_error_listing_where_it_looked() {
        let tmp = tempfile::tempdir().expect("tmp");
        let nowhere = tmp.path().join("nope/libonnxruntime.so.1.31.1");
        // Explicit configuration wins and is authoritative, even over the environment.
        match resolve_from(Some(&nowhere), Some("/also/missing".into()), None) {
            Err(e @ ModelError::OrtLibraryMissing { .. }) => {
                let ModelError::OrtLibraryMissing { tried } = &e else {
                    unreachable!()
                };
                assert_eq!(tried, &vec![nowhere.clone()]);
                let msg = e.to_string();
                assert!(
                    msg.contains(ORT_LIB_ENV) && msg.contains("reinstall"),
                    "{msg}"
                );
            }
            other => panic!("expected OrtLibraryMissing, got {other:?}"),
        }
        // Nothing configured: the three bundle places, in order.
        let exe = tmp.path().join("bin/cockpit");
        match resolve_from(None, None, Some(&exe)) {
            Err(ModelError::OrtLibraryMissing { tried }) => {
                assert_eq!(
                    tried,
                    vec![
                        tmp.path().join("bin").join(ORT_LIBRARY_FILE),
                        tmp.path()
                            .join("lib/energitech-cockpit")
                            .join(ORT_LIBRARY_FILE),
                        tmp.path().join("lib").join(ORT_LIBRARY_FILE),
                    ]
                );
            }
            other => panic!("expected OrtLibraryMissing, got {other:?}"),
        }
        // An empty variable counts as unset.
        assert!(matches!(
            resolve_from(None, Some(OsString::new()), None),
            Err(ModelError::OrtLibraryMissing { tried }) if tried.is_empty()
        ));
    }
    #[test]
    fn ort_library_resolution_order() {
        let tmp = tempfile::tempdir().expect("tmp");
        let touch = |p: &Path| {
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, b"").expect("touch");
        };
        let exe = tmp.path().join("usr/bin/cockpit");
        let bundled = tmp
            .path()
            .join("usr/lib/energitech-cockpit")
            .join(ORT_LIBRARY_FILE);
        let lib_dir = tmp.path().join("usr/lib").join(ORT_LIBRARY_FILE);
        touch(&bundled);
        touch(&lib_dir);
        let from_env = tmp.path().join("env.so");
        let from_config = tmp.path().join("config.so");
        touch(&from_env);
        touch(&from_config);

        let r = resolve_from(
            Some(&from_config),
            Some(from_env.clone().into()),
            Some(&exe),
        )
        .expect("config");
        assert_eq!(
            (r.path, r.source),
            (from_config.clone(), OrtLibrarySource::Config)
        );
        let r = resolve_from(None, Some(from_env.clone().into()), Some(&exe)).expect("env");
        assert_eq!((r.path, r.source), (from_env, OrtLibrarySource::Env));
        let r = resolve_from(None, None, Some(&exe)).expect("bundle");
        assert_eq!(r.source, OrtLibrarySource::Bundle);
        assert_eq!(r.path, bundled);
        std::fs::remove_file(&bundled).expect("rm");
        let r = resolve_from(None, None, Some(&exe)).expect("bundle lib/");
        assert_eq!(r.path, lib_dir);
        touch(&exe.with_file_name(ORT_LIBRARY_FILE));
        let r = resolve_from(None, None, Some(&exe)).expect("next to the executable");
        assert_eq!(r.path, exe.with_file_name(ORT_LIBRARY_FILE));
        // A directory is not a library file.
        assert!(resolve_from(Some(tmp.path()), None, None).is_err());
    }
    #[test]
    fn ort_runtime_is_initialised_once() {
        let first = test_ort();
        let again =
            OrtRuntime::init(Some(Path::new("/some/other/libonnxruntime.so"))).expect("cached");
        assert!(std::ptr::eq(first, again));
        assert!(std::ptr::eq(first, OrtRuntime::get().expect("initialised")));
        assert!(
            first.build_info().starts_with("ORT Build Info"),
            "{}",
            first.build_info()
        );
    }
}
