//! A block's customer phase as passes over its [`Columns`], in the order of the week's steps.
//!
//! Every customer takes the routine steps (bookkeeping, product engagement's learning, the
//! participation test, product use, empowerment, drift, word of mouth, the slow states and the
//! churn test) every week; they run here as loops over the lanes of a tile (a block runs tile
//! by tile) that the compiler vectorises, each lane's choice made by a select on a mask rather
//! than a branch. What only some customers do in a week (an encounter, revenge, hearing
//! revenge, a conversation, leaving) runs after the pass that decides it, over a compact list
//! of those lanes, through the scalar steps of [`super::week`] on what they use of the lane's
//! record, gathered from the columns. The `exp` of the participation drive and the `pow`s of
//! the use values (every lane's at the start of the week, the moved ones' in step i) run over
//! many lanes at once ([`LaneMath`]: glibc's `expf` and `powf`, vectorised where the kernel
//! allows, with glibc's bits).
//!
//! The passes keep the results of the customer-by-customer week bit for bit: a customer's
//! steps run in the same order on the same values; its draws come from its own counter-based
//! stream, whose position each lane keeps between passes; and every tally that is not a count
//! (value co-created and co-destroyed, contributions, ideas implemented, incentives paid, and
//! the observation's sums of states) is still added in slot order, because each is added in
//! one pass only.

use super::agents::{Public, VACANT, WINDOW_RATE, window_decay};
use super::columns::{Columns, LanePart, PADDED, prefetch_lines};
use super::lane_math::LaneMath;
use super::observe::Tally;
use super::rng::{self, Purpose, SlotDraws};
use super::rules::{self, EngagementDrivers, ProductUser, empower, experience, select, toward};
use super::sim::BLOCK;
use super::week::{
    Block, Constants, Context, Decision, FirmView, Kind, Listener, StaffEvent, Week, leaves,
    pick_choice,
};

/// What one block of the customer phase writes.
pub(super) struct BlockSlices<'a> {
    pub customers: &'a mut Columns,
    /// The block's public records for next week: one per real slot (the last block of a
    /// population may have fewer than [`BLOCK`]).
    pub next: &'a mut [Public],
    pub revenge: &'a mut [u64],
    pub tallies: &'a mut [Tally],
    pub events: &'a mut Vec<StaffEvent>,
}

/// The week in progress of every lane: the [`Week`] of the customer-by-customer update, by field.
pub(super) struct Lanes {
    product: [f32; PADDED],
    engage_or_fill: [f32; PADDED],
    churn: [f32; PADDED],
    wom: [f32; PADDED],
    talk: [f32; PADDED],
    partner: [u32; PADDED],
    /// Where each slot's stream of event draws stands.
    position: [u64; PADDED],
    /// The firm at the start of the week, or [`VACANT`].
    firm: [u8; PADDED],
    cocreated: [f64; PADDED],
    codestroyed: [f64; PADDED],
    prior_loyalty: [f32; PADDED],
    heard: [bool; PADDED],
    flags: [u8; PADDED],
    use_value: [f32; PADDED],
    use_expectation: [f32; PADDED],
    /// The quality and incentive of each lane's firm (zero for a vacant lane).
    quality: [f32; PADDED],
    incentive: [f32; PADDED],
    /// The participation drive, then rate, then weight of a contribution.
    rate: [f32; PADDED],
    /// The lanes a pass selected, then the first `selected` of them as a list.
    mark: [u8; PADDED],
    list: [u16; PADDED],
}

impl Lanes {
    /// Room for one block's week, reused from block to block ([`Lanes::begin`] sets every
    /// field before it is read).
    fn new() -> Box<Lanes> {
        Box::new(Lanes {
            product: [0.0; PADDED],
            engage_or_fill: [0.0; PADDED],
            churn: [0.0; PADDED],
            wom: [0.0; PADDED],
            talk: [0.0; PADDED],
            partner: [0; PADDED],
            position: [0; PADDED],
            firm: [VACANT; PADDED],
            cocreated: [0.0; PADDED],
            codestroyed: [0.0; PADDED],
            prior_loyalty: [0.0; PADDED],
            heard: [false; PADDED],
            flags: [0; PADDED],
            use_value: [0.0; PADDED],
            use_expectation: [0.0; PADDED],
            quality: [0.0; PADDED],
            incentive: [0.0; PADDED],
            rate: [0.0; PADDED],
            mark: [0; PADDED],
            list: [0; PADDED],
        })
    }

