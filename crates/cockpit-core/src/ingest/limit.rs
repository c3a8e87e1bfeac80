//! The record-size limit: no CSV record longer than [`MAX_RECORD_BYTES`] reaches the CSV reader,
//! so one huge line (or a quote that never closes) cannot make memory grow with the file.
//!
//! [`Limited`] sits between the file and the CSV reader and follows the records the way the
//! reader splits them (fields, quotes, doubled quotes, line breaks outside quotes). When a record
//! passes the limit, the reader gets its first [`MAX_RECORD_BYTES`] and an end of record; the rest
//! of the record is read and dropped, never held, and a [`Cut`] tells the parser which record was
//! cut, so it is quarantined as `record_too_large` and the line numbers after it stay right. A
//! quote opened in the record that never closes makes the record run to the end of the file.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};

/// The longest record (or header line) read: 1 MiB.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Bytes read from the file at a time.
const CHUNK: usize = 64 * 1024;

/// A record that passed the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cut {
    /// Byte offset, in the text the CSV reader sees, where the record starts.
    pub(super) start: u64,
    /// Length of the whole record in the file, in bytes.
    pub(super) bytes: u64,
    /// Line breaks of the file the CSV reader did not see because of this cut (to add to the line
    /// numbers of the records after it).
    pub(super) line_shift: i64,
    /// The record ran to the end of the file (a quote opened in it never closes).
    pub(super) to_end: bool,
}

/// The cuts made so far, shared between the [`Limited`] reader and the parser.
#[derive(Debug, Clone, Default)]
pub(super) struct Cuts(Arc<Mutex<VecDeque<Cut>>>);

impl Cuts {
    /// The cut of the record starting at byte `start` of the reader's text, if it was cut; cuts of
    /// records before it (none in practice) are dropped.
    pub(super) fn take_at(&self, start: u64) -> Option<Cut> {
        let mut q = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(front) = q.front() {
            if front.start < start {
                q.pop_front();
            } else if front.start == start {
                return q.pop_front();
            } else {
                break;
            }
        }
        None
    }

    fn push(&self, cut: Cut) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(cut);
    }
}

/// Where the reader is in a record, as the CSV reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field (or of a record).
    FieldStart,
    /// In a field that did not start with a quote (quotes in it are plain characters).
    Field,
    /// In a quoted field.
    Quoted,
    /// Just after a quote in a quoted field: a second quote is an escaped one, anything else
    /// ends the quoted part.
    QuoteInQuoted,
}

/// A reader that cuts records longer than its limit (see the module).
pub(super) struct Limited<R> {
    inner: R,
    delimiter: u8,
    limit: u64,
    state: State,
    /// Bytes given to the CSV reader so far.
    out_pos: u64,
    /// Where the current record starts, in the reader's text.
    record_start: u64,
    /// Bytes of the current record read from the file so far.
    record_len: u64,
    /// The cut being made (the rest of the record is read and dropped) and the state the reader
    /// was left in.
    skipping: Option<(Cut, State)>,
    /// Bytes to give before reading on (the end of a cut record).
    pending: Vec<u8>,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    cuts: Cuts,
}

/// Moves `state` over byte `b`; `true` when the byte ends the record.
fn step(state: &mut State, delimiter: u8, b: u8) -> bool {
    *state = match (*state, b) {
        (State::Quoted, b'"') => State::QuoteInQuoted,
        (State::Quoted, _) => State::Quoted,
        (State::FieldStart, b'"') => State::Quoted,
        (State::QuoteInQuoted, b'"') => State::Quoted,
        (_, b'\n' | b'\r') => {
            *state = State::FieldStart;
            return true;
        }
        (_, d) if d == delimiter => State::FieldStart,
        _ => State::Field,
    };
    false
}

impl<R: Read> Limited<R> {
    /// Wraps `inner` (CSV text with `delimiter`), cutting records over [`MAX_RECORD_BYTES`].
    pub(super) fn new(inner: R, delimiter: u8, cuts: Cuts) -> Limited<R> {
        Limited::with_limit(inner, delimiter, cuts, MAX_RECORD_BYTES)
    }

    /// [`Limited::new`] with another limit (tests use a small one).
    pub(super) fn with_limit(inner: R, delimiter: u8, cuts: Cuts, limit: usize) -> Limited<R> {
        Limited {
            inner,
            delimiter,
            limit: limit as u64,
            state: State::FieldStart,
            out_pos: 0,
            record_start: 0,
            record_len: 0,
            skipping: None,
            pending: Vec::new(),
            buf: vec![0; CHUNK],
            pos: 0,
            len: 0,
            cuts,
        }
    }

