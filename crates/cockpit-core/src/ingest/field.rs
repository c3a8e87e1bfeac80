//! One field of a record as read: the "no value" spellings and the text a message shows of it
//! (used by the row rules and the local-time reading alike).

/// An empty field or one of the usual "no value" spellings (NaN, NA, N/A, null).
pub(super) fn is_missing(f: &[u8]) -> bool {
    f.is_empty()
        || f.eq_ignore_ascii_case(b"nan")
        || f.eq_ignore_ascii_case(b"na")
        || f.eq_ignore_ascii_case(b"n/a")
        || f.eq_ignore_ascii_case(b"null")
}

/// The field as shown in a message (cut at 40 characters).
pub(super) fn shown(f: &[u8]) -> String {
    let s = String::from_utf8_lossy(f);
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.into_owned()
    }
}