    /// The lanes' week at its start: routine draws, firm, loyalty and expectation, nothing
    /// co-created or destroyed, nothing heard or said. (`rate`, `mark` and `list` are written
    /// by each pass before it reads them; `use_value` is computed for the active.)
    #[inline(always)]
    fn begin(
        &mut self,
        tile: usize,
        week_key: u64,
        first_slot: usize,
        c: &Columns,
        table: &FirmTable,
    ) {
        for lane in tile_lanes(tile) {
            let (decision, draws) = Decision::of_slot(week_key, first_slot + lane);
            self.product[lane] = decision.product;
            self.engage_or_fill[lane] = decision.engage_or_fill;
            self.churn[lane] = decision.churn;
            self.wom[lane] = decision.wom;
            self.talk[lane] = decision.talk;
            self.partner[lane] = decision.partner;
            self.position[lane] = draws.position();
        }
        table.spread(
            &c.firm[tile_lanes(tile)],
            &mut self.quality[tile_lanes(tile)],
            &mut self.incentive[tile_lanes(tile)],
        );
        for lane in tile_lanes(tile) {
            self.firm[lane] = c.firm[lane];
            self.prior_loyalty[lane] = c.loyalty[lane];
            self.use_expectation[lane] = c.expectation[lane];
            self.use_value[lane] = 0.0;
            self.cocreated[lane] = 0.0;
            self.codestroyed[lane] = 0.0;
            self.heard[lane] = false;
            self.flags[lane] = 0;
        }
    }

    /// Lane `lane`'s week, for a scalar step.
    #[inline(always)]
    fn week(&self, first_slot: usize, lane: usize) -> Week {
        Week {
            slot: first_slot + lane,
            firm: usize::from(self.firm[lane]),
            decision: Decision {
                product: self.product[lane],
                engage_or_fill: self.engage_or_fill[lane],
                churn: self.churn[lane],
                wom: self.wom[lane],
                talk: self.talk[lane],
                partner: self.partner[lane],
            },
            draws: SlotDraws::resume(self.position[lane]),
            cocreated: self.cocreated[lane],
            codestroyed: self.codestroyed[lane],
            prior_loyalty: self.prior_loyalty[lane],
            heard: self.heard[lane],
            flags: self.flags[lane],
        }
    }

    /// Keeps what a scalar step changed in lane `lane`'s week.
    #[inline(always)]
    fn keep(&mut self, lane: usize, week: &Week) {
        self.position[lane] = week.draws.position();
        self.cocreated[lane] = week.cocreated;
        self.codestroyed[lane] = week.codestroyed;
        self.heard[lane] = week.heard;
        self.flags[lane] = week.flags;
    }

    /// The marked lanes as a list, in lane order; returns their count.
    #[inline(always)]
    fn selected(&mut self, tile: usize) -> usize {
        let mut count = 0;
        let marks = &self.mark[tile_lanes(tile)];
        for (group, marks) in marks.chunks_exact(64).enumerate() {
            let mut bits = mark_bits(marks);
            while bits != 0 {
                // `count` is below the lane being listed; `min` tells the compiler so.
                let lane = tile * TILE + group * 64 + bits.trailing_zeros() as usize;
                self.list[count.min(BLOCK - 1)] = lane as u16;
                count += 1;
                bits &= bits - 1;
            }
        }
        count
    }
}

/// 64 marks (bytes of 0 or 1) as the bits of a word, mark j as bit j.
#[inline(always)]
fn mark_bits(marks: &[u8]) -> u64 {
    let mut bits = 0u64;
    #[cfg(target_arch = "x86_64")]
    for (part, sixteen) in marks.chunks_exact(16).enumerate() {
        use std::arch::x86_64::{_mm_loadu_si128, _mm_movemask_epi8, _mm_slli_epi16};
        // Each byte's 0 or 1 to its top bit (no byte's bit reaches its neighbour's), then the
        // 16 top bits.
        // SAFETY: `sixteen` holds 16 bytes, and SSE2 is part of every x86-64 CPU.
        let tops = unsafe {
            let bytes = _mm_loadu_si128(sixteen.as_ptr().cast());
            _mm_movemask_epi8(_mm_slli_epi16::<7>(bytes))
        };
        bits |= u64::from(tops as u16) << (16 * part);
    }
    #[cfg(not(target_arch = "x86_64"))]
    for (octet, eight) in marks.chunks_exact(8).enumerate() {
        // Eight at once: the multiplication moves byte j's bit to bit 56 + j, with no carries
        // between them.
        let word = u64::from_le_bytes(eight.try_into().unwrap_or([0; 8]));
        bits |= (word.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * octet);
    }
    bits
}

std::thread_local! {
    /// Each thread's room for a block's week, allocated once.
    static LANES: std::cell::RefCell<Box<Lanes>> = std::cell::RefCell::new(Lanes::new());
}

/// Runs `f` with this thread's [`Lanes`].
pub(super) fn with_lanes<R>(f: impl FnOnce(&mut Lanes) -> R) -> R {
    LANES.with_borrow_mut(|lanes| f(lanes))
}

/// The per-firm values the vector passes read, indexed by firm without a bounds check (a firm
/// index is a `u8`; [`VACANT`] reads zeros).
struct FirmTable {
    quality: [f32; 256],
    incentive: [f32; 256],
    /// How many firms there are.
    firms: usize,
}

/// Up to this many firms, [`FirmTable::spread`] selects each lane's values firm by firm (a
/// comparison and a blend per firm, eight lanes at a time) rather than looking them up lane by
/// lane (a scalar load each).
const FEW_FIRMS: usize = 8;

