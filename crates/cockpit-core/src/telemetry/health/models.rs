//! The `models` and `onnx_runtime` checks: the runtime library loads, and the models in service
//! (or in the models folder) load and match their manifest.

use super::{check, Check, HealthConfig, Status};
use crate::model::{ModelSet, OrtRuntime};

/// The models' version (when loaded), the `models` check and the `onnx_runtime` check.
pub(super) fn models_and_runtime(cfg: &HealthConfig) -> (Option<String>, Check, Check) {
    let lang = cfg.lang;
    let ort = OrtRuntime::init(None);
    let ort_check = match &ort {
        Ok(rt) => {
            let (path, source) = (rt.library().path.display(), &rt.library().source);
            check(
                "onnx_runtime",
                Status::Ok,
                lang.pick(
                    format!("ONNX Runtime loaded from {path} ({source})"),
                    format!("ONNX Runtime chargé depuis {path} ({source})"),
                ),
            )
        }
        Err(e) => check(
            "onnx_runtime",
            Status::Error,
            lang.pick(
                e.to_string(),
                format!("ONNX Runtime ne peut pas être chargé ({e})"),
            ),
        ),
    };
    let dir = cfg.models_dir.display();
    let (version, models) = match (&cfg.models_in_service, &ort) {
        (Some(Ok(v)), _) => (
            Some(v.clone()),
            check(
                "models",
                Status::Ok,
                lang.pick(format!("models {v} in service (from {dir})"),
                    format!("modèles {v} en service (depuis {dir})"),
                ),
            ),
        ),
        (Some(Err(e)), _) => (
            None,
            check(
                "models",
                Status::Error,
                lang.pick(format!("no models in service: {e}"),
                    format!("aucun modèle en service ({e})"),
                ),
            ),
        ),
        (None, Err(_)) => (
            None,
            check(
                "models",
                Status::Error,
                lang.pick(
                    "the models cannot be loaded without ONNX Runtime (see the onnx_runtime check)",
                    "les modèles ne peuvent pas être chargés sans ONNX Runtime (voir le contrôle onnx_runtime)",
                ),
            ),
        ),
        (None, Ok(rt)) => {
            match ModelSet::load_for_scoring(&cfg.models_dir, rt) {
                Ok(m) => {
                    let v = m.manifest().model_version.clone();
                    let n = m.manifest().feature_names.len();
                    (
                        Some(v.clone()),
                        check(
                            "models",
                            Status::Ok,
                            lang.pick(format!("models {v} loaded from {dir} (checksums, {n} features and tensors verified)"),
                                format!("modèles {v} chargés depuis {dir} (sommes de contrôle, {n} variables et tenseurs vérifiés)"),
                            ),
                        ),
                    )
                }
                Err(e) => (
                    None,
                    check(
                        "models",
                        Status::Error,
                        lang.pick(e.to_string(),
                            format!("les modèles ne peuvent pas être chargés ({e})"),
                        ),
                    ),
                ),
            }
        }
    };
    (version, models, ort_check)
}

/// English fragments of these checks' messages.
pub(super) const ENGLISH: &[&str] = &[
    "ONNX Runtime loaded from",
    "in service (from",
    "no models in service",
    "cannot be loaded without ONNX Runtime",
    "features and tensors verified",
];
