//! `exp` and `pow` of many lanes at once, with glibc's bits.
//!
//! A libm call computes one value, so the week's passes (`passes`) could not vectorise the two
//! that every active customer needs each week: `exp` of the participation drive (7.4) and
//! `pow` of the week's product-use value (7.13). [`Avx2Fma`] computes four lanes at a time with
//! the algorithms of glibc's `expf` and `powf` (Szabolcs Nagy's, from Arm's optimized-routines),
//! operation for operation as glibc 2.36's `__expf_fma` and `__powf_fma` compute them: the same
//! tables, the same multiply-adds fused, the same roundings (read from this machine's
//! `libm.so.6`). glibc picks those two versions on every CPU with AVX2 and FMA, so there
//! [`Avx2Fma`]'s results are libm's bit for bit: the tests below compare every `f32` of `exp`'s
//! vector path and every x in [0, 1] of `pow(x, 0.88)` (the default sensitivity), and a sample
//! of all `f32` at other exponents. The lanes glibc treats as special (huge or tiny arguments,
//! zero, infinity, NaN, or a result that would overflow) are handed to libm itself. [`Libm`] is
//! libm lane by lane, for the portable kernel (docs/ODD.md section 3).
//!
//! Another C library, or a glibc run with its FMA versions switched off, may round some
//! arguments differently. So before the x86-64-v3 kernel is chosen, the vector code is checked
//! against this process's libm on a sample of arguments ([`vector_agrees_with_libm`]); if any
//! differs, the portable kernel runs, and the two kernels still compute the same numbers.

/// `exp` and `pow` over a slice of lanes, as glibc's `expf` and `powf` compute each lane.
pub(super) trait LaneMath: Copy {
    /// Replaces each lane `x` by `x.exp()`.
    fn exp(self, lanes: &mut [f32]);
    /// Replaces each lane `x` by `x.powf(y)`.
    fn pow(self, lanes: &mut [f32], y: f32);
}

/// libm, one lane at a time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Libm;

impl LaneMath for Libm {
    #[inline(always)]
    fn exp(self, lanes: &mut [f32]) {
        for x in lanes {
            *x = x.exp();
        }
    }

    #[inline(always)]
    fn pow(self, lanes: &mut [f32], y: f32) {
        for x in lanes {
            *x = x.powf(y);
        }
    }
}

/// Four lanes at a time in AVX2 with FMA. A value of this type exists only where the CPU has
/// both: it is made by [`Avx2Fma::detect`] or inside code compiled for them ([`Avx2Fma::new`]).
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy)]
pub(super) struct Avx2Fma(());

#[cfg(target_arch = "x86_64")]
impl Avx2Fma {
    /// The vector maths, inside code that is compiled for AVX2 and FMA (and so runs only where
    /// the CPU has them).
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn new() -> Avx2Fma {
        Avx2Fma(())
    }

    /// The vector maths, if this CPU has AVX2 and FMA.
    pub(super) fn detect() -> Option<Avx2Fma> {
        (std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"))
            .then_some(Avx2Fma(()))
    }
}

#[cfg(target_arch = "x86_64")]
impl LaneMath for Avx2Fma {
    #[inline(always)]
    fn exp(self, lanes: &mut [f32]) {
        // SAFETY: an `Avx2Fma` exists only where the CPU has AVX2 and FMA (see the type).
        unsafe { x86::exp(lanes) }
    }

