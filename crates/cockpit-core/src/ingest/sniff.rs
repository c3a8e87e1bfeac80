//! Opening a file: text or binary, byte-order mark, delimiter, and the header that tells a SCADA
//! export from a turbine registry or a logbook and locates each canonical column.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::mapping::Mapping;
use crate::schema::{FileKind, LOGBOOK_COLUMNS, REGISTRY_COLUMNS, SIGNALS};

use super::IngestError;

/// Bytes looked at to tell a text file from a binary one.
const SNIFF_BYTES: usize = 8192;

/// An opened CSV file whose header has been read and resolved.
pub(super) struct Source {
    /// The file.
    pub(super) path: PathBuf,
    /// What the header says the file is.
    pub(super) kind: FileKind,
    /// The reader, positioned after the header line.
    pub(super) reader: csv::Reader<Box<dyn Read + Send>>,
    /// The field delimiter (given by the mapping or detected).
    pub(super) delimiter: u8,
    /// For each canonical column of the kind, the index of the file column carrying it.
    pub(super) columns: Vec<Option<usize>>,
    /// Fields in the header line (every record must have as many).
    pub(super) header_len: usize,
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
    Ok(Source {
        path: pathbuf,
        kind,
        reader,
        delimiter,
        columns,
        header_len: names.len(),
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

/// Canonical columns of a kind, with whether each is required.
fn kind_columns(kind: FileKind) -> Vec<(&'static str, bool)> {
    match kind {
        FileKind::Scada => {
            let mut v = vec![("timestamp", true), ("turbine_id", true)];
            v.extend(SIGNALS.iter().map(|s| (s.name, s.required)));
            v.push(("status", false));
            v
        }
        FileKind::Registry => REGISTRY_COLUMNS.iter().map(|c| (*c, true)).collect(),
        FileKind::Logbook => LOGBOOK_COLUMNS
            .iter()
            .map(|c| (*c, !matches!(*c, "back_in_service_time" | "action")))
            .collect(),
    }
}

/// Decides the kind of file from its header and locates each canonical column.
fn resolve_header(
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
        let cols = kind_columns(kind);
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
    let cols = kind_columns(kind);
    let columns: Vec<Option<usize>> = cols
        .iter()
        .map(|(c, _)| find(mapping.source_column(kind, c)))
        .collect();
    let missing: Vec<String> = cols
        .iter()
        .zip(&columns)
        .filter(|((_, required), idx)| *required && idx.is_none())
        .map(|((c, _), _)| {
            let src = mapping.source_column(kind, c);
            if src == *c {
                c.to_string()
            } else {
                format!("{c} (expected as '{src}')")
            }
        })
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

    #[test]
    fn detects_the_delimiter() {
        assert_eq!(detect_delimiter(b"a;b;c"), b';');
        assert_eq!(detect_delimiter(b"a,b,c"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"abc"), b',');
    }
}
