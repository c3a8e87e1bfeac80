//! Opening a file: text or binary, byte-order mark, delimiter, and the header that tells a SCADA
//! export from a turbine registry or a logbook and locates each canonical column.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::mapping::Mapping;
use crate::schema::{FileKind, LOGBOOK_COLUMNS, REGISTRY_COLUMNS, SIGNALS};

use super::limit::{Cuts, Limited, MAX_RECORD_BYTES};
use super::IngestError;

/// Bytes looked at to tell a text file from a binary one.
const SNIFF_BYTES: usize = 8192;

/// An opened CSV file whose header has been read and resolved.
pub(super) struct Source {
    /// The file.
    pub(super) path: PathBuf,
    /// What the header says the file is.
    pub(super) kind: FileKind,
    /// The reader, positioned after the header line; no record it gives is longer than
    /// [`MAX_RECORD_BYTES`].
    pub(super) reader: csv::Reader<Box<dyn Read + Send>>,
    /// The records the reader cut at [`MAX_RECORD_BYTES`].
    pub(super) cuts: Cuts,
    /// The field delimiter (given by the mapping or detected).
    pub(super) delimiter: u8,
    /// For each canonical column of the kind, the index of the file column carrying it.
    pub(super) columns: Vec<Option<usize>>,
    /// Fields in the header line (every record must have as many).
    pub(super) header_len: usize,
    /// The header's column names, as read (kept with the ingestion, so that quarantined rows can
    /// be read again).
    pub(super) names: Vec<String>,
    /// Optional canonical columns of the kind the file lacks, as `canonical (expected as
    /// 'Foreign')` when the mapping renames them: those values stay empty (a registry column the
    /// mapping gives a default value is not listed).
    pub(super) absent: Vec<String>,
}

