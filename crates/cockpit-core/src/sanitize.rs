//! Text the cockpit hands to other programs, made harmless: a cell of a CSV the product writes
//! (opened in a spreadsheet) and data printed on a terminal.
//!
//! Both come from input the cockpit does not control (a registry's site, a turbine id, a raw
//! quarantined line), so every writer goes through these two functions:
//!
//! - [`spreadsheet_cell`]: a **text** cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage
//!   return would be read by a spreadsheet as a formula (`=HYPERLINK(…)` runs when the file is
//!   opened); it gets a leading `'`, which spreadsheets show as text and do not display. Numeric
//!   cells the cockpit formats itself (a score, a feature, a negative temperature) are written as
//!   numbers and do not go through it, so `-3.5` stays a number.
//! - [`terminal_safe`]: control characters (C0 but newline and tab, DEL, C1) are removed, so an
//!   id holding `ESC[31m` or a carriage return cannot recolour, move or overwrite what the
//!   terminal shows.

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell for a CSV file: unchanged, or with a leading `'` when it begins with one of
/// [`FORMULA_STARTS`].
pub fn spreadsheet_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// Whether a character would be interpreted by a terminal rather than shown.
fn is_terminal_control(c: char) -> bool {
    c != '\n' && c != '\t' && c.is_control()
}

/// Text for a terminal: every control character but newline and tab removed (ESC, carriage
/// return, backspace, bell, DEL, the C1 controls such as CSI `U+009B`).
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_terminal_control) {
        Cow::Owned(text.chars().filter(|c| !is_terminal_control(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        for hostile in [
            "=HYPERLINK(\"http://x\",\"click\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            let cell = spreadsheet_cell(hostile);
            assert_eq!(cell, format!("'{hostile}"), "{hostile:?}");
        }
    }

    #[test]
    fn plain_text_is_left_alone() {
        for fine in [
            "Lyon",
            "LYO-01",
            "",
            "gearbox oil 9.4 °C above",
            "'quoted",
            "a=b",
        ] {
            assert!(
                matches!(spreadsheet_cell(fine), Cow::Borrowed(s) if s == fine),
                "{fine:?}"
            );
        }
    }

    #[test]
    fn terminal_controls_are_removed_newline_and_tab_kept() {
        assert_eq!(terminal_safe("T\u{1b}[31mRED\u{1b}[0m"), "T[31mRED[0m");
        assert_eq!(terminal_safe("over\rwrite\u{7}\u{8}\u{7f}"), "overwrite");
        assert_eq!(terminal_safe("c1\u{9b}31m\u{85}"), "c131m");
        assert_eq!(terminal_safe("a\tb\nc"), "a\tb\nc");
        assert!(matches!(terminal_safe("Éolienne LYO-01"), Cow::Borrowed(_)));
    }
}
