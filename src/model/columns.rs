//! Customer slots stored by field: one [`Columns`] per block of [`BLOCK`] slots.
//!
//! The week's routine steps (decay, drift, the engagement and churn tests, learning from product
//! use) touch every customer and read a few fields each; stored one array per field, they run
//! as loops the compiler vectorises, several customers per instruction (docs/PERFORMANCE.md,
//! ninth round). The scattered work of a week gathers what it uses of a lane and stores it
//! back ([`LanePart`]): an encounter its [`Engaged`] fields, a conversation its [`Listener`]
//! fields, revenge and churn the whole [`Customer`] record; and
//! [`crate::model::Simulation::customers`] gathers every record for the outputs.
//!
//! A block always holds [`BLOCK`] lanes; lanes past the population's capacity stay vacant and
//! are never filled.

use super::agents::Customer;
use super::sim::BLOCK;
use super::week::{Engaged, Listener};

/// Length of every per-lane array: [`BLOCK`] lanes and a cache line or more of padding. Without
/// it every column of a block would start at the same offset modulo 4096 bytes, so the same
/// lane of all of them would fall into one set of the L1 cache (which holds 8 or 12 lines) and
/// loads would wait on stores to other columns (4K aliasing).
pub const PADDED: usize = BLOCK + 16;

macro_rules! columns {
    ($($field:ident: $ty:ty),* $(,)?) => {
        /// [`BLOCK`] customer slots, one array per field of [`Customer`] (each [`PADDED`]
        /// long).
        #[derive(Clone)]
        pub struct Columns {
            $(pub $field: [$ty; PADDED],)*
        }

        impl Columns {
            /// A block of vacant slots.
            pub const EMPTY: Columns = Columns {
                $($field: [Customer::EMPTY.$field; PADDED],)*
            };

            /// The record of lane `lane`.
            #[inline(always)]
            pub fn get(&self, lane: usize) -> Customer {
                Customer {
                    $($field: self.$field[lane],)*
                }
            }

            /// Stores `customer` in lane `lane`.
            #[inline(always)]
            pub fn set(&mut self, lane: usize, customer: &Customer) {
                $(self.$field[lane] = customer.$field;)*
            }

            /// Asks the CPU to bring lanes `lanes` of every column into the L2 cache. A tile's
            /// passes read some thirty short streams, more than the hardware prefetchers
            /// follow, so each tile is fetched ahead of its passes.
            #[inline(always)]
            pub fn prefetch(&self, lanes: std::ops::Range<usize>) {
                $(prefetch_tile(&self.$field[lanes.clone()]);)*
            }
        }
    };
}

/// A part of a customer's record that a scalar step of the week works on: gathered from a
/// lane of the columns and stored back. A step gathers only what it uses ([`Engaged`] for an
/// encounter, [`Listener`] for peer interaction, the whole [`Customer`] for revenge and churn),
/// so that it does not load and store thirty-one fields for a few.
pub(super) trait LanePart {
    /// The part of lane `lane`.
    fn gather(columns: &Columns, lane: usize) -> Self;
    /// Stores what the step may have changed in lane `lane` (read-only fields are not).
    fn store(&self, columns: &mut Columns, lane: usize);
}

impl LanePart for Customer {
    #[inline(always)]
    fn gather(columns: &Columns, lane: usize) -> Customer {
        columns.get(lane)
    }

    #[inline(always)]
    fn store(&self, columns: &mut Columns, lane: usize) {
        columns.set(lane, self);
    }
}

/// [`LanePart`] for a struct whose fields are named as the columns: `read` ones are gathered
/// only, `written` ones gathered and stored back.
macro_rules! lane_part {
    ($part:ident, read: [$($read:ident),*], written: [$($written:ident),*] $(,)?) => {
        impl LanePart for $part {
            #[inline(always)]
            fn gather(columns: &Columns, lane: usize) -> $part {
                $part {
                    $($read: columns.$read[lane],)*
                    $($written: columns.$written[lane],)*
                }
            }

            #[inline(always)]
            fn store(&self, columns: &mut Columns, lane: usize) {
                $(columns.$written[lane] = self.$written;)*
            }
        }
    };
}

lane_part!(
    Engaged,
    read: [expertise, empowerment, vindictiveness],
    written: [
        self_efficacy,
        expectation,
        satisfaction,
        functional,
        emotional,
        grievance,
        grudge_loyalty,
        failure_memory,
        recent_encounters,
        recent_contributions,
        recent_successes,
        recent_complaints,
        contributions
    ],
);

lane_part!(
    Listener,
    read: [firm],
    written: [
        emotional,
        social,
        loyalty,
        expectation,
        self_efficacy,
        recent_peer
    ],
);