/// Opens `path`, checks it is CSV text and resolves its header (kind and column positions).
pub(super) fn open_csv(path: &Path, mapping: &Mapping) -> Result<Source, IngestError> {
    let pathbuf = path.to_path_buf();
    let mut file = File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => IngestError::NotFound {
            path: pathbuf.clone(),
        },
        _ => IngestError::Unreadable {
            path: pathbuf.clone(),
            source,
        },
    })?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(IngestError::Unreadable {
            path: pathbuf,
            source: std::io::Error::other("it is a folder"),
        });
    }
    let mut head = vec![0u8; SNIFF_BYTES];
    let mut filled = 0;
    while filled < head.len() {
        let n = file
            .read(&mut head[filled..])
            .map_err(|source| IngestError::Unreadable {
                path: pathbuf.clone(),
                source,
            })?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    let mut body: &[u8] = &head;
    if body.starts_with(b"\xEF\xBB\xBF") {
        body = &body[3..];
    }
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty { path: pathbuf });
    }
    if let Some(pos) = body.iter().position(|&b| b == 0) {
        return Err(IngestError::NotText {
            path: pathbuf,
            why: format!("it contains binary data (a zero byte at offset {pos})"),
        });
    }
    if let Err(e) = std::str::from_utf8(body) {
        // A multi-byte character cut by the sniff window is fine; anything else is not text.
        if e.error_len().is_some() {
            return Err(IngestError::NotText {
                path: pathbuf,
                why: format!(
                    "it is not UTF-8 text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            });
        }
    }
    let header_line = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = mapping
        .delimiter
        .unwrap_or_else(|| detect_delimiter(header_line));

    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let skip = if bom { 3 } else { 0 };
    let replay: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(head).chain(file));
    let mut replay: Box<dyn Read + Send> = replay;
    if skip > 0 {
        let mut bom_buf = [0u8; 3];
        replay
            .read_exact(&mut bom_buf)
            .map_err(|source| IngestError::Unreadable {
                path: pathbuf.clone(),
                source,
            })?;
    }
    let cuts = Cuts::default();
    let replay: Box<dyn Read + Send> = Box::new(Limited::new(replay, delimiter, cuts.clone()));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 18)
        .from_reader(replay);
    let mut header = csv::ByteRecord::new();
    let got = reader
        .read_byte_record(&mut header)
        .map_err(|e| IngestError::Csv {
            path: pathbuf.clone(),
            line: 1,
            message: e.to_string(),
        })?;
    if !got {
        return Err(IngestError::Empty { path: pathbuf });
    }
    if let Some(cut) = cuts.take_at(0) {
        return Err(IngestError::HeaderTooLong {
            path: pathbuf,
            bytes: cut.bytes,
            limit: MAX_RECORD_BYTES,
        });
    }
    let names: Vec<String> = header
        .iter()
        .map(|f| {
            String::from_utf8_lossy(f)
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .collect();
    let (kind, columns) = resolve_header(&pathbuf, &names, mapping, delimiter)?;
    // A logbook without `precursor_start` (every real one) leaves nothing empty: it simply says
    // nothing about precursors, so the column is not listed as absent.
    let absent = kind_columns(kind, mapping)
        .iter()
        .zip(&columns)
        .filter(|((c, _), idx)| {
            idx.is_none()
                && !(kind == FileKind::Registry && mapping.registry_default(c).is_some())
                && !(kind == FileKind::Logbook && *c == "precursor_start")
        })
        .map(|((c, _), _)| shown_column(mapping, kind, c))
        .collect();
    Ok(Source {
        path: pathbuf,
        kind,
        reader,
        cuts,
        delimiter,
        columns,
        header_len: names.len(),
        names,
        absent,
    })
}

/// The most frequent of `,` `;` and tab in the header line (`,` on a tie or when none occurs).
fn detect_delimiter(header: &[u8]) -> u8 {
    let count = |d: u8| header.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| (count(d), d == b','))
        .unwrap_or(b',')
}

/// A canonical column as named in messages: `canonical (expected as 'Foreign')` when the mapping
/// renames it.
fn shown_column(mapping: &Mapping, kind: FileKind, canonical: &str) -> String {
    let src = mapping.source_column(kind, canonical);
    if src == canonical {
        canonical.to_string()
    } else {
        format!("{canonical} (expected as '{src}')")
    }
}

/// Canonical columns of a kind, with whether each is required. A registry column the mapping
/// gives a default value is not required, nor is the commissioning date; a mapped signal the file
/// lacks stays empty.
fn kind_columns(kind: FileKind, mapping: &Mapping) -> Vec<(&'static str, bool)> {
    match kind {
        FileKind::Scada => {
            let mut v = vec![("timestamp", true), ("turbine_id", true)];
            v.extend(SIGNALS.iter().map(|s| (s.name, s.required)));
            v.push(("status", false));
            v
        }
        FileKind::Registry => REGISTRY_COLUMNS
            .iter()
            .map(|c| {
                let optional = *c == "commissioning_date" || mapping.registry_default(c).is_some();
                (*c, !optional)
            })
            .collect(),
        FileKind::Logbook => LOGBOOK_COLUMNS
            .iter()
            .map(|c| {
                let optional = matches!(*c, "back_in_service_time" | "action" | "precursor_start");
                (*c, !optional)
            })
            .collect(),
    }
}

/// Decides the kind of file from its header and locates each canonical column.
pub(super) fn resolve_header(
    path: &Path,
    names: &[String],
    mapping: &Mapping,
    delimiter: u8,
) -> Result<(FileKind, Vec<Option<usize>>), IngestError> {
    for (i, n) in names.iter().enumerate() {
        if !n.is_empty() && names[..i].iter().any(|m| m.eq_ignore_ascii_case(n)) {
            return Err(IngestError::DuplicateColumn {
                path: path.to_path_buf(),
                column: n.clone(),
            });
        }
    }
    let find = |col: &str| names.iter().position(|n| n.eq_ignore_ascii_case(col));
    // The kind is the one whose required columns are all present (the most columns found wins
    // a tie); failing that, the one with the largest share of its required columns, if at least
    // two are present, so the error can name what is missing.
    let score = |kind: FileKind| {
        let cols = kind_columns(kind, mapping);
        let found = |c: &str| find(mapping.source_column(kind, c)).is_some();
        let required = cols.iter().filter(|(_, r)| *r).count();
        let present = cols.iter().filter(|(c, r)| *r && found(c)).count();
        let all = cols.iter().filter(|(c, _)| found(c)).count();
        (kind, present, required, all)
    };
    let scores = [
        score(FileKind::Scada),
        score(FileKind::Registry),
        score(FileKind::Logbook),
    ];
    let complete = scores
        .iter()
        .filter(|(_, present, required, _)| present == required)
        .max_by_key(|(_, _, _, all)| *all);
    let partial = || {
        scores
            .iter()
            .filter(|(_, present, _, _)| *present >= 2)
            .max_by(|a, b| (a.1 * b.2).cmp(&(b.1 * a.2)))
    };
    let kind = complete.or_else(partial).map(|(kind, ..)| *kind);
    let Some(kind) = kind else {
        let why = if names.len() < 2 {
            format!(
                "its first line has a single column{}",
                if delimiter == b',' {
                    " and no ',' ';' or tab separator"
                } else {
                    ""
                }
            )
        } else {
            format!(
                "found {}; a SCADA file needs timestamp, turbine_id, wind_speed_ms and power_kw, a registry needs rated_power_kw, a logbook needs failure_time (mapping '{}')",
                preview(names),
                mapping.name
            )
        };
        return Err(IngestError::UnknownKind {
            path: path.to_path_buf(),
            why,
        });
    };
    let cols = kind_columns(kind, mapping);
    let columns: Vec<Option<usize>> = cols
        .iter()
        .map(|(c, _)| find(mapping.source_column(kind, c)))
        .collect();
    let missing: Vec<String> = cols
        .iter()
        .zip(&columns)
        .filter(|((_, required), idx)| *required && idx.is_none())
        .map(|((c, _), _)| shown_column(mapping, kind, c))
        .collect();
    if !missing.is_empty() {
        return Err(IngestError::MissingColumns {
            path: path.to_path_buf(),
            kind: kind.as_str(),
            columns: missing.join(", "),
            hint: if mapping.name == "canonical" {
                "; if the file uses another naming, pass --mapping".to_string()
            } else {
                format!(" (mapping '{}')", mapping.name)
            },
        });
    }
    Ok((kind, columns))
}

/// The first header names, for an error message.
fn preview(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(6).map(String::as_str).collect();
    let more = if names.len() > 6 {
        format!(" and {} more", names.len() - 6)
    } else {
        String::new()
    };
    format!("columns {}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_file;
    use crate::ingest::test_support::{scada_row, setup, write};
    use crate::schema;
    use crate::store::Store;

    #[test]
    fn file_level_problems_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let m = Mapping::canonical();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty.csv", b"".to_vec(), "the file is empty"),
            (
                "blank.csv",
                b"\xEF\xBB\xBF\n\n".to_vec(),
                "the file is empty",
            ),
            (
                "bin.csv",
                vec![0x7f, b'E', b'L', b'F', 0, 1, 2, 3],
                "binary data",
            ),
            (
                "latin1.csv",
                b"turbine_id,site\nT\xe9\xff\xfe,x\n".to_vec(),
                "not UTF-8 text",
            ),
            (
                "notes.txt",
                b"hello world\nthis is a note\n".to_vec(),
                "single column",
            ),
            (
                "other.csv",
                b"a,b,c\n1,2,3\n".to_vec(),
                "does not look like a SCADA",
            ),
            (
                "nopower.csv",
                b"timestamp,turbine_id,wind_speed_ms\n2026-05-01T00:00:00Z,T1,5\n".to_vec(),
                "missing required column power_kw for a scada file",
            ),
            (
                "dup.csv",
                b"timestamp,turbine_id,timestamp\n".to_vec(),
                "names column 'timestamp' twice",
            ),
        ];
        for (name, body, expected) in cases {
            let p = write(dir.path(), name, &body);
            let err = ingest_file(&mut store, &p, &m).unwrap_err().to_string();
            assert!(err.contains(expected), "{name}: {err}");
            assert!(err.contains(name), "{name}: {err}");
        }
        let err = ingest_file(&mut store, &dir.path().join("absent.csv"), &m).unwrap_err();
        assert!(
            err.to_string().ends_with("absent.csv: file not found"),
            "{err}"
        );
    }

    #[test]
    fn bom_crlf_and_semicolons_are_read() {
        let (dir, mut store) = setup();
        let header = schema::scada_columns().join(";");
        let row = scada_row("2026-05-01T00:00:00Z", "T1", "7.5", "1200").replace(',', ";");
        let body = format!("\u{feff}{header}\r\n{row}\r\n");
        let p = write(dir.path(), "bom.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &Mapping::canonical()).unwrap();
        assert_eq!((r.accepted, r.quarantined), (1, 0));
    }

    /// ENGIE's full export naming: `_avg/_min/_max/_std` of about 30 variables. No real file of
    /// it is available offline: this header is constructed from ENGIE's published variable list.
    fn engie_full_header() -> Vec<String> {
        let vars = [
            "Ba", "Bb", "Bc", "Cm", "Cosphi", "Db1t", "Db2t", "DCs", "Ds", "Dst", "Gb1t", "Gb2t",
            "Git", "Gost", "Na_c", "Nf", "Nu", "Ot", "P", "Pas", "Q", "Rbt", "Rm", "Rs", "Rt", "S",
            "Va", "Va1", "Va2", "Wa", "Wa_c", "Ws", "Ws1", "Ws2", "Ya", "Yt",
        ];
        let mut h = vec!["Wind_turbine_name".to_string(), "Date_time".to_string()];
        for v in vars {
            for s in ["avg", "min", "max", "std"] {
                h.push(format!("{v}_{s}"));
            }
        }
        h
    }

    #[test]
    fn engie_mapping_resolves_every_mapped_column_of_the_full_naming() {
        let m = Mapping::load("engie").unwrap();
        let names = engie_full_header();
        let (kind, columns) = resolve_header(Path::new("full.csv"), &names, &m, b',').unwrap();
        assert_eq!(kind, FileKind::Scada);
        let cols = schema::scada_columns();
        let found: Vec<(&str, &str)> = cols
            .iter()
            .zip(&columns)
            .filter_map(|(c, i)| i.map(|i| (*c, names[i].as_str())))
            .collect();
        assert_eq!(
            found,
            [
                ("timestamp", "Date_time"),
                ("turbine_id", "Wind_turbine_name"),
                ("wind_speed_ms", "Ws_avg"),
                ("wind_dir_deg", "Wa_avg"),
                ("power_kw", "P_avg"),
                ("rotor_rpm", "Rs_avg"),
                ("generator_rpm", "Ds_avg"),
                ("pitch_deg", "Ba_avg"),
                ("ambient_temp_c", "Ot_avg"),
                ("nacelle_temp_c", "Yt_avg"),
                ("gearbox_oil_temp_c", "Gost_avg"),
                ("gearbox_bearing_temp_c", "Gb1t_avg"),
                ("generator_bearing_temp_c", "Db1t_avg"),
                ("generator_winding_temp_c", "Dst_avg"),
            ]
        );
    }

    #[test]
    fn engie_exports_ingest_and_name_what_they_lack() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let m = Mapping::load("engie").unwrap();
        // ENGIE's asset table: no site, no commissioning date.
        let assets = "Wind_turbine_name,Latitude,Longitude,elevation_m,Rated_power,Hub_height_m,Rotor_diameter_m,Manufacturer,Model\n\
            R80711,48.4569,5.5847,411,2050,80,82,Senvion,MM82\n";
        let p = write(dir.path(), "assets.csv", assets.as_bytes());
        let r = ingest_file(&mut store, &p, &m).unwrap();
        assert_eq!((r.kind, r.accepted, r.quarantined), ("registry", 1, 0));
        let (site, model, day): (String, String, String) = store
            .conn()
            .query_row(
                "SELECT site, model, commissioning_date FROM turbines WHERE turbine_id = 'R80711'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (site.as_str(), model.as_str(), day.as_str()),
            ("La Haute Borne", "MM82", "")
        );

        // The full naming: one record, every mapped signal stored.
        let names = engie_full_header();
        let values: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| match n.as_str() {
                "Wind_turbine_name" => "R80711".to_string(),
                "Date_time" => "2017-06-01T12:00:00+02:00".to_string(),
                "Wa_avg" => "200".to_string(),
                _ => format!("{}", 10 + i % 7),
            })
            .collect();
        let body = format!("{}\n{}\n", names.join(","), values.join(","));
        let p = write(dir.path(), "full.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &m).unwrap();
        assert_eq!((r.accepted, r.quarantined, r.cleared), (1, 0, 0));
        assert_eq!(
            r.absent_columns,
            [
                "hydraulic_oil_temp_c",
                "converter_temp_c",
                "transformer_temp_c",
                "vibration_mm_s",
                "status"
            ]
        );
        let filled: i64 = store
            .conn()
            .query_row(
                &format!(
                    "SELECT {} FROM readings WHERE ts = ?1",
                    SIGNALS
                        .iter()
                        .map(|s| format!("({} IS NOT NULL)", s.name))
                        .collect::<Vec<_>>()
                        .join(" + ")
                ),
                [schema::parse_timestamp("2017-06-01T10:00:00Z").unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(filled, 12, "the 12 signals ENGIE's full export carries");

        // The 7-signal open-data export: the mapped columns it lacks are named, not an error.
        let body = "Wind_turbine_name,Date_time,Ba_avg,P_avg,Ws_avg,Va_avg,Ot_avg,Ya_avg,Wa_avg\n\
            R80711,2014-01-01T01:00:00+01:00,-1.0,642.78003,7.12,0.66,4.69,181.34,182.00999\n";
        let p = write(dir.path(), "seven.csv", body.as_bytes());
        let r = ingest_file(&mut store, &p, &m).unwrap();
        assert_eq!((r.accepted, r.quarantined), (1, 0));
        assert!(r
            .absent_columns
            .contains(&"gearbox_oil_temp_c (expected as 'Gost_avg')".to_string()));
        assert_eq!(r.absent_columns.len(), 12, "{:?}", r.absent_columns);

        // A key column the file lacks names the mapping's column, the canonical one and the file.
        let body = "Wind_turbine_name,Ba_avg,P_avg,Ws_avg\nR80711,-1,600,7\n";
        let p = write(dir.path(), "notime.csv", body.as_bytes());
        let err = ingest_file(&mut store, &p, &m).unwrap_err().to_string();
        assert!(
            err.contains("notime.csv: missing required column timestamp (expected as 'Date_time') for a scada file (mapping 'engie')"),
            "{err}"
        );
    }

    #[test]
    fn detects_the_delimiter() {
        assert_eq!(detect_delimiter(b"a;b;c"), b';');
        assert_eq!(detect_delimiter(b"a,b,c"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"abc"), b',');
    }
}