impl FirmTable {
    #[inline(always)]
    fn of(firms: &[FirmView]) -> FirmTable {
        let mut table = FirmTable {
            quality: [0.0; 256],
            incentive: [0.0; 256],
            firms: firms.len().min(usize::from(VACANT)),
        };
        for (index, firm) in firms.iter().enumerate().take(usize::from(VACANT)) {
            table.quality[index] = firm.quality;
            table.incentive[index] = firm.incentive;
        }
        table
    }

    /// The quality and incentive of the firm of each lane of `firm` (zeros for a vacant lane):
    /// the same values whichever way they are found.
    #[inline(always)]
    fn spread(&self, firm: &[u8], quality: &mut [f32], incentive: &mut [f32]) {
        if self.firms <= FEW_FIRMS {
            quality.fill(0.0);
            incentive.fill(0.0);
            for index in 0..self.firms {
                let (q, i) = (self.quality[index], self.incentive[index]);
                for ((&firm, quality), incentive) in
                    firm.iter().zip(&mut *quality).zip(&mut *incentive)
                {
                    let theirs = usize::from(firm) == index;
                    *quality = select(theirs, q, *quality);
                    *incentive = select(theirs, i, *incentive);
                }
            }
        } else {
            for ((&firm, quality), incentive) in firm.iter().zip(quality).zip(incentive) {
                *quality = self.quality[usize::from(firm)];
                *incentive = self.incentive[usize::from(firm)];
            }
        }
    }
}

/// The customer phase of one block: every active customer lives its week (docs/ODD.md section
/// 3, steps a–p), every vacant slot may be filled (7.21), and every customer active afterwards
/// is observed and publishes its record for next week.
#[inline(always)]
pub(super) fn update_block(
    context: &Context,
    block: usize,
    slices: BlockSlices,
    lanes: &mut Lanes,
    math: impl LaneMath,
) {
    let BlockSlices {
        customers: c,
        next,
        revenge,
        tallies,
        events,
    } = slices;
    events.clear();
    tallies.fill(Tally::default());
    revenge.fill(0);
    let k = context.constants;
    let first_slot = block * BLOCK;
    let week_key = rng::week_key(context.seed, Purpose::Customers, context.clock);
    let table = FirmTable::of(context.firms);
    let mut block_state = Block {
        context,
        tallies,
        events,
    };
    // Tile by tile, so that the columns and lanes a tile's passes read stay in the L1 cache;
    // each tile's columns, and the ties that step n picks its partners from (read at the
    // tile's start), are fetched two tiles ahead.
    c.prefetch(0..AHEAD * TILE);
    prefetch_lines(
        context
            .network
            .neighbours_of_range(first_slot..first_slot + AHEAD * TILE),
    );
    for tile in 0..TILES {
        if tile + AHEAD < TILES {
            let ahead = tile_lanes(tile + AHEAD);
            c.prefetch(ahead.clone());
            let slots = first_slot + ahead.start..first_slot + ahead.end;
            prefetch_lines(context.network.neighbours_of_range(slots));
        }
        lanes.begin(tile, week_key, first_slot, c, &table);
        week(&mut block_state, c, lanes, tile, first_slot, math);
        let slots = tile_lanes(tile).end.min(next.len());
        let tallies = &mut *block_state.tallies;
        let mut sums = RunningSums::new();
        // The end of the week, slot by slot: the week's value accounts (added once per
        // customer, in slot order), the filling of a slot vacant at the start of the week
        // (7.21), and the observation and next week's public record of every customer active
        // now.
        for lane in tile_lanes(tile).start..slots {
            let public = &mut next[lane];
            let started = lanes.firm[lane];
            if started != VACANT {
                let sums = sums.of(tallies, started);
                sums.cocreated += lanes.cocreated[lane];
                sums.codestroyed += lanes.codestroyed[lane];
            } else if lanes.engage_or_fill[lane] < k.fill_chance {
                let mut draws = SlotDraws::resume(lanes.position[lane]);
                let firm = pick_choice(context.firms, draws.unit());
                let reputation = context.firms[firm].reputation;
                let customer = context
                    .birth
                    .customer(firm as u8, reputation, &mut draws.stream());
                c.set(lane, &customer);
                tallies[firm].acquired += 1.0;
            }
            let firm = c.firm[lane];
            if firm == VACANT {
                *public = Public::VACANT;
                continue;
            }
            let sums = sums.of(tallies, firm);
            sums.active += 1.0;
            sums.empowerment += f64::from(c.empowerment[lane]);
            sums.self_efficacy += f64::from(c.self_efficacy[lane]);
            sums.satisfaction += f64::from(c.satisfaction[lane]);
            sums.loyalty += f64::from(c.loyalty[lane]);
            sums.grievance += f64::from(c.grievance[lane]);
            sums.functional += f64::from(c.functional[lane]);
            sums.emotional += f64::from(c.emotional[lane]);
            sums.social += f64::from(c.social[lane]);
            sums.revenue_weight += 1.0 + f64::from(c.loyalty[lane]);
            let flags = lanes.flags[lane];
            if flags & Public::REVENGE != 0 {
                revenge[lane / 64] |= 1 << (lane % 64);
            }
            *public = Public::of_parts(
                c.satisfaction[lane],
                c.recent_successes[lane],
                c.recent_contributions[lane],
                firm,
                flags,
            );
        }
        sums.store(tallies);
    }
}