columns! {
    expertise: f32,
    sociability: f32,
    activity: f32,
    involvement: f32,
    vindictiveness: f32,
    forgiveness: f32,
    base_empowerment: f32,
    empowerment: f32,
    self_efficacy: f32,
    expectation: f32,
    satisfaction: f32,
    loyalty: f32,
    functional: f32,
    emotional: f32,
    social: f32,
    grievance: f32,
    grudge_loyalty: f32,
    failure_memory: f32,
    recent_product: f32,
    recent_encounters: f32,
    recent_contributions: f32,
    recent_successes: f32,
    recent_peer: f32,
    recent_wom_positive: f32,
    recent_wom_negative: f32,
    recent_complaints: f32,
    contributions: f32,
    tenure: u32,
    firm: u8,
}

/// Prefetches every cache line of `values` into the L2 cache (a hint: it changes no value).
#[inline(always)]
pub(super) fn prefetch_lines<T>(values: &[T]) {
    let skew = values.as_ptr() as usize & 63;
    prefetch_from_line(values, (skew + std::mem::size_of_val(values)).div_ceil(64));
}

/// [`prefetch_lines`] by a count of lines fixed by the slice's length, which the compiler
/// knows for a tile of a column, so that the loop unrolls into one instruction per line: the
/// lines from the one the slice starts in, and the one its last byte is in (the same as the
/// last of those when the slice starts on a line; the one they miss when it does not).
///
/// The blocks are not aligned to cache lines on purpose: Rust's allocator reallocates
/// over-aligned memory by copying it, so their `Vec` could no longer shrink in place
/// ([`Population::into_records`]), and the peak memory of a run would hold a second copy.
#[inline(always)]
fn prefetch_tile<T>(values: &[T]) {
    let bytes = std::mem::size_of_val(values);
    if bytes > 0 {
        prefetch_from_line(values, bytes.div_ceil(64));
        prefetch_from_line(&values[values.len() - 1..], 1);
    }
}

/// Prefetches `lines` cache lines from the one `values` starts in.
#[inline(always)]
fn prefetch_from_line<T>(values: &[T], lines: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T1, _mm_prefetch};
        let first_line = values.as_ptr() as usize & !63;
        for line in 0..lines {
            // SAFETY: SSE is part of every x86-64 CPU, and a prefetch reads nothing: it never
            // faults, whatever the address, and changes no value.
            unsafe { _mm_prefetch::<_MM_HINT_T1>((first_line + 64 * line) as *const i8) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (values, lines);
}

// The blocks must keep the allocator's own alignment (16 bytes on the 64-bit targets), or
// `Population::into_records` copies them as it shrinks their `Vec` (see `prefetch_tile`).
const _: () = assert!(std::mem::align_of::<Columns>() <= 16);

/// Every slot of a population of `capacity`, in blocks.
#[derive(Clone)]
pub struct Population {
    pub blocks: Vec<Columns>,
    capacity: usize,
}

impl Population {
    /// `capacity` vacant slots.
    pub fn vacant(capacity: usize) -> Population {
        Population {
            blocks: (0..capacity.div_ceil(BLOCK))
                .map(|_| Columns::EMPTY)
                .collect(),
            capacity,
        }
    }

    /// The record of slot `slot`.
    pub fn get(&self, slot: usize) -> Customer {
        self.blocks[slot / BLOCK].get(slot % BLOCK)
    }

    /// Every slot's record, in slot order.
    pub fn records(&self) -> Vec<Customer> {
        (0..self.capacity).map(|slot| self.get(slot)).collect()
    }

    /// Every slot's record, in slot order, freeing the blocks as they are gathered (from the
    /// last, so that the blocks' one allocation can shrink in place): the peak memory is about
    /// one copy of the population, not two.
    pub fn into_records(mut self) -> Vec<Customer> {
        let mut records = Vec::with_capacity(self.capacity);
        while let Some(block) = self.blocks.pop() {
            let first_slot = self.blocks.len() * BLOCK;
            let lanes = (self.capacity - first_slot).min(BLOCK);
            records.extend((0..lanes).rev().map(|lane| block.get(lane)));
            if self.blocks.len().is_multiple_of(8) {
                self.blocks.shrink_to_fit();
            }
        }
        records.reverse();
        records
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_comes_back_as_stored() {
        let mut population = Population::vacant(BLOCK + 3);
        let customer = Customer {
            expertise: 0.25,
            loyalty: 0.75,
            contributions: 3.5,
            tenure: 7,
            firm: 1,
            ..Customer::EMPTY
        };
        population.blocks[1].set(2, &customer);
        assert_eq!(population.get(BLOCK + 2), customer);
        assert_eq!(population.get(BLOCK + 1), Customer::EMPTY);
        let records = population.records();
        assert_eq!(records.len(), BLOCK + 3);
        assert_eq!(population.into_records(), records);
    }
}
