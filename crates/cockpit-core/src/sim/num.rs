//! Fast, allocation-free text output of numbers and CSV fields, and a few numeric helpers.

const POW10: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/// Appends `n` in decimal.
#[inline]
pub(crate) fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `v` rounded half away from zero to `decimals` (at most 6) fixed decimals, e.g.
/// `-12.30`. Never writes `-0.0`. `v` must be finite and below 1e12 in magnitude.
#[inline]
pub(crate) fn push_fixed(out: &mut Vec<u8>, v: f64, decimals: usize) {
    debug_assert!(v.is_finite() && v.abs() < 1e12, "{v}");
    let scale = POW10[decimals];
    let scaled = v * scale as f64;
    // Round half away from zero with a truncating cast (no libm call).
    let n = (scaled.abs() + 0.5) as u64;
    if scaled < 0.0 && n != 0 {
        out.push(b'-');
    }
    push_u64(out, n / scale);
    if decimals > 0 {
        out.push(b'.');
        let mut frac = n % scale;
        let mut digits = [b'0'; 6];
        for d in digits[..decimals].iter_mut().rev() {
            *d = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.extend_from_slice(&digits[..decimals]);
    }
}

/// One CSV line assembled in a fixed stack buffer with byte stores only, then appended to the
/// output in a single copy: much faster than many small `Vec` appends.
pub(crate) struct Line {
    buf: [u8; Line::CAPACITY],
    len: usize,
}

impl Line {
    /// Longest line: 16 numbers, a timestamp, an id of up to 64 bytes and a status fit easily.
    pub const CAPACITY: usize = 512;

    pub fn new() -> Line {
        Line {
            buf: [0; Line::CAPACITY],
            len: 0,
        }
    }

    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
    }

    #[inline]
    pub fn push(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }

    #[inline]
    pub fn extend(&mut self, bytes: &[u8]) {
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    /// Appends `v` like [`push_fixed`].
    #[inline]
    pub fn fixed(&mut self, v: f64, decimals: usize) {
        debug_assert!(v.is_finite() && v.abs() < 1e12, "{v}");
        let scale = POW10[decimals];
        let scaled = v * scale as f64;
        let n = (scaled.abs() + 0.5) as u64;
        if scaled < 0.0 && n != 0 {
            self.push(b'-');
        }
        let (mut int, mut frac) = (n / scale, n % scale);
        let mut width = 1;
        let mut t = int / 10;
        while t > 0 {
            width += 1;
            t /= 10;
        }
        let end = self.len + width;
        for i in (self.len..end).rev() {
            self.buf[i] = b'0' + (int % 10) as u8;
            int /= 10;
        }
        self.len = end;
        if decimals > 0 {
            self.buf[self.len] = b'.';
            let end = self.len + 1 + decimals;
            for i in (self.len + 1..end).rev() {
                self.buf[i] = b'0' + (frac % 10) as u8;
                frac /= 10;
            }
            self.len = end;
        }
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Appends a CSV text field, quoted only when it contains a comma, a quote or a line break.
pub(crate) fn push_text(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// Complementary error function (Numerical Recipes `erfcc`, relative error below 1.2e-7).
pub(crate) fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// Survival function `P(Z > x)` of the standard normal law.
pub(crate) fn normal_sf(x: f64) -> f64 {
    0.5 * erfc(x * std::f64::consts::FRAC_1_SQRT_2)
}

/// `x` wrapped into `[0, 360)`.
#[inline]
pub(crate) fn wrap360(x: f64) -> f64 {
    let w = x.rem_euclid(360.0);
    if w >= 360.0 {
        0.0
    } else {
        w
    }
}

/// Signed smallest angle from `a` to `b`, in `(-180, 180]` degrees.
#[inline]
pub(crate) fn angle_diff(a: f64, b: f64) -> f64 {
    let d = (b - a).rem_euclid(360.0);
    if d > 180.0 {
        d - 360.0
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(v: f64, d: usize) -> String {
        let mut out = Vec::new();
        push_fixed(&mut out, v, d);
        let mut line = Line::new();
        line.fixed(v, d);
        assert_eq!(line.as_bytes(), out.as_slice(), "{v} {d}");
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fixed_point_matches_format() {
        assert_eq!(fixed(0.0, 1), "0.0");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-12.25, 1), "-12.3");
        assert_eq!(fixed(1234.5, 1), "1234.5");
        assert_eq!(fixed(7.005, 0), "7");
        assert_eq!(fixed(0.05, 2), "0.05");
        assert_eq!(fixed(359.96, 1), "360.0");
        assert_eq!(fixed(-500.0, 1), "-500.0");
        for i in 0..20_000 {
            let v = (i as f64 - 10_000.0) * 0.0137;
            for d in 0..=3 {
                let ours: f64 = fixed(v, d).parse().unwrap();
                assert!(
                    (ours - v).abs() <= 0.5 / 10f64.powi(d as i32) + 1e-9,
                    "{v} {d}"
                );
            }
        }
    }

    #[test]
    fn text_fields_are_quoted_when_needed() {
        let mut out = Vec::new();
        push_text(&mut out, "Lyon");
        out.push(b'|');
        push_text(&mut out, "Saint-Etienne, \"Loire\"");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Lyon|\"Saint-Etienne, \"\"Loire\"\"\""
        );
    }

    #[test]
    fn normal_tail_and_angles() {
        assert!((normal_sf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_sf(1.959_964) - 0.025).abs() < 1e-6);
        assert!((normal_sf(-1.0) - 0.841_344_7).abs() < 1e-6);
        assert_eq!(wrap360(-10.0), 350.0);
        assert_eq!(angle_diff(350.0, 10.0), 20.0);
        assert_eq!(angle_diff(10.0, 350.0), -20.0);
    }
}
