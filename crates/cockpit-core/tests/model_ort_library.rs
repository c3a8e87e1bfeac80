//! Loading ONNX Runtime from a missing or wrong library returns a typed error, never panics, and
//! leaves the process able to load the right library afterwards.
//!
//! One test in its own binary (so its own process): once the real library is loaded it stays
//! loaded, and every later `OrtRuntime::init` returns it, whatever path it is given.

use std::path::{Path, PathBuf};

use cockpit_core::model::{
    ModelError, OrtLibrarySource, OrtRuntime, ORT_LIBRARY_FILE, ORT_LIB_ENV,
};

fn real_library() -> PathBuf {
    let path = match std::env::var_os(ORT_LIB_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../.tools/onnxruntime/lib")
            .join(ORT_LIBRARY_FILE),
    };
    assert!(
        path.is_file(),
        "ONNX Runtime library not found at {}: run `make setup` (or scripts/setup.sh), or set {ORT_LIB_ENV}",
        path.display()
    );
    path
}

#[test]
fn wrong_libraries_are_typed_errors_then_the_right_one_loads() {
    let tmp = tempfile::tempdir().expect("temp dir");

    // A path that names nothing.
    let missing = tmp.path().join("nope").join(ORT_LIBRARY_FILE);
    match OrtRuntime::init(Some(&missing)) {
        Err(ModelError::OrtLibraryMissing { tried }) => assert_eq!(tried, vec![missing.clone()]),
        other => panic!("expected OrtLibraryMissing, got {other:?}"),
    }
    // A folder is not a library.
    assert!(matches!(
        OrtRuntime::init(Some(tmp.path())),
        Err(ModelError::OrtLibraryMissing { .. })
    ));

    // A file that is not a shared library at all.
    let text = tmp.path().join(ORT_LIBRARY_FILE);
    std::fs::write(&text, "not a library\n").expect("write");
    match OrtRuntime::init(Some(&text)) {
        Err(e @ ModelError::OrtLibraryInvalid { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("cannot load it as a shared library"), "{msg}");
            assert!(msg.contains(ORT_LIB_ENV), "{msg}");
        }
        other => panic!("expected OrtLibraryInvalid, got {other:?}"),
    }

    // A real shared library that is not ONNX Runtime.
    let libz = Path::new("/lib/x86_64-linux-gnu/libz.so.1");
    if libz.is_file() {
        match OrtRuntime::init(Some(libz)) {
            Err(ModelError::OrtLibraryInvalid { path, reason }) => {
                assert_eq!(path, libz);
                assert!(reason.contains("not ONNX Runtime"), "{reason}");
            }
            other => panic!("expected OrtLibraryInvalid, got {other:?}"),
        }
    }
    assert!(
        OrtRuntime::get().is_none(),
        "a failed load must not be kept"
    );

    // The failures left nothing behind: the right library still loads.
    let real = real_library();
    let rt = OrtRuntime::init(Some(&real)).expect("the real library loads after failed attempts");
    assert_eq!(
        rt.library().path,
        std::path::absolute(&real).expect("absolute")
    );
    assert_eq!(rt.library().source, OrtLibrarySource::Config);

    // Once loaded, it is the answer for the rest of the process.
    let again = OrtRuntime::init(Some(libz)).expect("first outcome is kept");
    assert!(std::ptr::eq(rt, again));
}
