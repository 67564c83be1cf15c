//! Shortest round-trip decimal text of an `f64`, the same bytes as its `Display` form.
//!
//! Why: the CSV outputs write every number this way, and `customers.csv` holds 24 of them per
//! customer and replication, so at 100,000 customers the standard formatter took 30% of the
//! instructions of a whole 52-week run (docs/PERFORMANCE.md, sixth round). `ryu` finds the same
//! shortest digits several times faster (both give the shortest digit string that reads back
//! as the same `f64`, and of those the one nearest the value); this module only lays them out
//! as `Display` does: plain decimal, never an exponent, no trailing zeros, no `.0` on whole
//! numbers. The tests compare the two on random bits and on every kind of `f32` the CSVs
//! write.

/// Appends the `Display` text of the finite `value` to `out`.
pub fn push_shortest(out: &mut String, value: f64) {
    debug_assert!(value.is_finite());
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(value);
    // The common case: ryu wrote plain decimal ("0.25", "18.0"), which is `Display`'s text but
    // for the ".0" of whole numbers, unless the value is a tie (`rounds_up_at_tie`; a tie
    // needs the value's lowest set bit one place below the last decimal digit, which is
    // checked first). The last point or exponent mark decides which (an exponent comes after
    // any point).
    let bytes = text.as_bytes();
    let fraction = match bytes.iter().rposition(|&byte| byte == b'.' || byte == b'e') {
        Some(at) if bytes[at] == b'e' => return push_relaid(out, value, text),
        Some(at) => &bytes[at + 1..],
        None => &[][..],
    };
    if fraction == b"0" {
        out.push_str(&text[..text.len() - 2]);
        return;
    }
    let tie_place = -(fraction.len() as i32) - 1;
    if odd_and_power(value).map(|(_, q)| q) != Some(tie_place) {
        out.push_str(text);
        return;
    }
    push_relaid(out, value, text);
}

/// The general case of [`push_shortest`]: ryu's `text` of `value` (scientific or plain) laid
/// out as `Display` lays it out, with ties rounded as `Display` rounds them.
fn push_relaid(out: &mut String, value: f64, text: &str) {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // ryu's digits after a spare leading zero (room for a carry), and the number of digits
    // before the decimal point.
    let mut digits = [b'0'; 48];
    let mut end = 1;
    for byte in whole.bytes().chain(fraction.bytes()) {
        if end < digits.len() {
            digits[end] = byte;
            end += 1;
        }
    }
    let mut point = 1 + whole.len() as i32 + exponent;
    let strip_trailing_zeros = |digits: &[u8], mut end: usize| {
        while end > 1 && digits[end - 1] == b'0' {
            end -= 1;
        }
        end
    };
    end = strip_trailing_zeros(&digits, end);
    if rounds_up_at_tie(value, &digits[..end], point - end as i32) {
        let mut place = end - 1;
        while digits[place] == b'9' {
            digits[place] = b'0';
            place -= 1;
        }
        digits[place] += 1;
        end = strip_trailing_zeros(&digits, end);
    }
    let mut start = 0;
    while start < end && digits[start] == b'0' {
        start += 1;
        point -= 1;
    }
    if start == end {
        out.push_str(if negative { "-0" } else { "0" });
        return;
    }
    if negative {
        out.push('-');
    }
    let significant = &digits[start..end];
    let len = significant.len() as i32;
    let push_digits =
        |out: &mut String, digits: &[u8]| out.extend(digits.iter().map(|&d| char::from(d)));
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        push_digits(out, significant);
    } else if point >= len {
        push_digits(out, significant);
        out.extend(std::iter::repeat_n('0', (point - len) as usize));
    } else {
        let (before, after) = significant.split_at(point as usize);
        push_digits(out, before);
        out.push('.');
        push_digits(out, after);
    }
}