    #[inline(always)]
    fn pow(self, lanes: &mut [f32], y: f32) {
        // SAFETY: as for `exp`.
        unsafe { x86::pow(lanes, y) }
    }
}

/// Whether this CPU has AVX2 and FMA and [`Avx2Fma`]'s code gives this process's libm results
/// ([`agrees_with_libm`]); checked once. The x86-64-v3 kernel, the one that uses [`Avx2Fma`],
/// is chosen only if so (`kernel`).
#[cfg(target_arch = "x86_64")]
pub(super) fn vector_agrees_with_libm() -> bool {
    static AGREES: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AGREES.get_or_init(|| {
        Avx2Fma::detect().is_some()
            // SAFETY: the CPU has AVX2 and FMA (checked first).
            && agrees_with_libm(
                |lanes| unsafe { x86::exp(lanes) },
                |lanes, y| unsafe { x86::pow(lanes, y) },
            )
    })
}

/// Whether `exp` and `pow` give libm's bits on a sample of arguments: 16,384 of `exp` across
/// [-40, 40] (beyond any participation drive) and 16,384 of `pow` across (0, 1] at exponents
/// 0.88 (the default), 0.5 and 0.3. About a millisecond.
#[cfg(target_arch = "x86_64")]
fn agrees_with_libm(exp: impl Fn(&mut [f32]), pow: impl Fn(&mut [f32], f32)) -> bool {
    const N: usize = 16_384;
    let spread = |low: f32, high: f32| -> Vec<f32> {
        (0..N)
            .map(|i| low + (high - low) * ((i as f32 + 0.5) / N as f32))
            .collect()
    };
    let same = |computed: &[f32], arguments: &[f32], f: &dyn Fn(f32) -> f32| {
        computed
            .iter()
            .zip(arguments)
            .all(|(got, &x)| got.to_bits() == f(x).to_bits())
    };
    let arguments = spread(-40.0, 40.0);
    let mut lanes = arguments.clone();
    exp(&mut lanes);
    if !same(&lanes, &arguments, &|x| x.exp()) {
        return false;
    }
    let arguments = spread(0.0, 1.0);
    [0.88f32, 0.5, 0.3].into_iter().all(|y| {
        // Opaque, or the compiler computes libm's `powf(x, 0.5)` as `sqrt(x)`, which rounds
        // some arguments differently from glibc's `powf`.
        let y = std::hint::black_box(y);
        let mut lanes = arguments.clone();
        pow(&mut lanes, y);
        same(&lanes, &arguments, &|x| x.powf(y))
    })
}

/// glibc 2.36's constants (`e_exp2f_data.c`, `e_powf_log2_data.c`), as bits.
#[cfg(target_arch = "x86_64")]
mod glibc {
    /// `__exp2f_data.tab`: 2^(i/32) with i·2^47 subtracted from its bits, for i in 0..32.
    pub(super) const EXP2_TABLE: [u64; 32] = [
        0x3ff0000000000000,
        0x3fefd9b0d3158574,
        0x3fefb5586cf9890f,
        0x3fef9301d0125b51,
        0x3fef72b83c7d517b,
        0x3fef54873168b9aa,
        0x3fef387a6e756238,
        0x3fef1e9df51fdee1,
        0x3fef06fe0a31b715,
        0x3feef1a7373aa9cb,
        0x3feedea64c123422,
        0x3feece086061892d,
        0x3feebfdad5362a27,
        0x3feeb42b569d4f82,
        0x3feeab07dd485429,
        0x3feea47eb03a5585,
        0x3feea09e667f3bcd,
        0x3fee9f75e8ec5f74,
        0x3feea11473eb0187,
        0x3feea589994cce13,
        0x3feeace5422aa0db,
        0x3feeb737b0cdc5e5,
        0x3feec49182a3f090,
        0x3feed503b23e255d,
        0x3feee89f995ad3ad,
        0x3feeff76f2fb5e47,
        0x3fef199bdd85529c,
        0x3fef3720dcef9069,
        0x3fef5818dcfba487,
        0x3fef7c97337b9b5f,
        0x3fefa4afa2a490da,
        0x3fefd0765b6e4540,
    ];

    /// `expf`: 32/ln 2, the rounding shift 1.5·2^52, and the cubic for 2^(r/32) (`invln2_scaled`,
    /// `shift`, `poly_scaled`).
    pub(super) const EXP_INV_LN2_N: u64 = 0x40471547652b82fe;
    pub(super) const EXP_SHIFT: u64 = 0x4338000000000000;
    pub(super) const EXP_POLY: [u64; 3] =
        [0x3ebc6af84b912394, 0x3f2ebfce50fac4f3, 0x3f962e42ff0c52d6];

    /// `powf`'s 2^x: the shift 1.5·2^52 / 32 and the cubic for 2^r (`shift_scaled`, `poly`).
    pub(super) const POW_EXP2_SHIFT: u64 = 0x42e8000000000000;
    pub(super) const POW_EXP2_POLY: [u64; 3] =
        [0x3fac6af84b912394, 0x3fcebfce50fac4f3, 0x3fe62e42ff0c52d6];