    /// Reads and drops the rest of a cut record; at its end (or the file's), records the cut and
    /// queues the end of record for the CSV reader.
    fn skip(&mut self) {
        let Some((cut, _)) = &mut self.skipping else {
            return;
        };
        let eof = self.len == 0;
        let mut ended = eof;
        while self.pos < self.len {
            let b = self.buf[self.pos];
            self.pos += 1;
            if step(&mut self.state, self.delimiter, b) {
                // The file's end of record is replaced by the one given to the reader, which
                // counts a line for it.
                if b == b'\r' {
                    cut.line_shift -= 1;
                }
                ended = true;
                break;
            }
            cut.bytes += 1;
            if b == b'\n' {
                cut.line_shift += 1;
            }
        }
        if !ended {
            return;
        }
        if let Some((mut cut, left_in)) = self.skipping.take() {
            if eof {
                cut.to_end = true;
                cut.line_shift -= 1;
            }
            self.cuts.push(cut);
            // A reader left inside a quoted field needs the quote closed before the record ends.
            if left_in == State::Quoted {
                self.pending.push(b'"');
            }
            self.pending.push(b'\n');
            self.state = State::FieldStart;
            self.record_len = 0;
        }
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if !self.pending.is_empty() {
                let n = self.pending.len().min(out.len());
                out[..n].copy_from_slice(&self.pending[..n]);
                self.pending.drain(..n);
                self.out_pos += n as u64;
                self.record_start = self.out_pos;
                return Ok(n);
            }
            if self.pos == self.len {
                self.len = self.inner.read(&mut self.buf)?;
                self.pos = 0;
                if self.len == 0 {
                    if self.skipping.is_some() {
                        self.skip();
                        continue;
                    }
                    return Ok(0);
                }
            }
            if self.skipping.is_some() {
                self.skip();
                continue;
            }
            // Pass bytes on until the output is full, the input is used up or the limit is hit.
            let mut n = 0;
            while n < out.len() && self.pos < self.len {
                let b = self.buf[self.pos];
                let mut next = self.state;
                let ends = step(&mut next, self.delimiter, b);
                if !ends && self.record_len >= self.limit {
                    // This byte would make the record too long: the reader gets no more of it.
                    self.skipping = Some((
                        Cut {
                            start: self.record_start,
                            bytes: self.record_len,
                            line_shift: 0,
                            to_end: false,
                        },
                        self.state,
                    ));
                    break;
                }
                self.pos += 1;
                out[n] = b;
                n += 1;
                self.state = next;
                if ends {
                    self.record_len = 0;
                    self.record_start = self.out_pos + n as u64;
                } else {
                    self.record_len += 1;
                }
            }
            if n > 0 {
                self.out_pos += n as u64;
                return Ok(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` through a limit of `limit` bytes with a CSV reader: the records as text (cut
    /// ones marked) with their line numbers as the parser computes them.
    fn read(text: &str, limit: usize) -> Vec<(u64, String)> {
        let cuts = Cuts::default();
        let limited = Limited::with_limit(text.as_bytes(), b',', cuts.clone(), limit);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(4)
            .from_reader(limited);
        let mut record = csv::ByteRecord::new();
        let mut shift = 0i64;
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let pos = record.position().unwrap();
            let line = (pos.line() as i64 + shift) as u64;
            let fields: Vec<String> = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            match cuts.take_at(pos.byte()) {
                Some(cut) => {
                    shift += cut.line_shift;
                    out.push((
                        line,
                        format!(
                            "CUT {} bytes{}",
                            cut.bytes,
                            if cut.to_end { " to end" } else { "" }
                        ),
                    ));
                }
                None => out.push((line, fields.join("|"))),
            }
        }
        out
    }

    #[test]
    fn records_under_the_limit_pass_as_they_are() {
        let text = "a,b\n1,\"x,\"\"y\"\"\n\"\n\r\n2,3\n";
        assert_eq!(
            read(text, 64),
            vec![
                (1, "a|b".to_string()),
                (2, "1|x,\"y\"\n".to_string()),
                (4, "2|3".to_string())
            ]
        );
    }

    #[test]
    fn a_long_record_is_cut_and_the_lines_after_it_keep_their_numbers() {
        let long = "x".repeat(100);
        let text = format!("a,b\n1,{long}\n2,\"{long}\n{long}\"\n3,4\n5,\"never closed\n6,7\n");
        assert_eq!(
            read(&text, 20),
            vec![
                (1, "a|b".to_string()),
                (2, "CUT 102 bytes".to_string()),
                (3, "CUT 205 bytes".to_string()),
                (5, "3|4".to_string()),
                (6, "5|never closed\n6,7\n".to_string()),
            ]
        );
        let text = format!("a,b\n5,\"{long}\n6,7\n");
        assert_eq!(
            read(&text, 20),
            vec![
                (1, "a|b".to_string()),
                (2, "CUT 108 bytes to end".to_string())
            ]
        );
    }
}
