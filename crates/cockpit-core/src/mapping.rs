//! Column mappings: declarative TOML files that map a foreign export (for example the EDP open
//! data naming) onto the canonical schema of [`crate::schema`], so a new data source needs a
//! mapping file, not a code change.
//!
//! A mapping names, for each canonical column, the foreign column that carries it; it may also
//! set the delimiter, the decimal separator, the local time zone of timestamps written without an
//! offset, a scale factor per signal, default values for registry columns the export lacks and
//! aliases for component names in a logbook. The mappings shipped in `data/mappings/` are built into the binary and can
//! be referred to by name (`--mapping edp`); any other file is referred to by its path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::schema::{self, Component, FileKind, LOGBOOK_COLUMNS, REGISTRY_COLUMNS};

/// Mappings shipped with the cockpit, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "canonical",
        include_str!("../../../data/mappings/canonical.toml"),
    ),
    ("edp", include_str!("../../../data/mappings/edp.toml")),
    ("engie", include_str!("../../../data/mappings/engie.toml")),
];

/// Errors raised while loading a mapping.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The name is neither an existing file nor a built-in mapping.
    #[error("unknown mapping '{name}': it is neither a file nor one of the built-in mappings ({available})")]
    Unknown {
        /// The name or path that was asked for.
        name: String,
        /// The built-in mapping names, comma-separated.
        available: String,
    },
    /// The mapping file exists but could not be read.
    #[error("cannot read mapping file {path}: {source}")]
    Read {
        /// The mapping file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The text is not valid TOML, or has a key the mapping format does not know.
    #[error("mapping {origin} is not valid TOML or has an unexpected key: {message}")]
    Syntax {
        /// The mapping, by quoted built-in name or by file path.
        origin: String,
        /// The TOML parser's message.
        message: String,
    },
    /// The TOML parses but names an unknown column or signal, or a bad value.
    #[error("mapping {origin}: {problem}")]
    Invalid {
        /// The mapping, by quoted built-in name or by file path.
        origin: String,
        /// What is wrong, naming the offending key.
        problem: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    name: String,
    #[serde(default)]
    description: String,
    delimiter: Option<String>,
    decimal: Option<String>,
    timezone: Option<String>,
    #[serde(default)]
    scada: BTreeMap<String, String>,
    #[serde(default)]
    scale: BTreeMap<String, f64>,
    #[serde(default)]
    registry: BTreeMap<String, String>,
    #[serde(default)]
    registry_defaults: BTreeMap<String, String>,
    #[serde(default)]
    logbook: BTreeMap<String, String>,
    #[serde(default)]
    components: BTreeMap<String, String>,
}

/// A loaded, validated column mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// Short name, reported in ingestion summaries.
    pub name: String,
    /// What the mapping is for.
    pub description: String,
    /// Field delimiter; `None` means detect it from the header line.
    pub delimiter: Option<u8>,
    /// Decimal separator is a comma (`12,5`).
    pub decimal_comma: bool,
    /// IANA time zone (`Europe/Paris`) of timestamps written without an offset; `None` reads
    /// them as UTC. Timestamps with `Z` or an offset are always taken as written.
    pub timezone: Option<String>,
    scada: BTreeMap<String, String>,
    scale: BTreeMap<String, f64>,
    registry: BTreeMap<String, String>,
    registry_defaults: BTreeMap<String, String>,
    logbook: BTreeMap<String, String>,
    components: BTreeMap<String, Component>,
}