/// The sums of one firm's [`Tally`] that the end of the week adds to for every customer, held
/// in registers while consecutive customers belong to that firm (in memory, each addition
/// would wait for the last one's store). A firm's sums are loaded when a customer of another
/// firm comes and stored back before; so every sum still takes its additions one by one, in
/// slot order, and the bits are those of adding to the tally in memory.
struct RunningSums {
    firm: u8,
    active: f64,
    empowerment: f64,
    self_efficacy: f64,
    satisfaction: f64,
    loyalty: f64,
    grievance: f64,
    functional: f64,
    emotional: f64,
    social: f64,
    revenue_weight: f64,
    cocreated: f64,
    codestroyed: f64,
}

macro_rules! running_fields {
    ($apply:ident) => {
        $apply!(
            active,
            empowerment,
            self_efficacy,
            satisfaction,
            loyalty,
            grievance,
            functional,
            emotional,
            social,
            revenue_weight,
            cocreated,
            codestroyed
        )
    };
}

impl RunningSums {
    #[inline(always)]
    fn new() -> RunningSums {
        macro_rules! zero {
            ($($field:ident),*) => { RunningSums { firm: VACANT, $($field: 0.0),* } };
        }
        running_fields!(zero)
    }

    /// Firm `firm`'s sums, loaded from `tallies` (and the last firm's stored) if they are not
    /// the ones held.
    #[inline(always)]
    fn of(&mut self, tallies: &mut [Tally], firm: u8) -> &mut RunningSums {
        if firm != self.firm {
            self.store(tallies);
            let tally = &tallies[usize::from(firm)];
            macro_rules! load {
                ($($field:ident),*) => { *self = RunningSums { firm, $($field: tally.$field),* } };
            }
            running_fields!(load);
        }
        self
    }

    /// The sums held, stored back into their firm's tally.
    #[inline(always)]
    fn store(&self, tallies: &mut [Tally]) {
        if self.firm != VACANT {
            let tally = &mut tallies[usize::from(self.firm)];
            macro_rules! store {
                ($($field:ident),*) => { $( tally.$field = self.$field; )* };
            }
            running_fields!(store);
        }
    }
}

/// Lanes per tile: a tile's share of the block's columns and lanes (about 26 KB) fits the L1
/// cache, so its passes read them from there.
const TILE: usize = 128;
const TILES: usize = BLOCK / TILE;
/// How many tiles ahead a tile's columns are prefetched.
const AHEAD: usize = 2;
const _: () = assert!(BLOCK.is_multiple_of(TILE) && TILE.is_multiple_of(64));

/// The lanes of tile `tile`.
#[inline(always)]
fn tile_lanes(tile: usize) -> std::ops::Range<usize> {
    tile * TILE..(tile + 1) * TILE
}

/// One tile's week, steps a–p, as passes over its lanes.
#[inline(always)]
fn week(
    block: &mut Block,
    c: &mut Columns,
    lanes: &mut Lanes,
    tile: usize,
    first_slot: usize,
    math: impl LaneMath,
) {
    let context = block.context;
    let k = context.constants;
    prefetch_partners(c, lanes, tile, first_slot, context);
    week_start_use_value(c, lanes, tile, &k, math);
    bookkeeping_and_product_engagement(c, lanes, tile);
    // Step b's support question: the engaged take their next draw.
    for index in 0..lanes.selected(tile) {
        let lane = usize::from(lanes.list[index]);
        let mut draws = SlotDraws::resume(lanes.position[lane]);
        let support = draws.unit();
        lanes.position[lane] = draws.position();
        if support < rules::product::SUPPORT_CHANCE {
            scalar_step(block, c, lanes, first_slot, lane, |b, part, week| {
                b.encounter(part, Kind::Support, week);
            });
        }
    }
    participation(c, lanes, tile, math);
    for index in 0..lanes.selected(tile) {
        let lane = usize::from(lanes.list[index]);
        let weight = lanes.rate[lane];
        scalar_step(block, c, lanes, first_slot, lane, |b, part, week| {
            b.tallies[week.firm].engaged += 1.0;
            b.encounter(part, Kind::Contribution(weight), week);
        });
    }
    // Step i (7.13): product use is judged against the expectation after this week's encounters.
    moved_use_value(c, lanes, tile, &k, math);
    use_empowerment_and_drift(c, lanes, tile);
    mark_revenge(c, lanes, tile, &k);
    for index in 0..lanes.selected(tile) {
        let lane = usize::from(lanes.list[index]);
        scalar_step(block, c, lanes, first_slot, lane, |b, customer, week| {
            b.revenge(customer, week);
        });
    }
    word_of_mouth(c, lanes, tile);
    // Step n (7.18), first part: last week's revenge heard, by the neighbours of its takers
    // (one bit per slot, few set).
    let first_word = (first_slot + tile * TILE) / 64;
    let words = context
        .hears_revenge
        .iter()
        .skip(first_word)
        .take(TILE / 64);
    for (word_index, &word) in words.enumerate() {
        let mut bits = word;
        while bits != 0 {
            let lane = tile * TILE + word_index * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if c.firm[lane] != VACANT {
                let mut listener = Listener::gather(c, lane);
                block.hear_revenge(&mut listener, first_slot + lane);
                listener.store(c, lane);
            }
        }
    }
    mark_conversation(c, lanes, tile);
    for index in 0..lanes.selected(tile) {
        let lane = usize::from(lanes.list[index]);
        let mut listener = Listener::gather(c, lane);
        block.conversation(&mut listener, first_slot + lane, lanes.partner[lane]);
        listener.store(c, lane);
    }
    slow_states(c, tile, &k);
    mark_churn(c, lanes, tile, &k);
    for index in 0..lanes.selected(tile) {
        let lane = usize::from(lanes.list[index]);
        // The customer's own hazard (an `exp`) before its record is gathered: most stay.
        if leaves(c.loyalty[lane], c.grievance[lane], lanes.churn[lane], &k) {
            scalar_step(block, c, lanes, first_slot, lane, |b, customer, week| {
                week.flags = b.churn(customer, week);
            });
        }
    }
}

