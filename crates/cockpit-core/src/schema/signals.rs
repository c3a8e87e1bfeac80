//! The canonical SCADA record: its length, its numeric signals (units, valid ranges, whether
//! required) and the column order of a SCADA file.

/// Length of one SCADA record, in seconds (10 minutes).
pub const RECORD_SECONDS: i64 = 600;

/// One numeric SCADA signal of the canonical schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signal {
    /// Canonical column name (also the SQLite column name).
    pub name: &'static str,
    /// Physical unit, for documentation and display.
    pub unit: &'static str,
    /// Smallest physically valid value (inclusive).
    pub min: f64,
    /// Largest physically valid value (inclusive).
    pub max: f64,
    /// A row without this value is rejected.
    pub required: bool,
    /// What the signal measures.
    pub description: &'static str,
}

/// The numeric signals of a canonical SCADA record, in canonical column order.
///
/// `timestamp` and `turbine_id` come first in every canonical file and are not listed here.
pub const SIGNALS: &[Signal] = &[
    Signal {
        name: "wind_speed_ms",
        unit: "m/s",
        min: 0.0,
        max: 60.0,
        required: true,
        description: "Mean wind speed at hub height (nacelle anemometer)",
    },
    Signal {
        name: "wind_dir_deg",
        unit: "°",
        min: 0.0,
        max: 360.0,
        required: false,
        description: "Mean wind direction (absolute, from north)",
    },
    Signal {
        name: "power_kw",
        unit: "kW",
        min: -500.0,
        max: 20_000.0,
        required: true,
        description: "Mean active power delivered to the grid (negative when the turbine consumes)",
    },
    Signal {
        name: "rotor_rpm",
        unit: "rpm",
        min: 0.0,
        max: 40.0,
        required: false,
        description: "Mean rotor speed",
    },
    Signal {
        name: "generator_rpm",
        unit: "rpm",
        min: 0.0,
        max: 3_000.0,
        required: false,
        description: "Mean generator speed (rotor speed times the gearbox ratio)",
    },
    Signal {
        name: "pitch_deg",
        unit: "°",
        min: -10.0,
        max: 95.0,
        required: false,
        description: "Mean blade pitch angle (0 = fine, ~90 = feathered)",
    },
    Signal {
        name: "ambient_temp_c",
        unit: "°C",
        min: -50.0,
        max: 60.0,
        required: false,
        description: "Ambient air temperature",
    },
    Signal {
        name: "nacelle_temp_c",
        unit: "°C",
        min: -50.0,
        max: 80.0,
        required: false,
        description: "Air temperature inside the nacelle",
    },
    Signal {
        name: "gearbox_oil_temp_c",
        unit: "°C",
        min: -50.0,
        max: 130.0,
        required: false,
        description: "Gearbox oil sump temperature",
    },
    Signal {
        name: "gearbox_bearing_temp_c",
        unit: "°C",
        min: -50.0,
        max: 150.0,
        required: false,
        description: "Gearbox high-speed shaft bearing temperature",
    },
    Signal {
        name: "generator_bearing_temp_c",
        unit: "°C",
        min: -50.0,
        max: 150.0,
        required: false,
        description: "Generator drive-end bearing temperature",
    },
    Signal {
        name: "generator_winding_temp_c",
        unit: "°C",
        min: -50.0,
        max: 200.0,
        required: false,
        description: "Generator stator winding temperature (hottest phase)",
    },
    Signal {
        name: "hydraulic_oil_temp_c",
        unit: "°C",
        min: -50.0,
        max: 110.0,
        required: false,
        description: "Pitch/brake hydraulic oil temperature",
    },
    Signal {
        name: "converter_temp_c",
        unit: "°C",
        min: -50.0,
        max: 130.0,
        required: false,
        description: "Power converter (IGBT cabinet) temperature",
    },
    Signal {
        name: "transformer_temp_c",
        unit: "°C",
        min: -50.0,
        max: 160.0,
        required: false,
        description: "HV transformer winding temperature",
    },
    Signal {
        name: "vibration_mm_s",
        unit: "mm/s",
        min: 0.0,
        max: 100.0,
        required: false,
        description: "Drivetrain vibration, RMS velocity",
    },
];

/// Standstill tolerances, next to the ranges of [`SIGNALS`]: a signal listed here whose value lies
/// below its `min` by at most the tolerance is read as `min` (0), not as an invalid value. A
/// turbine at standstill reports small, physically meaningless negatives on its speeds
/// (La Haute Borne's generator speed reads -0.01 rpm; anemometers drift a few hundredths below
/// zero in calm air); those mean "not turning" and must not cost the record anything. Beyond the
/// tolerance the value is out of range. Power is not listed: its range already admits the
/// negative consumption of a stopped turbine.
pub const STANDSTILL_TOLERANCES: &[(&str, f64)] = &[
    ("wind_speed_ms", 0.2),
    ("rotor_rpm", 0.5),
    ("generator_rpm", 10.0),
];

/// The standstill tolerance of a signal (0 when it has none), see [`STANDSTILL_TOLERANCES`].
pub fn standstill_tolerance(name: &str) -> f64 {
    STANDSTILL_TOLERANCES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(0.0, |(_, t)| *t)
}

/// Index of a signal in [`SIGNALS`], by canonical name.
pub fn signal_index(name: &str) -> Option<usize> {
    SIGNALS.iter().position(|s| s.name == name)
}

/// Canonical column names of a SCADA file, in order: `timestamp`, `turbine_id`, then [`SIGNALS`],
/// then `status`.
pub fn scada_columns() -> Vec<&'static str> {
    let mut cols = vec!["timestamp", "turbine_id"];
    cols.extend(SIGNALS.iter().map(|s| s.name));
    cols.push("status");
    cols
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_names_are_unique_and_ranges_sane() {
        let mut names: Vec<_> = SIGNALS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SIGNALS.len());
        for s in SIGNALS {
            assert!(s.min < s.max, "{}", s.name);
        }
        assert_eq!(signal_index("power_kw"), Some(2));
        for (name, tol) in STANDSTILL_TOLERANCES {
            let s = &SIGNALS[signal_index(name).unwrap()];
            assert_eq!(
                s.min, 0.0,
                "{name}: a standstill tolerance reads values as 0"
            );
            assert!(*tol > 0.0 && *tol < s.max / 10.0, "{name}");
        }
        assert_eq!(standstill_tolerance("ambient_temp_c"), 0.0);
    }
}
