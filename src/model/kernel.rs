//! Which compiled version of the customer phase runs.
//!
//! The release build targets baseline x86-64 so that one binary runs everywhere. The customer
//! phase is also compiled for x86-64-v3 (AVX2, BMI, FMA, LZCNT, POPCNT, MOVBE: every x86 core
//! since about 2015) and chosen at run time when the CPU has those features: three-operand
//! instructions and wider moves save about 7% of the estimated cycles and 3% of the step's time
//! (docs/PERFORMANCE.md, fourth round).
//!
//! Both versions compile the same Rust, and Rust neither fuses a multiply and an add into an
//! FMA nor reorders floating-point operations, so they compute the same numbers bit for bit
//! (checked by `sim`'s tests and the golden digests on whichever version the test machine
//! runs). The one difference is deliberate: the x86-64-v3 version computes the week's `exp`
//! and `pow` of a tile's lanes four at a time (`lane_math::Avx2Fma`), as glibc's `expf` and
//! `powf` for AVX2 and FMA compute them, bit for bit; the portable version calls libm. It is
//! chosen only where a check at first use finds the two agree on this process's C library.

/// A compiled version of the customer phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// Baseline x86-64 (SSE2), or whatever the target is on other architectures.
    Portable,
    /// x86-64-v3, only ever chosen when the running CPU reports its features.
    #[cfg(target_arch = "x86_64")]
    X86_64V3,
}

impl Kernel {
    /// The fastest version this CPU runs.
    pub fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        if has_x86_64_v3() {
            return Kernel::X86_64V3;
        }
        Kernel::Portable
    }

    /// `requested` if this CPU runs it, else the portable version.
    pub fn supported(requested: Kernel) -> Kernel {
        match requested {
            Kernel::Portable => Kernel::Portable,
            #[cfg(target_arch = "x86_64")]
            Kernel::X86_64V3 if has_x86_64_v3() => Kernel::X86_64V3,
            #[cfg(target_arch = "x86_64")]
            Kernel::X86_64V3 => Kernel::Portable,
        }
    }
}

/// Whether the x86-64-v3 kernel runs here: the CPU has the features `sim::update_block_x86_64_v3`
/// is compiled with, and its vector `exp` and `pow` give the C library's bits.
#[cfg(target_arch = "x86_64")]
fn has_x86_64_v3() -> bool {
    has_x86_64_v3_features() && super::lane_math::vector_agrees_with_libm()
}

/// The CPU features of x86-64-v3.
#[cfg(target_arch = "x86_64")]
fn has_x86_64_v3_features() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("bmi1")
        && std::arch::is_x86_feature_detected!("bmi2")
        && std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("lzcnt")
        && std::arch::is_x86_feature_detected!("popcnt")
        && std::arch::is_x86_feature_detected!("movbe")
}