/// Runs the scalar step `step` on the part `P` of lane `lane`'s record that it uses and on the
/// lane's week, and stores both back.
#[inline(always)]
fn scalar_step<P: LanePart>(
    block: &mut Block,
    c: &mut Columns,
    lanes: &mut Lanes,
    first_slot: usize,
    lane: usize,
    step: impl FnOnce(&mut Block, &mut P, &mut Week),
) {
    let mut part = P::gather(c, lane);
    let mut week = lanes.week(first_slot, lane);
    step(block, &mut part, &mut week);
    part.store(c, lane);
    lanes.keep(lane, &week);
}

/// The value of this week's product use against the customer's expectation at the start of the
/// week (step b learns from it), for every active lane.
#[inline(always)]
fn week_start_use_value(
    c: &Columns,
    lanes: &mut Lanes,
    tile: usize,
    k: &Constants,
    math: impl LaneMath,
) {
    let range = tile_lanes(tile);
    experienced_values(
        &lanes.quality[range.clone()],
        &c.expectation[range.clone()],
        &mut lanes.use_value[range],
        k,
        math,
    );
    for lane in tile_lanes(tile) {
        let active = c.firm[lane] != VACANT;
        lanes.use_value[lane] = select(active, lanes.use_value[lane], 0.0);
    }
}

/// Step i: the use value again for the lanes whose expectation an encounter has moved since the
/// start of the week (few: as a list).
#[inline(always)]
fn moved_use_value(
    c: &Columns,
    lanes: &mut Lanes,
    tile: usize,
    k: &Constants,
    math: impl LaneMath,
) {
    for lane in tile_lanes(tile) {
        let moved = lanes.use_expectation[lane].to_bits() != c.expectation[lane].to_bits();
        lanes.mark[lane] = u8::from((c.firm[lane] != VACANT) & moved);
    }
    let count = lanes.selected(tile);
    let (mut quality, mut expectation, mut values) = ([0.0; TILE], [0.0; TILE], [0.0; TILE]);
    for (index, &lane) in lanes.list[..count].iter().enumerate() {
        quality[index] = lanes.quality[usize::from(lane)];
        expectation[index] = c.expectation[usize::from(lane)];
    }
    experienced_values(
        &quality[..count],
        &expectation[..count],
        &mut values[..count],
        k,
        math,
    );
    for (index, &lane) in lanes.list[..count].iter().enumerate() {
        lanes.use_value[usize::from(lane)] = values[index];
    }
}

/// [`super::week::experienced_value`] of each quality against its expectation (at most a tile's), with the
/// `powf`s computed all at once: inside the zone of tolerance the value is zero, and the power
/// computed for it (of 1) is discarded.
#[inline(always)]
fn experienced_values(
    quality: &[f32],
    expectation: &[f32],
    values: &mut [f32],
    k: &Constants,
    math: impl LaneMath,
) {
    let mut signed = [0.0f32; TILE];
    let signed = &mut signed[..values.len()];
    let pairs = || quality.iter().zip(expectation);
    for ((d, signed), base) in pairs()
        .map(|(q, e)| q - e)
        .zip(&mut *signed)
        .zip(&mut *values)
    {
        // `rules::experienced_value`'s disconfirmation beyond the zone, and `powf`'s argument.
        *signed = rules::beyond_tolerance(d);
        let magnitude = select(*signed >= 0.0, *signed, -*signed);
        *base = select(rules::within_tolerance(d), 1.0, magnitude);
    }
    math.pow(values, k.alpha);
    for ((d, &signed), value) in pairs().map(|(q, e)| q - e).zip(&*signed).zip(values) {
        let power = *value;
        let prospect = select(signed >= 0.0, power, -k.lambda * power);
        *value = select(rules::within_tolerance(d), 0.0, prospect);
    }
}

