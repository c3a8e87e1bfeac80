//! Bulk writes to the hub: rows are streamed with `COPY … FROM STDIN` (text format) into a
//! temporary table shaped like the target, then moved with one `INSERT … SELECT … ON CONFLICT`,
//! so a year of daily runs of a thousand turbines is a handful of statements.

use std::io::Write;

use postgres::Transaction;

use super::hub_err;
use crate::hub::HubError;

/// One value of a row, written in `COPY`'s text format.
pub enum Cell<'a> {
    /// SQL `NULL`.
    Null,
    /// Text (escaped).
    Text(&'a str),
    /// An integer.
    Int(i64),
    /// A real number.
    Real(f64),
    /// A boolean.
    Bool(bool),
}

impl<'a> From<Option<&'a str>> for Cell<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Cell::Null, Cell::Text)
    }
}

impl From<Option<i64>> for Cell<'_> {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Cell::Null, Cell::Int)
    }
}

impl From<Option<f64>> for Cell<'_> {
    fn from(v: Option<f64>) -> Self {
        match v {
            Some(x) if x.is_finite() => Cell::Real(x),
            _ => Cell::Null,
        }
    }
}

/// Appends one row (tab-separated, newline-terminated) to `buf`.
pub fn row(buf: &mut Vec<u8>, cells: &[Cell<'_>]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            buf.push(b'\t');
        }
        match c {
            Cell::Null => buf.extend_from_slice(b"\\N"),
            Cell::Text(s) => escape(buf, s),
            Cell::Int(v) => buf.extend_from_slice(v.to_string().as_bytes()),
            Cell::Real(v) => buf.extend_from_slice(format!("{v:?}").as_bytes()),
            Cell::Bool(b) => buf.push(if *b { b't' } else { b'f' }),
        }
    }
    buf.push(b'\n');
}

fn escape(buf: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            _ => buf.push(b),
        }
    }
}

/// Creates the temporary table `temp` with the columns `cols` of `table` (no rows, dropped at
/// commit).
pub fn create_temp(
    tx: &mut Transaction<'_>,
    table: &str,
    temp: &str,
    cols: &str,
    shown: &str,
) -> Result<(), HubError> {
    tx.batch_execute(&format!(
        "CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA"
    ))
    .map_err(hub_err(shown, &format!("preparing rows for {table}")))
}

/// Streams `data` (rows made by [`row`]) into the temporary table `temp`; returns the number of
/// rows copied.
pub fn send(
    tx: &mut Transaction<'_>,
    temp: &str,
    cols: &str,
    data: &[u8],
    shown: &str,
) -> Result<u64, HubError> {
    let doing = format!("sending rows ({temp})");
    let pg = hub_err(shown, &doing);
    if data.is_empty() {
        return Ok(0);
    }
    let mut writer = tx
        .copy_in(&format!("COPY {temp} ({cols}) FROM STDIN"))
        .map_err(&pg)?;
    if let Err(e) = writer.write_all(data) {
        return Err(HubError::Server {
            shown: shown.to_string(),
            doing: doing.clone(),
            detail: e.to_string(),
        });
    }
    writer.finish().map_err(&pg)
}

/// Stages `buf` (rows made with [`row`]) into a fresh temporary copy `temp` of `table`, ready
/// for an `INSERT … SELECT`. Returns false, and sends nothing, when there is no row: a user
/// without the right to write `table` (an office or field user's runs) sends no statement on it.
pub fn stage(
    tx: &mut Transaction<'_>,
    table: &str,
    temp: &str,
    cols: &str,
    buf: &[u8],
    shown: &str,
) -> Result<bool, HubError> {
    if buf.is_empty() {
        return Ok(false);
    }
    create_temp(tx, table, temp, cols, shown)?;
    send(tx, temp, cols, buf, shown)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_tabs_newlines_and_backslashes_is_escaped_and_null_is_marked() {
        let mut buf = Vec::new();
        row(
            &mut buf,
            &[
                Cell::Text("a\tb\nc\\d"),
                Cell::Null,
                Cell::Int(-3),
                Cell::Bool(true),
                Cell::from(Some(f64::NAN)),
            ],
        );
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "a\\tb\\nc\\\\d\t\\N\t-3\tt\t\\N\n"
        );
    }
}