    /// `__powf_log2_data.tab`: 1/c and log2(c) for the 16 subintervals of the mantissa.
    pub(super) const LOG2_INVC: [u64; 16] = [
        0x3ff661ec79f8f3be,
        0x3ff571ed4aaf883d,
        0x3ff49539f0f010b0,
        0x3ff3c995b0b80385,
        0x3ff30d190c8864a5,
        0x3ff25e227b0b8ea0,
        0x3ff1bb4a4a1a343f,
        0x3ff12358f08ae5ba,
        0x3ff0953f419900a7,
        0x3ff0000000000000,
        0x3fee608cfd9a47ac,
        0x3feca4b31f026aa0,
        0x3feb2036576afce6,
        0x3fe9c2d163a1aa2d,
        0x3fe886e6037841ed,
        0x3fe767dcf5534862,
    ];
    pub(super) const LOG2_LOGC: [u64; 16] = [
        0xbfdefec65b963019,
        0xbfdb0b6832d4fca4,
        0xbfd7418b0a1fb77b,
        0xbfd39de91a6dcf7b,
        0xbfd01d9bf3f2b631,
        0xbfc97c1d1b3b7af0,
        0xbfc2f9e393af3c9f,
        0xbfb960cbbf788d5c,
        0xbfaa6f9db6475fce,
        0x0000000000000000,
        0x3fb338ca9f24f53d,
        0x3fc476a9543891ba,
        0x3fce840b4ac4e4d2,
        0x3fd40645f0c6651c,
        0x3fd88e9c2c1b9ff8,
        0x3fdce0a44eb17bcc,
    ];
    /// `__powf_log2_data.poly`: log2(1 + r) ≈ A0 r⁵ + A1 r⁴ + A2 r³ + A3 r² + A4 r.
    pub(super) const LOG2_POLY: [u64; 5] = [
        0x3fd27616c9496e0b,
        0xbfd71969a075c67a,
        0x3fdec70a6ca7badd,
        0xbfe7154748bef6c8,
        0x3ff71547652ab82b,
    ];
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::LaneMath;
    use super::Libm;
    use super::glibc::*;
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx2,fma")]
    fn splat(bits: u64) -> __m256d {
        _mm256_set1_pd(f64::from_bits(bits))
    }

    /// Every lane `x` replaced by `expf(x)`, four at a time.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn exp(lanes: &mut [f32]) {
        let mut chunks = lanes.chunks_exact_mut(4);
        for chunk in &mut chunks {
            // SAFETY: `chunk` holds four `f32`.
            let x = unsafe { _mm_loadu_ps(chunk.as_ptr()) };
            let (value, special) = exp4(x);
            // SAFETY: as above.
            unsafe { _mm_storeu_ps(chunk.as_mut_ptr(), value) };
            if special != 0 {
                libm_lanes(chunk, special, |x| x.exp());
            }
        }
        Libm.exp(chunks.into_remainder());
    }