/// Steps a (7.3, bookkeeping) and b (7.4, product engagement: its chance and what it teaches);
/// marks the engaged.
#[inline(always)]
fn bookkeeping_and_product_engagement(c: &mut Columns, lanes: &mut Lanes, tile: usize) {
    for lane in tile_lanes(tile) {
        let active = c.firm[lane] != VACANT;
        c.tenure[lane] += u32::from(active);
        // Written out field by field: a loop over references to them is not vectorised.
        let fade = |count: f32| select(active, window_decay(count), count);
        c.recent_product[lane] = fade(c.recent_product[lane]);
        c.recent_encounters[lane] = fade(c.recent_encounters[lane]);
        c.recent_contributions[lane] = fade(c.recent_contributions[lane]);
        c.recent_successes[lane] = fade(c.recent_successes[lane]);
        c.recent_peer[lane] = fade(c.recent_peer[lane]);
        c.recent_wom_positive[lane] = fade(c.recent_wom_positive[lane]);
        c.recent_wom_negative[lane] = fade(c.recent_wom_negative[lane]);
        c.recent_complaints[lane] = fade(c.recent_complaints[lane]);
        let memory = c.failure_memory[lane];
        c.failure_memory[lane] = select(active, memory * rules::FAILURE_MEMORY_DECAY, memory);
        let quality = lanes.quality[lane];
        let chance = rules::product_engagement_chance(c.involvement[lane], quality);
        let engaged = active & (lanes.product[lane] < chance);
        let user = ProductUser {
            expertise: c.expertise[lane],
        };
        let (functional, emotional, social) =
            rules::product_targets(quality, lanes.use_value[lane], &user);
        let recent = c.recent_product[lane];
        c.recent_product[lane] = select(engaged, recent + WINDOW_RATE, recent);
        let learn = |value: f32, target: f32, rate: f32| {
            select(engaged, toward(value, target, rate), value)
        };
        c.functional[lane] = learn(
            c.functional[lane],
            functional,
            experience::PRODUCT_FUNCTIONAL_RATE,
        );
        c.emotional[lane] = learn(
            c.emotional[lane],
            emotional,
            experience::PRODUCT_EMOTIONAL_RATE,
        );
        c.social[lane] = learn(c.social[lane], social, experience::PRODUCT_SOCIAL_RATE);
        lanes.mark[lane] = u8::from(engaged);
    }
}

/// Step c (7.4): the participation rate r = activity · exp(drive), its chance r / (1 + r) and
/// weight 1 + r (left in `lanes.rate`); marks the participants.
#[inline(always)]
fn participation(c: &Columns, lanes: &mut Lanes, tile: usize, math: impl LaneMath) {
    for lane in tile_lanes(tile) {
        lanes.rate[lane] = rules::engagement_drive(&EngagementDrivers {
            activity: c.activity[lane],
            empowerment: c.empowerment[lane],
            self_efficacy: c.self_efficacy[lane],
            emotional: c.emotional[lane],
            social: c.social[lane],
            grievance: c.grievance[lane],
            incentive: lanes.incentive[lane],
        });
    }
    // Every lane's, the vacant's too (their drive is finite and their test masked): cheaper
    // than listing the active.
    math.exp(&mut lanes.rate[tile_lanes(tile)]);
    for lane in tile_lanes(tile) {
        lanes.rate[lane] *= c.activity[lane];
    }
    for lane in tile_lanes(tile) {
        let (chance, weight) = rules::engagement_chance_and_weight(lanes.rate[lane]);
        lanes.rate[lane] = weight;
        lanes.mark[lane] =
            u8::from((c.firm[lane] != VACANT) & (lanes.engage_or_fill[lane] < chance));
    }
}

/// Steps i (7.13, satisfaction from product use), j (7.14, empowerment: raised when heard,
/// then lifting self-efficacy; otherwise resting) and k (7.15, experience values drift toward
/// neutral).
#[inline(always)]
fn use_empowerment_and_drift(c: &mut Columns, lanes: &Lanes, tile: usize) {
    for lane in tile_lanes(tile) {
        let active = c.firm[lane] != VACANT;
        let satisfaction = c.satisfaction[lane];
        let target = rules::satisfaction_target(c.expectation[lane], lanes.use_value[lane]);
        let used = toward(satisfaction, target, rules::USE_RATE);
        c.satisfaction[lane] = select(active, used, satisfaction);
        let heard = lanes.heard[lane];
        let (empowerment, efficacy) = (c.empowerment[lane], c.self_efficacy[lane]);
        let raised = toward(empowerment, 1.0, empower::HEARD);
        let lifted = toward(efficacy, 1.0, empower::TO_EFFICACY * raised);
        let rested = toward(empowerment, c.base_empowerment[lane], empower::DECAY);
        c.empowerment[lane] = select(active, select(heard, raised, rested), empowerment);
        c.self_efficacy[lane] = select(active & heard, lifted, efficacy);
        let drift = |value: f32| {
            select(
                active,
                toward(value, experience::NEUTRAL, experience::DRIFT),
                value,
            )
        };
        c.functional[lane] = drift(c.functional[lane]);
        c.emotional[lane] = drift(c.emotional[lane]);
        c.social[lane] = drift(c.social[lane]);
    }
}

