//! Cheap paths to the libm results the rules need, that give the same bits.
//!
//! `powf` and `expf` calls, several per customer and week, were a sixth of the time of a tick
//! (docs/PERFORMANCE.md). Most of them are not needed to get the same bits:
//!
//! - `satisfaction.powf(2.0)` (the loyalty target at the default convexity) equals the
//!   correctly rounded square `s * s` unless the exact square lies very near a rounding midpoint
//!   of `f32`. [`powf_square`] checks that distance and calls `powf` only near a midpoint.
//!
//! No shortcut changes a result: every value the model keeps is the one the plain call gives
//! (the tests below check `powf_square` against `powf` for every `f32` it shortcuts).

/// Bases below this always go to `powf` (there the error bound below is not small enough).
const SQUARE_MIN: f32 = 1.0 / 256.0;

/// `s.powf(2.0)`, bit for bit, mostly without calling `powf`.
///
/// glibc's `powf` (the Arm algorithm, `sysdeps/ieee754/flt-32/e_powf.c`) computes
/// `exp2(y · log2 x)` in `f64` with relative error below `|y log2 x| · ln 2 · 1.83·2⁻³³ +
/// 1.69·2⁻³⁴` before the one rounding to `f32`; for `y = 2` and `x` in [2⁻⁸, 1] that is below
/// 2⁻²⁸. The exact square `S = s²` is an `f64` (48 significant bits at most). If `S` lies more
/// than 2⁻²⁸·S from the midpoint between the two `f32` values around it, `powf`'s unrounded
/// result lies on the same side and rounds to the same `f32` as `S`, which is `s * s`. In units
/// of the last `f64` bit, 2⁻²⁸·S is below 2²⁵ and the midpoint is the 29 low bits equal to
/// 2²⁸. About 9 bases in 10 are far enough from their midpoint.
#[inline(always)]
pub fn powf_square(s: f32) -> f32 {
    let exact = f64::from(s) * f64::from(s);
    let dropped = exact.to_bits() & ((1 << 29) - 1);
    if (SQUARE_MIN..=1.0).contains(&s) && dropped.abs_diff(1 << 28) > 1 << 25 {
        s * s
    } else {
        // Through `black_box`: LLVM would rewrite `powf(s, 2.0)` with a constant exponent as
        // `s * s`, which is what must not happen here.
        s.powf(std::hint::black_box(2.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powf_square_is_powf_for_every_base_it_shortcuts() {
        // Every f32 in [2^-8, 1]: 8 * 2^23 values; the cheap path must give powf's bits.
        let (first, last) = (SQUARE_MIN.to_bits(), 1.0f32.to_bits());
        let two = std::hint::black_box(2.0f32);
        // glibc 2.36's powf differs from the square for some of these bases (checked when this
        // test was written), so the loop fails for a shortcut that takes the square too often
        // (a correctly rounded powf would be the square everywhere, the shortcut then right).
        let mut cheap = 0u64;
        for bits in first..=last {
            let s = f32::from_bits(bits);
            let expected = s.powf(two);
            assert_eq!(powf_square(s).to_bits(), expected.to_bits(), "s = {s:e}");
            let dropped = (f64::from(s) * f64::from(s)).to_bits() & ((1 << 29) - 1);
            cheap += u64::from(dropped.abs_diff(1 << 28) > 1 << 25);
        }
        // Most bases take the cheap path.
        let all = u64::from(last - first + 1);
        assert!(cheap > all * 8 / 10, "{cheap} of {all} cheap");
    }

    #[test]
    fn powf_square_keeps_powf_outside_its_range() {
        let two = std::hint::black_box(2.0f32);
        for s in [0.0f32, 1e-3, 1e-30, 1.5, 3.0, -0.5, f32::NAN, f32::INFINITY] {
            assert_eq!(powf_square(s).to_bits(), s.powf(two).to_bits(), "{s}");
        }
    }
}