/// Whether `Display` would print one more in the last place than `ryu` did: when the value
/// lies exactly halfway between two shortest candidates, `ryu` takes the one with an even last
/// digit and `Display` the one of larger magnitude. `digits` is the candidate `ryu` chose (ASCII,
/// leading zeros allowed), its last digit in the place 10^`last_place`.
///
/// A tie needs |value| = (D + 1/2) · 10^k for an integer D, that is 2|value| · 10^-k an odd
/// integer. With |value| = M · 2^q (M odd), that holds exactly when q = k − 1, and the odd
/// integer is then M · 5^-k; modulo 2^64 it equals 2D + 1 if `ryu`'s D lies below the value and
/// 2D − 1 if above (the two differ by 2, so the residues tell them apart, and D may be longer
/// than a `u64`: everything is computed modulo 2^64).
fn rounds_up_at_tie(value: f64, digits: &[u8], last_place: i32) -> bool {
    let Some((odd, q)) = odd_and_power(value) else {
        return false;
    };
    if q != last_place - 1 || last_place > 0 {
        return false;
    }
    let candidate = digits.iter().fold(0u64, |n, &d| {
        n.wrapping_mul(10).wrapping_add(u64::from(d - b'0'))
    });
    let doubled = odd.wrapping_mul(5u64.wrapping_pow(last_place.unsigned_abs()));
    doubled == candidate.wrapping_mul(2).wrapping_add(1)
}

/// |`value`| as M · 2^q with M odd, or `None` for zero.
fn odd_and_power(value: f64) -> Option<(u64, i32)> {
    let bits = value.to_bits() & !(1 << 63);
    let (exponent, fraction) = ((bits >> 52) as i32, bits & ((1 << 52) - 1));
    let (mantissa, power) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), exponent - 1075)
    };
    if mantissa == 0 {
        return None;
    }
    let zeros = mantissa.trailing_zeros();
    Some((mantissa >> zeros, power + zeros as i32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shortest(value: f64) -> String {
        let mut out = String::new();
        push_shortest(&mut out, value);
        out
    }

    #[test]
    fn matches_display_on_chosen_values() {
        let values = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            18.556121826171875,
            317.0,
            0.1,
            1e-7,
            2.2020008039191907e-10,
            1e15,
            1e16,
            1.5e16,
            123456789012345680000.0,
            1e21,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -2.5e-300,
            f64::from(0.1f32),
            f64::from(f32::MAX),
            f64::from(f32::MIN_POSITIVE),
            f64::from(f32::from_bits(1)),
        ];
        for value in values {
            assert_eq!(shortest(value), format!("{value}"), "{value:e}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn matches_display_on_random_f64_bits(bits in any::<u64>()) {
            let value = f64::from_bits(bits);
            prop_assume!(value.is_finite());
            prop_assert_eq!(shortest(value), format!("{value}"));
        }

        /// The CSVs write `f32` states widened to `f64`.
        #[test]
        fn matches_display_on_widened_f32(bits in any::<u32>()) {
            let value = f64::from(f32::from_bits(bits));
            prop_assume!(value.is_finite());
            prop_assert_eq!(shortest(value), format!("{value}"));
        }

        #[test]
        fn matches_display_on_unit_interval(value in 0.0f64..1.0) {
            prop_assert_eq!(shortest(value), format!("{value}"));
        }
    }

    /// Every 13th `f32` bit pattern, widened (330 million values; run by hand:
    /// `cargo test --release --lib decimal -- --ignored`, about five minutes on two cores).
    #[test]
    #[ignore]
    fn matches_display_on_a_sweep_of_f32() {
        use rayon::prelude::*;
        let mismatches: u64 = (0..=u32::MAX / 13)
            .into_par_iter()
            .map(|i| {
                let value = f64::from(f32::from_bits(i * 13));
                u64::from(value.is_finite() && shortest(value) != format!("{value}"))
            })
            .sum();
        assert_eq!(mismatches, 0);
    }
}