/// Step l (7.16), who may take revenge: grievance above the threshold.
#[inline(always)]
fn mark_revenge(c: &Columns, lanes: &mut Lanes, tile: usize, k: &Constants) {
    for lane in tile_lanes(tile) {
        lanes.mark[lane] =
            u8::from((c.firm[lane] != VACANT) & (c.grievance[lane] > k.revenge_threshold));
    }
}

/// Step m (7.17): word of mouth spoken this week, U-shaped in satisfaction (Anderson 1998).
#[inline(always)]
fn word_of_mouth(c: &mut Columns, lanes: &mut Lanes, tile: usize) {
    for lane in tile_lanes(tile) {
        let active = c.firm[lane] != VACANT;
        let affect = rules::wom_affect(
            c.satisfaction[lane],
            c.grievance[lane],
            c.failure_memory[lane],
        );
        let (speak, positive) = rules::wom_chance(affect);
        let spoke = active & (lanes.wom[lane] < speak);
        let (praised, complained) = (spoke & positive, spoke & !positive);
        lanes.flags[lane] |= (u8::from(praised) * Public::SPOKE_POSITIVE)
            | (u8::from(complained) * Public::SPOKE_NEGATIVE);
        let (good, bad) = (c.recent_wom_positive[lane], c.recent_wom_negative[lane]);
        c.recent_wom_positive[lane] = select(praised, good + WINDOW_RATE, good);
        c.recent_wom_negative[lane] = select(complained, bad + WINDOW_RATE, bad);
    }
}

/// Prefetches the public record of every conversation partner of the tile's week (step n).
/// Who talks to whom is known at the start of the week (the talk and partner draws, the
/// sociability trait, the firm before churn), and a rewired neighbour's record is a cache miss
/// that the short loop of step n cannot hide; fetched now, it arrives while the tile's other
/// steps run.
#[inline(always)]
fn prefetch_partners(
    c: &Columns,
    lanes: &mut Lanes,
    tile: usize,
    first_slot: usize,
    context: &Context,
) {
    mark_conversation(c, lanes, tile);
    for index in 0..lanes.selected(tile) {
        let lane = usize::from(lanes.list[index]);
        let neighbours = context.network.neighbours(first_slot + lane);
        if !neighbours.is_empty() {
            let pick = rng::index21(lanes.partner[lane], neighbours.len() as u32) as usize;
            let partner = neighbours[pick] as usize;
            prefetch_lines(&context.public[partner..=partner]);
        }
    }
}

/// Step n (7.18), who seeks a conversation: with probability `sociability`.
#[inline(always)]
fn mark_conversation(c: &Columns, lanes: &mut Lanes, tile: usize) {
    for lane in tile_lanes(tile) {
        lanes.mark[lane] =
            u8::from((c.firm[lane] != VACANT) & (lanes.talk[lane] < c.sociability[lane]));
    }
}

/// Step o (7.19): grievance decays; loyalty moves toward its convex target (at the default
/// convexity 2 without `powf`).
#[inline(always)]
fn slow_states(c: &mut Columns, tile: usize, k: &Constants) {
    for lane in tile_lanes(tile) {
        let active = c.firm[lane] != VACANT;
        let grievance = c.grievance[lane];
        let decayed =
            rules::grievance_decay(grievance, c.forgiveness[lane], c.grudge_loyalty[lane]);
        c.grievance[lane] = select(active, decayed, grievance);
        let grudge = c.grudge_loyalty[lane];
        c.grudge_loyalty[lane] = select(active & (decayed < 0.01), 0.0, grudge);
    }
    let convexity = k.loyalty_convexity;
    if convexity == 2.0 {
        for lane in tile_lanes(tile) {
            let active = c.firm[lane] != VACANT;
            let loyalty = c.loyalty[lane];
            let moved = rules::loyalty_step(loyalty, c.satisfaction[lane], 2.0, k.loyalty_rate);
            c.loyalty[lane] = select(active, moved, loyalty);
        }
    } else {
        for lane in tile_lanes(tile) {
            if c.firm[lane] != VACANT {
                let loyalty = c.loyalty[lane];
                c.loyalty[lane] =
                    rules::loyalty_step(loyalty, c.satisfaction[lane], convexity, k.loyalty_rate);
            }
        }
    }
}

/// Step p (7.20), who may leave: the churn draw below the week's ceiling of every hazard (the
/// rest stay, as [`super::week::leaves`] would decide without `exp`).
#[inline(always)]
fn mark_churn(c: &Columns, lanes: &mut Lanes, tile: usize, k: &Constants) {
    for lane in tile_lanes(tile) {
        let within_ceiling = (c.loyalty[lane] >= 0.0) & (c.grievance[lane] <= 1.0);
        let settled = within_ceiling & (lanes.churn[lane] >= k.churn_ceiling);
        lanes.mark[lane] = u8::from((c.firm[lane] != VACANT) & !settled);
    }
}