impl Mapping {
    /// Loads a mapping by built-in name or by path.
    pub fn load(name_or_path: &str) -> Result<Mapping, MappingError> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Mapping::parse(text, &format!("'{name_or_path}'"));
        }
        let path = Path::new(name_or_path);
        if path.is_file() {
            let text = std::fs::read_to_string(path).map_err(|source| MappingError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            return Mapping::parse(&text, &path.display().to_string());
        }
        Err(MappingError::Unknown {
            name: name_or_path.to_string(),
            available: BUILTIN
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// The identity mapping: canonical column names, delimiter detected.
    pub fn canonical() -> Mapping {
        Mapping {
            name: "canonical".into(),
            description: "Canonical column names".into(),
            delimiter: None,
            decimal_comma: false,
            timezone: None,
            scada: BTreeMap::new(),
            scale: BTreeMap::new(),
            registry: BTreeMap::new(),
            registry_defaults: BTreeMap::new(),
            logbook: BTreeMap::new(),
            components: BTreeMap::new(),
        }
    }

    /// Parses and validates mapping text; `origin` names it in error messages.
    pub fn parse(text: &str, origin: &str) -> Result<Mapping, MappingError> {
        let raw: RawMapping = toml::from_str(text).map_err(|e| MappingError::Syntax {
            origin: origin.to_string(),
            message: e.message().to_string(),
        })?;
        let invalid = |problem: String| MappingError::Invalid {
            origin: origin.to_string(),
            problem,
        };
        let scada_cols = schema::scada_columns();
        check_keys(&raw.scada, &scada_cols, "[scada]").map_err(invalid)?;
        check_keys(&raw.registry, REGISTRY_COLUMNS, "[registry]").map_err(invalid)?;
        check_keys(&raw.logbook, LOGBOOK_COLUMNS, "[logbook]").map_err(invalid)?;
        check_keys(
            &raw.registry_defaults,
            &REGISTRY_COLUMNS[1..],
            "[registry_defaults]",
        )
        .map_err(invalid)?;
        if let Some(tz) = &raw.timezone {
            check_timezone(tz).map_err(invalid)?;
        }
        for (k, v) in &raw.scale {
            if schema::signal_index(k).is_none() {
                return Err(invalid(format!(
                    "[scale] names '{k}', which is not a numeric SCADA signal"
                )));
            }
            if !v.is_finite() || *v == 0.0 {
                return Err(invalid(format!(
                    "[scale] {k} = {v} must be a finite, non-zero factor"
                )));
            }
        }
        let delimiter = match raw.delimiter.as_deref() {
            None => None,
            Some("\\t") | Some("\t") => Some(b'\t'),
            Some(d) if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
            Some(d) => {
                return Err(invalid(format!(
                    "delimiter '{d}' must be one ASCII character"
                )))
            }
        };
        let decimal_comma = match raw.decimal.as_deref() {
            None | Some(".") => false,
            Some(",") => true,
            Some(d) => return Err(invalid(format!("decimal '{d}' must be \".\" or \",\""))),
        };
        if decimal_comma && delimiter.is_none_or(|d| d == b',') {
            return Err(invalid(
                "decimal = \",\" needs an explicit delimiter other than ','".to_string(),
            ));
        }
        let mut components = BTreeMap::new();
        for (foreign, canonical) in &raw.components {
            let c = Component::parse(canonical).ok_or_else(|| {
                invalid(format!(
                    "[components] maps '{foreign}' to '{canonical}', which is not one of {}",
                    Component::ALL.map(|c| c.as_str()).join(", ")
                ))
            })?;
            components.insert(foreign.trim().to_ascii_lowercase(), c);
        }
        Ok(Mapping {
            name: raw.name,
            description: raw.description,
            delimiter,
            decimal_comma,
            timezone: raw.timezone,
            scada: raw.scada,
            scale: raw.scale,
            registry: raw.registry,
            registry_defaults: raw.registry_defaults,
            logbook: raw.logbook,
            components,
        })
    }

    /// The foreign column name that carries canonical column `canonical` in a file of `kind`
    /// (the canonical name itself when the mapping says nothing).
    pub fn source_column<'a>(&'a self, kind: FileKind, canonical: &'a str) -> &'a str {
        let table = match kind {
            FileKind::Scada => &self.scada,
            FileKind::Registry => &self.registry,
            FileKind::Logbook => &self.logbook,
        };
        table
            .get(canonical)
            .map(String::as_str)
            .unwrap_or(canonical)
    }

    /// Replaces the mapping's time zone (the CLI's `--timezone`, the app's choice): an IANA name
    /// such as `Europe/Paris`, or `UTC`.
    pub fn set_timezone(&mut self, name: &str) -> Result<(), MappingError> {
        check_timezone(name).map_err(|problem| MappingError::Invalid {
            origin: format!("'{}'", self.name),
            problem,
        })?;
        self.timezone = Some(name.to_string());
        Ok(())
    }

    /// The value a registry column takes when the file has no such column (`[registry_defaults]`).
    pub fn registry_default(&self, canonical: &str) -> Option<&str> {
        self.registry_defaults.get(canonical).map(String::as_str)
    }

    /// The foreign names of the logbook components this mapping knows, then the canonical
    /// names, for a message listing what a logbook may say.
    pub fn known_components(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .components
            .keys()
            .map(|k| k.to_ascii_uppercase())
            .collect();
        names.extend(Component::ALL.map(|c| c.as_str().to_string()));
        names
    }

    /// Scale factor applied to a signal after parsing (1 when none is declared).
    pub fn scale(&self, signal: &str) -> f64 {
        self.scale.get(signal).copied().unwrap_or(1.0)
    }

    /// Canonical component for a component name found in a logbook, through the mapping's
    /// aliases first, then the canonical names.
    pub fn component(&self, text: &str) -> Option<Component> {
        self.components
            .get(&text.trim().to_ascii_lowercase())
            .copied()
            .or_else(|| Component::parse(text))
    }
}

/// An IANA time zone name the bundled time-zone database knows.
fn check_timezone(name: &str) -> Result<(), String> {
    jiff::tz::TimeZone::get(name).map(|_| ()).map_err(|_| {
        format!("timezone '{name}' is not an IANA time zone name (e.g. Europe/Paris, UTC)")
    })
}

fn check_keys(
    table: &BTreeMap<String, String>,
    allowed: &[&str],
    section: &str,
) -> Result<(), String> {
    for (k, v) in table {
        if !allowed.contains(&k.as_str()) {
            return Err(format!(
                "{section} names '{k}', which is not a canonical column (expected one of {})",
                allowed.join(", ")
            ));
        }
        if v.trim().is_empty() {
            return Err(format!("{section} {k} maps to an empty column name"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_mappings_load() {
        for (name, _) in BUILTIN {
            let m = Mapping::load(name).unwrap();
            assert_eq!(&m.name, name);
        }
        let edp = Mapping::load("edp").unwrap();
        assert_eq!(edp.delimiter, Some(b';'));
        assert_eq!(
            edp.source_column(FileKind::Scada, "wind_speed_ms"),
            "Amb_WindSpeed_Avg"
        );
        assert_eq!(
            edp.source_column(FileKind::Scada, "vibration_mm_s"),
            "vibration_mm_s"
        );
        assert_eq!(edp.component("GEARBOX"), Some(Component::GearboxBearing));
    }

    #[test]
    fn unknown_mapping_lists_the_available_ones() {
        let err = Mapping::load("nope").unwrap_err().to_string();
        assert!(
            err.contains("unknown mapping 'nope'") && err.contains("edp"),
            "{err}"
        );
    }

    #[test]
    fn invalid_mappings_name_the_problem() {
        let cases = [
            (
                "name = 'x'\n[scada]\nwind = 'W'",
                "'wind', which is not a canonical column",
            ),
            (
                "name = 'x'\ndelimiter = ';;'",
                "must be one ASCII character",
            ),
            ("name = 'x'\ndecimal = ','", "needs an explicit delimiter"),
            (
                "name = 'x'\n[components]\nGBX = 'blade'",
                "'blade', which is not one of",
            ),
            ("name = 'x'\n[scale]\npower_kw = 0.0", "non-zero"),
            (
                "name = 'x'\ntimezone = 'Europe/Lyon'",
                "timezone 'Europe/Lyon' is not an IANA time zone name",
            ),
            (
                "name = 'x'\n[registry_defaults]\nturbine_id = 'T1'",
                "'turbine_id', which is not a canonical column",
            ),
            ("name = 'x'\ncolour = 'red'", "unknown field"),
            ("name = ", "not valid TOML"),
        ];
        for (text, expected) in cases {
            let err = Mapping::parse(text, "test").unwrap_err().to_string();
            assert!(err.contains(expected), "{text:?} gave {err}");
        }
    }
}