    /// Every lane `x` replaced by `powf(x, y)`, four at a time.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn pow(lanes: &mut [f32], y: f32) {
        // glibc's test for a special exponent: zero, infinite or NaN.
        if y.to_bits().wrapping_mul(2).wrapping_sub(1) >= 0xff00_0000 - 1 {
            Libm.pow(lanes, y);
            return;
        }
        let yd = _mm256_set1_pd(f64::from(y));
        let mut chunks = lanes.chunks_exact_mut(4);
        for chunk in &mut chunks {
            // SAFETY: `chunk` holds four `f32`.
            let x = unsafe { _mm_loadu_ps(chunk.as_ptr()) };
            let (value, special) = pow4(x, yd);
            // SAFETY: as above.
            unsafe { _mm_storeu_ps(chunk.as_mut_ptr(), value) };
            if special != 0 {
                libm_lanes(chunk, special, |x| x.powf(y));
            }
        }
        Libm.pow(chunks.into_remainder(), y);
    }

    /// The lanes of `chunk` set in `mask` (which `exp4` and `pow4` return unchanged) computed
    /// by libm's `f`.
    #[cold]
    #[inline(never)]
    fn libm_lanes(chunk: &mut [f32], mask: i32, f: impl Fn(f32) -> f32) {
        for (lane, x) in chunk.iter_mut().enumerate() {
            if mask & (1 << lane) != 0 {
                *x = f(*x);
            }
        }
    }

    /// `expf` of four lanes (glibc's `__expf_fma`), and a mask of the lanes left to libm (in
    /// which the argument is returned unchanged).
    #[target_feature(enable = "avx2,fma")]
    fn exp4(x: __m128) -> (__m128, i32) {
        let bits = _mm_castps_si128(x);
        // |x| ≥ 88 (and NaN, infinity): glibc's special path.
        let abstop = _mm_and_si128(_mm_srli_epi32::<20>(bits), _mm_set1_epi32(0x7ff));
        let special_lanes = _mm_cmpgt_epi32(abstop, _mm_set1_epi32(0x42a));
        let xd = _mm256_cvtps_pd(x);
        let inv_ln2_n = splat(EXP_INV_LN2_N);
        let shift = splat(EXP_SHIFT);
        // x·32/ln 2 = k + r, k rounded to nearest by the shift, r in [-1/2, 1/2].
        let z = _mm256_fmadd_pd(inv_ln2_n, xd, shift);
        let ki = _mm256_castpd_si256(z);
        let kd = _mm256_sub_pd(z, shift);
        let r = _mm256_fmsub_pd(inv_ln2_n, xd, kd);
        // 2^(k/32) from the table, its exponent from k.
        let index = _mm256_and_si256(ki, _mm256_set1_epi64x(31));
        // SAFETY: every index is below 32, the table's length.
        let t = unsafe { _mm256_i64gather_epi64::<8>(EXP2_TABLE.as_ptr().cast(), index) };
        let s = _mm256_castsi256_pd(_mm256_add_epi64(t, _mm256_slli_epi64::<47>(ki)));
        // 2^(r/32) ≈ C0 r³ + C1 r² + C2 r + 1.
        let z = _mm256_fmadd_pd(splat(EXP_POLY[0]), r, splat(EXP_POLY[1]));
        let r2 = _mm256_mul_pd(r, r);
        let y = _mm256_fmadd_pd(splat(EXP_POLY[2]), r, _mm256_set1_pd(1.0));
        let y = _mm256_fmadd_pd(z, r2, y);
        let value = _mm256_cvtpd_ps(_mm256_mul_pd(y, s));
        let special = _mm_movemask_ps(_mm_castsi128_ps(special_lanes));
        (
            _mm_blendv_ps(value, x, _mm_castsi128_ps(special_lanes)),
            special,
        )
    }

    /// `powf(x, y)` of four lanes with `y` (as `f64`) neither zero, infinite nor NaN (glibc's
    /// `__powf_fma`), and a mask of the lanes left to libm (in which `x` is returned unchanged).
    #[target_feature(enable = "avx2,fma")]
    fn pow4(x: __m128, yd: __m256d) -> (__m128, i32) {
        let ix = _mm_castps_si128(x);
        // x must be a positive normal number: else glibc's special path.
        let special_x = _mm_or_si128(
            _mm_cmpgt_epi32(_mm_set1_epi32(0x0080_0000), ix),
            _mm_cmpgt_epi32(ix, _mm_set1_epi32(0x7f7f_ffff)),
        );
        // log2(x): x = 2^k z with z in [0x3f330000, 2·0x3f330000) as bits, and z near c, the
        // centre of its subinterval i.
        let tmp = _mm_sub_epi32(ix, _mm_set1_epi32(0x3f33_0000));
        let i = _mm_and_si128(_mm_srli_epi32::<19>(tmp), _mm_set1_epi32(15));
        let top = _mm_and_si128(tmp, _mm_set1_epi32(0xff80_0000_u32 as i32));
        let iz = _mm_sub_epi32(ix, top);
        let k = _mm_srai_epi32::<23>(top);
        // SAFETY: every index is below 16, the tables' length.
        let (invc, logc) = unsafe {
            (
                _mm256_i32gather_pd::<8>(LOG2_INVC.as_ptr().cast(), i),
                _mm256_i32gather_pd::<8>(LOG2_LOGC.as_ptr().cast(), i),
            )
        };
        let z = _mm256_cvtps_pd(_mm_castsi128_ps(iz));
        let r = _mm256_fmadd_pd(z, invc, _mm256_set1_pd(-1.0));
        let y0 = _mm256_add_pd(_mm256_cvtepi32_pd(k), logc);
        let a = LOG2_POLY.map(|bits| splat(bits));
        let y = _mm256_fmadd_pd(r, a[0], a[1]);
        let p = _mm256_fmadd_pd(r, a[2], a[3]);
        let r2 = _mm256_mul_pd(r, r);
        let q = _mm256_fmadd_pd(r, a[4], y0);
        let r4 = _mm256_mul_pd(r2, r2);
        let q = _mm256_fmadd_pd(r2, p, q);
        let log2x = _mm256_fmadd_pd(y, r4, q);
        let ylogx = _mm256_mul_pd(yd, log2x);
        // |y log2 x| ≥ 126: the result may overflow or underflow, glibc's special path.
        let top16 = _mm256_and_si256(
            _mm256_srli_epi64::<47>(_mm256_castpd_si256(ylogx)),
            _mm256_set1_epi64x(0xffff),
        );
        let special_e = _mm256_cmpgt_epi64(top16, _mm256_set1_epi64x(0x80be));
        // 2^(y log2 x) = 2^(k/32) 2^r, as in `exp4` without the scaling.
        let shift = splat(POW_EXP2_SHIFT);
        let kd = _mm256_add_pd(ylogx, shift);
        let ki = _mm256_castpd_si256(kd);
        let kd = _mm256_sub_pd(kd, shift);
        let r = _mm256_sub_pd(ylogx, kd);
        let index = _mm256_and_si256(ki, _mm256_set1_epi64x(31));
        // SAFETY: every index is below 32, the table's length.
        let t = unsafe { _mm256_i64gather_epi64::<8>(EXP2_TABLE.as_ptr().cast(), index) };
        let s = _mm256_castsi256_pd(_mm256_add_epi64(t, _mm256_slli_epi64::<47>(ki)));
        let c = POW_EXP2_POLY.map(|bits| splat(bits));
        let z = _mm256_fmadd_pd(r, c[0], c[1]);
        let r2 = _mm256_mul_pd(r, r);
        let y = _mm256_fmadd_pd(r, c[2], _mm256_set1_pd(1.0));
        let y = _mm256_fmadd_pd(z, r2, y);
        let value = _mm256_cvtpd_ps(_mm256_mul_pd(y, s));
        let special = _mm_movemask_ps(_mm_castsi128_ps(special_x))
            | _mm256_movemask_pd(_mm256_castsi256_pd(special_e));
        let keep = _mm_castsi128_ps(mask_of(special));
        (_mm_blendv_ps(value, x, keep), special)
    }

    /// A four-lane mask (all ones in lane i where bit i of `bits` is set).
    #[target_feature(enable = "avx2,fma")]
    fn mask_of(bits: i32) -> __m128i {
        let lanes = _mm_set_epi32(8, 4, 2, 1);
        _mm_cmpeq_epi32(_mm_and_si128(_mm_set1_epi32(bits), lanes), lanes)
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    /// Applies `vector` and libm's `scalar` to every `f32` with bits in `range` (stepping by
    /// `stride`), in chunks; returns how many differ in their bits, and the first such.
    fn differences(
        range: std::ops::Range<u64>,
        stride: u64,
        vector: impl Fn(&mut [f32]),
        scalar: impl Fn(f32) -> f32,
    ) -> (u64, Option<(f32, f32, f32)>) {
        let mut lanes = vec![0.0f32; 4096];
        let mut arguments = vec![0.0f32; 4096];
        let (mut count, mut first) = (0, None);
        let mut bits = range.start;
        while bits < range.end {
            let n = (((range.end - bits).div_ceil(stride)) as usize).min(lanes.len());
            for (lane, argument) in arguments[..n].iter_mut().enumerate() {
                *argument = f32::from_bits((bits + lane as u64 * stride) as u32);
            }
            lanes[..n].copy_from_slice(&arguments[..n]);
            vector(&mut lanes[..n]);
            for (&x, &got) in arguments[..n].iter().zip(&lanes[..n]) {
                let want = scalar(x);
                // NaN results compare by being NaN.
                if got.to_bits() != want.to_bits() && !(got.is_nan() && want.is_nan()) {
                    count += 1;
                    first.get_or_insert((x, got, want));
                }
            }
            bits += n as u64 * stride;
        }
        (count, first)
    }

    /// The vector maths, or `None` on a CPU without AVX2 and FMA, where it never runs (and
    /// these tests have nothing to check).
    fn vector_maths() -> Option<Avx2Fma> {
        Avx2Fma::detect()
    }

    /// The vector `exp` itself, not behind the run-time check's fallback to libm.
    fn exp_vector(lanes: &mut [f32]) {
        assert!(vector_maths().is_some());
        // SAFETY: the CPU has AVX2 and FMA.
        unsafe { x86::exp(lanes) }
    }

    /// The vector `pow` itself.
    fn pow_vector(lanes: &mut [f32], y: f32) {
        assert!(vector_maths().is_some());
        // SAFETY: the CPU has AVX2 and FMA.
        unsafe { x86::pow(lanes, y) }
    }

    #[test]
    fn the_run_time_check_accepts_this_libm_and_rejects_a_slightly_wrong_exp_or_pow() {
        let Some(_) = vector_maths() else { return };
        let (exp, pow) = (exp_vector, pow_vector);
        assert!(agrees_with_libm(exp, pow));
        // One ulp off in one lane of 16,384 is found.
        let off_by_one = |lanes: &mut [f32]| {
            exp(lanes);
            lanes[9_000] = f32::from_bits(lanes[9_000].to_bits() + 1);
        };
        assert!(!agrees_with_libm(off_by_one, pow));
        let pow_off = |lanes: &mut [f32], y: f32| {
            pow(lanes, y);
            if y == 0.5 {
                lanes[123] = f32::from_bits(lanes[123].to_bits() - 1);
            }
        };
        assert!(!agrees_with_libm(exp, pow_off));
        assert!(vector_agrees_with_libm());
    }

    #[test]
    fn vector_exp_is_libm_for_every_f32_it_computes() {
        let Some(_) = vector_maths() else { return };
        // Every f32 of the vector path, |x| < 88 (bits below 0x42b00000), of either sign; then
        // every 101st of the rest (NaN and the infinities included), which libm computes
        // itself.
        let fast = u64::from(0x42b0_0000_u32);
        let sign = 1 << 31;
        for (range, stride) in [
            (0..fast, 1),
            (sign..sign + fast, 1),
            (fast..sign, 101),
            (sign + fast..1 << 32, 101),
        ] {
            let (count, first) = differences(range, stride, exp_vector, f32::exp);
            assert_eq!(count, 0, "first difference (x, vector, libm): {first:?}");
        }
    }

    #[test]
    fn vector_pow_is_libm_for_every_f32_below_one_at_the_default_sensitivity() {
        let Some(_) = vector_maths() else { return };
        // Every x in [0, 1] (the model's disconfirmations) at the default alpha 0.88.
        let one = u64::from(1.0f32.to_bits());
        let (count, first) = differences(
            0..one + 1,
            1,
            |lanes| pow_vector(lanes, 0.88),
            |x| x.powf(0.88),
        );
        assert_eq!(count, 0, "first difference (x, vector, libm): {first:?}");
    }

    #[test]
    fn vector_pow_is_libm_across_exponents_and_arguments() {
        let Some(_) = vector_maths() else { return };
        // Every 4099th f32 (all signs, specials included), at exponents inside and outside the
        // model's range, the special ones included.
        for y in [
            0.88,
            0.5,
            0.3,
            1.0,
            2.0,
            0.01,
            3.7,
            -0.88,
            -2.0,
            0.0,
            -0.0,
            126.5,
            f32::INFINITY,
            f32::NAN,
            1e-30,
        ] {
            // Opaque, so that libm computes the reference (not `sqrt` for 0.5, say).
            let y = std::hint::black_box(y);
            let (count, first) = differences(
                0..1 << 32,
                4099,
                |lanes| pow_vector(lanes, y),
                |x| x.powf(y),
            );
            assert_eq!(
                count, 0,
                "y = {y}: first difference (x, vector, libm): {first:?}"
            );
        }
    }

    #[test]
    fn slices_of_any_length_are_computed_whole() {
        let Some(_) = vector_maths() else { return };
        for n in 0..11 {
            let arguments: Vec<f32> = (0..n).map(|i| 0.1 + i as f32 * 0.37).collect();
            let mut lanes = arguments.clone();
            exp_vector(&mut lanes);
            let want: Vec<f32> = arguments.iter().map(|x| x.exp()).collect();
            assert_eq!(lanes, want);
            let mut lanes = arguments.clone();
            pow_vector(&mut lanes, 0.88);
            let want: Vec<f32> = arguments.iter().map(|x| x.powf(0.88)).collect();
            assert_eq!(lanes, want);
        }
    }
}
