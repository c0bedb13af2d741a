//! Decimal text to `f64`, correctly rounded, without the standard library's parser.
//!
//! `str::parse::<f64>` links `core::num::dec2flt`: Eisel–Lemire with a 10 KB table of 128-bit
//! powers of five, plus its own big-decimal slow path. In the planner wasm that table is ~10 KB of
//! incompressible data, for a handful of short numbers per configuration file. [`parse_f64`]
//! returns the same bits as `str::parse::<f64>` for every input (the tests hold it to std): Clinger's
//! fast path when the digits and the power of ten are both exact doubles (one correctly rounded
//! operation), otherwise the exact quotient of two small big integers, rounded half to even.

use std::cmp::Ordering;

/// Significant digits kept; any further non-zero digit becomes one sticky `1` after them. A
/// halfway point between adjacent doubles has at most 767 significant digits, so digits past the
/// 800th can only tell "exactly this prefix" from "a little more" — which the sticky digit keeps —
/// and no input length makes the big integers grow past a few hundred limbs.
const MAX_DIGITS: usize = 800;

/// An exponent literal past this is clamped: the value is then 0 or infinite whatever the digits
/// (there are fewer than 2^40 of them), and the arithmetic below cannot overflow.
const MAX_EXP_LITERAL: i64 = 1 << 40;

/// What `text.parse::<f64>().ok()` returns, bit for bit: an optional sign, then digits with an
/// optional `.` (at least one digit on either side) and an optional exponent (`e`/`E`, optional sign,
/// at least one digit), or `inf`, `infinity` or `nan` in any case. No whitespace, no `_`.
pub(crate) fn parse_f64(text: &str) -> Option<f64> {
    let (negative, body) = match text.as_bytes().split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text.as_bytes()),
    };
    let magnitude = match Decimal::parse(body) {
        Some(d) => d.to_f64(),
        None if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") => f64::INFINITY,
        None if body.eq_ignore_ascii_case(b"nan") => f64::NAN,
        None => return None,
    };
    // std negates NaN too (`-nan` has the sign bit set).
    Some(if negative { -magnitude } else { magnitude })
}

/// `digits × 10^exp`: significant digits (0–9, no leading zero; no trailing zero unless it is
/// followed by the sticky digit).
struct Decimal {
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    fn parse(body: &[u8]) -> Option<Decimal> {
        let mut digits = Vec::new();
        let mut exp: i64 = 0;
        let mut any_digit = false;
        let mut sticky = false;
        let mut in_fraction = false;
        let mut rest = body;
        loop {
            match rest.split_first() {
                Some((&c @ b'0'..=b'9', tail)) => {
                    any_digit = true;
                    let d = c - b'0';
                    if in_fraction {
                        exp = exp.saturating_sub(1);
                    }
                    if digits.is_empty() && d == 0 {
                        // A leading zero: only its place (counted above) matters.
                    } else if digits.len() < MAX_DIGITS {
                        digits.push(d);
                    } else {
                        exp = exp.saturating_add(1);
                        sticky |= d != 0;
                    }
                    rest = tail;
                }
                Some((b'.', tail)) if !in_fraction => {
                    in_fraction = true;
                    rest = tail;
                }
                _ => break,
            }
        }
        if !any_digit {
            return None;
        }
        if let Some((b'e' | b'E', tail)) = rest.split_first() {
            let (negative, tail) = match tail.split_first() {
                Some((b'-', t)) => (true, t),
                Some((b'+', t)) => (false, t),
                _ => (false, tail),
            };
            if tail.is_empty() {
                return None;
            }
            let mut e: i64 = 0;
            for &c in tail {
                if !c.is_ascii_digit() {
                    return None;
                }
                e = (e * 10 + i64::from(c - b'0')).min(MAX_EXP_LITERAL);
            }
            exp = exp.saturating_add(if negative { -e } else { e });
            rest = &[];
        }
        if !rest.is_empty() {
            return None;
        }
        if sticky {
            digits.push(1);
            exp = exp.saturating_sub(1);
        } else {
            while digits.last() == Some(&0) {
                digits.pop();
                exp = exp.saturating_add(1);
            }
        }
        Some(Decimal { digits, exp })
    }

    fn to_f64(&self) -> f64 {
        let n = self.digits.len() as i64;
        if n == 0 {
            return 0.0;
        }
        // The value lies in [10^(n-1+exp), 10^(n+exp)).
        if (n - 1).saturating_add(self.exp) >= 309 {
            return f64::INFINITY; // ≥ 1e309: past f64::MAX and half an ulp.
        }
        if n.saturating_add(self.exp) <= -324 {
            return 0.0; // < 1e-324: under half the smallest subnormal (2.47e-324).
        }
        if let Some(f) = self.fast() {
            return f;
        }
        self.slow()
    }