#[cfg(test)]
mod tests {
    use super::super::lane_math::Libm;
    use super::*;
    use crate::model::week::experienced_value;

    fn constants(alpha: f32) -> Constants {
        Constants {
            // Opaque, so that the compiler does not rewrite the reference's `powf` for
            // exponents such as 0.5 or 1.
            alpha: std::hint::black_box(alpha),
            lambda: 2.25,
            satisfaction_rate: 0.0,
            expectation_rate: 0.0,
            loyalty_rate: 0.0,
            loyalty_convexity: 0.0,
            mastery: 0.0,
            vicarious: 0.0,
            revenge_threshold: 0.0,
            base_churn: 0.0,
            churn_slope: 0.0,
            churn_grievance: 0.0,
            switching: 0.0,
            fill_chance: 0.0,
            churn_ceiling: 0.0,
        }
    }

    /// `experienced_values` against `week::experienced_value`, pair by pair, bit for bit.
    fn check(math: impl LaneMath) {
        let tolerance = rules::TOLERANCE;
        let mut disconfirmations = vec![0.0, -0.0, f32::NAN, 1e-30, -1e-30, 1.0, -1.0];
        for edge in [tolerance, -tolerance] {
            disconfirmations.extend([edge, edge.next_up(), edge.next_down()]);
        }
        disconfirmations.extend((0..=200).map(|i| -1.0 + i as f32 / 100.0));
        for alpha in [0.88, 0.5, 1.0, 0.1] {
            let k = constants(alpha);
            for expectation in [0.0, 0.37, 1.0] {
                // At most a tile at a time.
                for chunk in disconfirmations.chunks(TILE) {
                    let quality: Vec<f32> = chunk.iter().map(|d| expectation + d).collect();
                    let expectations = vec![expectation; chunk.len()];
                    let mut values = vec![0.0; chunk.len()];
                    experienced_values(&quality, &expectations, &mut values, &k, math);
                    for (&q, &got) in quality.iter().zip(&values) {
                        let want = experienced_value(q, expectation, &k);
                        assert!(
                            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                            "q {q}, expectation {expectation}, alpha {alpha}: {got} against {want}"
                        );
                    }
                }
            }
        }
    }

    /// `FirmTable::spread` gives every lane its firm's values, by selection (few firms) and by
    /// lookup (many), vacant and out-of-range lanes zeros.
    #[test]
    fn spread_gives_each_lane_its_firm_s_quality_and_incentive() {
        for count in [1, 2, FEW_FIRMS, FEW_FIRMS + 1, 40] {
            let firms: Vec<FirmView> = (0..count)
                .map(|index| FirmView {
                    incentive: 0.01 * (index + 1) as f32,
                    feedback: 0.0,
                    act_on_feedback: 0.0,
                    recognition: 0.0,
                    delight: 0.0,
                    recovery: 0.0,
                    outlets: 0.0,
                    tech_reliability: 0.0,
                    defensiveness: 0.0,
                    capacity: 0.0,
                    staff_start: 0,
                    staff_count: 0,
                    quality: 0.5 + 0.001 * index as f32,
                    reputation: 0.0,
                    choice_cumulative: 0.0,
                })
                .collect();
            let table = FirmTable::of(&firms);
            let lane_firms: Vec<u8> = (0..TILE)
                .map(|lane| match lane % 7 {
                    0 => VACANT,
                    1 => count as u8, // beyond the last firm: reads as none
                    _ => ((lane * 31) % count) as u8,
                })
                .collect();
            let (mut quality, mut incentive) = ([9.0; TILE], [9.0; TILE]);
            table.spread(&lane_firms, &mut quality, &mut incentive);
            for (lane, &firm) in lane_firms.iter().enumerate() {
                let (want_q, want_i) = firms
                    .get(usize::from(firm))
                    .map_or((0.0, 0.0), |f| (f.quality, f.incentive));
                assert_eq!(
                    (quality[lane].to_bits(), incentive[lane].to_bits()),
                    (want_q.to_bits(), want_i.to_bits()),
                    "{count} firms, lane {lane} of firm {firm}"
                );
            }
        }
    }

    #[test]
    fn mark_bits_puts_mark_j_at_bit_j() {
        for pattern in [
            0u64,
            u64::MAX,
            1,
            1 << 63,
            0x8000_0001_0010_0100,
            0x0123_4567_89ab_cdef,
        ] {
            let marks: Vec<u8> = (0..64).map(|j| ((pattern >> j) & 1) as u8).collect();
            assert_eq!(mark_bits(&marks), pattern, "{pattern:#x}");
        }
    }

    #[test]
    fn experienced_values_are_the_week_s_experienced_value_for_every_kernel() {
        check(Libm);
        #[cfg(target_arch = "x86_64")]
        if let Some(math) = super::super::lane_math::Avx2Fma::detect() {
            check(math);
        }
    }
}