    /// Clinger: both `digits` (≤ 2^53) and `10^|exp|` (≤ 10^22) are exact doubles, so one IEEE
    /// multiplication or division rounds the exact value once, correctly.
    fn fast(&self) -> Option<f64> {
        if self.digits.len() > 19 || !(-22..=22).contains(&self.exp) {
            return None;
        }
        // 19 digits fit in a u64.
        let m = self.digits.iter().fold(0u64, |m, &d| m * 10 + u64::from(d));
        if m > 1 << 53 {
            return None;
        }
        // Every power of ten up to 10^22, so every product on the way, is exact.
        let p = (0..self.exp.unsigned_abs()).fold(1.0f64, |p, _| p * 10.0);
        Some(if self.exp < 0 { m as f64 / p } else { m as f64 * p })
    }

    /// value = a / b × 2^exp exactly, with a = digits × 5^exp or b = 5^-exp. The first 63–64 bits
    /// of the quotient and whether a remainder is left are all rounding needs (u64, not u128: wasm
    /// has no 128-bit arithmetic, and emulating it costs code).
    fn slow(&self) -> f64 {
        let mut a = Big::from_digits(&self.digits);
        let mut b = Big(vec![1]);
        if self.exp >= 0 {
            a.mul_pow5(self.exp.unsigned_abs());
        } else {
            b.mul_pow5(self.exp.unsigned_abs());
        }
        // Scale so the quotient is in [2^62, 2^64): a/b is in (2^(la-lb-1), 2^(la-lb+1)).
        let shift = 63 - (a.bit_len() - b.bit_len());
        if shift >= 0 {
            a.shl(shift.unsigned_abs());
        } else {
            b.shl(shift.unsigned_abs());
        }
        // Restoring division, one quotient bit at a time: 64 compare-and-subtracts.
        b.shl(64);
        let mut q: u64 = 0;
        for i in (0..64).rev() {
            b.shr1();
            if a.cmp(&b) != Ordering::Less {
                a.sub(&b);
                q |= 1 << i;
            }
        }
        round(q, self.exp - shift, !a.0.is_empty())
    }
}

/// The double nearest `(q + f) × 2^e2`, where `q` has 63 or 64 bits and `0 < f < 1` iff `sticky`;
/// ties to even.
fn round(q: u64, e2: i64, sticky: bool) -> f64 {
    let len = i64::from(64 - q.leading_zeros());
    // Bits below the last one a double keeps: 53 significant bits, none below 2^-1074.
    let drop = (len - 53).max(-1074 - e2);
    if drop > len {
        return 0.0; // (q + f) × 2^e2 < 2^(len+e2) ≤ half of 2^-1074.
    }
    let drop = drop.unsigned_abs() as u32; // 10..=64
    let mut m = q.checked_shr(drop).unwrap_or(0);
    let rest = q & (u64::MAX >> (64 - drop));
    let half = 1 << (drop - 1);
    if rest > half || (rest == half && (sticky || m & 1 == 1)) {
        m += 1;
    }
    let mut e = e2 + i64::from(drop);
    if m == 1 << 53 {
        m >>= 1;
        e += 1;
    }
    // value = m × 2^e with m < 2^53; below 2^52 only for subnormals, where e = -1074.
    let bits = if m < 1 << 52 {
        m
    } else {
        let biased = e + 1075;
        if biased >= 2047 {
            return f64::INFINITY;
        }
        (biased.unsigned_abs() << 52) | (m - (1 << 52))
    };
    f64::from_bits(bits)
}

/// A non-negative big integer: little-endian 32-bit limbs, no zero limb on top (zero is empty).
struct Big(Vec<u32>);

impl Big {
    fn from_digits(digits: &[u8]) -> Big {
        let mut big = Big(Vec::new());
        for chunk in digits.chunks(9) {
            let value = chunk.iter().fold(0u32, |v, &d| v * 10 + u32::from(d));
            big.mul_add(10u32.pow(chunk.len() as u32), value);
        }
        big
    }

    fn mul_add(&mut self, m: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let p = u64::from(*limb) * u64::from(m) + carry;
            *limb = p as u32;
            carry = p >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow5(&mut self, mut k: u64) {
        // 5^13 is the largest power of five in a u32.
        while k >= 13 {
            self.mul_add(1_220_703_125, 0);
            k -= 13;
        }
        self.mul_add(5u32.pow(k as u32), 0);
    }

    fn bit_len(&self) -> i64 {
        match self.0.last() {
            Some(top) => self.0.len() as i64 * 32 - i64::from(top.leading_zeros()),
            None => 0,
        }
    }

    fn shl(&mut self, bits: u64) {
        let r = (bits % 32) as u32;
        if r != 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let v = *limb;
                *limb = (v << r) | carry;
                carry = v >> (32 - r);
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        let limbs = (bits / 32) as usize;
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    fn shr1(&mut self) {
        let mut carry = 0;
        for limb in self.0.iter_mut().rev() {
            let v = *limb;
            *limb = (v >> 1) | (carry << 31);
            carry = v & 1;
        }
        self.trim();
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    /// `self -= other`, for `other <= self`.
    fn sub(&mut self, other: &Big) {
        let mut borrow = false;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let o = other.0.get(i).copied().unwrap_or(0);
            let (v, b1) = limb.overflowing_sub(o);
            let (v, b2) = v.overflowing_sub(u32::from(borrow));
            *limb = v;
            borrow = b1 || b2;
        }
        self.trim();
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

#[cfg(test)]
mod tests;
