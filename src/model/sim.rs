//! The tick order: one tick of the model (docs/ODD.md, "Process overview and scheduling"). Not
//! to be confused with [`super::Schedule`], the configurations a run switches between.
//!
//! A tick runs in three phases:
//! 1. **Customers** (parallel over fixed blocks of [`BLOCK`] slots): engagement, the encounter,
//!    voice and recovery, revenge, peer interaction and word of mouth, state updates, churn and
//!    acquisition. Customers read other customers only through last week's [`Public`] buffer and
//!    employees only through last week's state, so the update is synchronous. Each block writes
//!    its own slice of the next public buffer, its own [`Tally`] per firm and its own list of
//!    events for employees; nothing is shared mutably, and nothing is allocated but each
//!    thread's room for a block's week, once ([`super::passes`]).
//! 2. **Employees** (sequential, cheap: a few employees per thousand customers): the blocks'
//!    events are applied in block order, then morale, training and burnout.
//! 3. **Firms**: the blocks' tallies are summed in block order; product quality, reputation and
//!    money are updated and the tick is observed.

use std::sync::Arc;

use rayon::prelude::*;

use super::agents::{Customer, CustomerBirth, Employee, Hiring, Public};
use super::columns::Population;
use super::config::{Config, ValidConfig};
use super::kernel::Kernel;
#[cfg(target_arch = "x86_64")]
use super::lane_math::Avx2Fma;
use super::lane_math::Libm;
use super::network::Network;
use super::observe::{FirmTick, Tally};
use super::passes::{self, BlockSlices, Lanes};
use super::rng::{self, Purpose};
use super::rules::{self, firm as firm_rules, morale};
use super::schedule::{Change, Schedule};
use super::week::{Constants, Context, FirmView, StaffEvent, StaffEventKind};

/// Customers per block: the unit of parallel work and of random streams. A constant, so that
/// results do not depend on the number of threads.
pub const BLOCK: usize = 1024;
// A block owns whole words of the revenge bitsets.
const _: () = assert!(BLOCK.is_multiple_of(64));

impl FirmView {
    /// The policy part of a firm's view; staff range, quality, reputation and choice weight
    /// are filled in by the caller and by [`Simulation::refresh_views`].
    fn of(firm: &crate::model::config::Firm) -> FirmView {
        FirmView {
            incentive: firm.policy.incentive as f32,
            feedback: firm.policy.feedback_solicitation as f32,
            act_on_feedback: firm.policy.act_on_feedback as f32,
            recognition: firm.policy.recognition as f32,
            delight: firm.policy.surprise_delight as f32,
            recovery: firm.policy.service_recovery as f32,
            outlets: firm.policy.complaint_outlets as f32,
            tech_reliability: firm.policy.tech_reliability as f32,
            defensiveness: firm.policy.defensiveness as f32,
            capacity: firm.staff.capacity as f32,
            staff_start: 0,
            staff_count: 0,
            quality: 0.0,
            reputation: 0.0,
            choice_cumulative: 0.0,
        }
    }
}

/// Per-employee counts of one tick.
#[derive(Debug, Clone, Copy, Default)]
struct StaffCounts {
    encounters: f32,
    pleasant: f32,
    hostile: f32,
    confrontations: f32,
}

/// One firm's slowly moving state.
#[derive(Debug, Clone, Copy)]
struct FirmState {
    quality: f64,
    reputation: f64,
}

/// One replication of the model.
pub struct Simulation {
    config: Config,
    seed: u64,
    tick: u32,
    /// Weeks stepped so far, spin-up included: the key of each week's random streams.
    clock: u64,
    customers: Population,
    public: Vec<Public>,
    next_public: Vec<Public>,
    /// One bit per slot, set when the slot's public record carries [`Public::REVENGE`].
    revenge: Vec<u64>,
    next_revenge: Vec<u64>,
    /// One bit per slot, set when a neighbour took revenge last week (marked from the few
    /// revenge takers): only those customers scan their neighbours for revenge, instead of every
    /// customer reading every neighbour's public record (a rewired tie's far end is a cache
    /// miss).
    hears_revenge: Vec<u64>,
    employees: Vec<Employee>,
    staff_counts: Vec<StaffCounts>,
    hiring: Vec<Hiring>,
    birth: CustomerBirth,
    network: Network,
    firms: Vec<FirmState>,
    views: Vec<FirmView>,
    tallies: Vec<Tally>,
    events: Vec<Vec<StaffEvent>>,
    /// Configurations that take over at later ticks (see [`Simulation::scheduled`]), shared
    /// with the schedule, and the index of the next one.
    changes: Arc<[Change]>,
    next_change: usize,
    /// The compiled version of the customer phase ([`Kernel::detect`] unless set).
    kernel: Kernel,
}

impl Simulation {
    /// Initialises a replication: builds the network, places the initial customers at random
    /// slots with firms drawn by share, and hires every firm's staff.
    pub fn new(config: &ValidConfig, replication_seed: u64) -> Simulation {
        let config = config.get().clone();
        let capacity = config.population.capacity as usize;
        let firm_count = config.firms.len();
        let network = Network::build(
            config.network.kind,
            config.population.capacity,
            config.network.mean_degree,
            config.network.rewiring,
            replication_seed,
        );
        let birth = CustomerBirth::new(&config.customers);
        let hiring: Vec<Hiring> = config.firms.iter().map(|f| Hiring::new(&f.staff)).collect();
        let firms: Vec<FirmState> = config
            .firms
            .iter()
            .map(|f| FirmState {
                quality: f.initial_quality,
                reputation: f.initial_reputation,
            })
            .collect();

        // Which slots start active: a uniform random subset of exactly `initial` slots.
        let mut order: Vec<u32> = (0..config.population.capacity).collect();
        let mut stream = rng::stream(replication_seed, Purpose::InitCustomers, 0, u64::MAX);
        let initial = config.population.initial as usize;
        for i in 0..initial {
            let j = i + rng::index(&mut stream, (capacity - i) as u32) as usize;
            order.swap(i, j);
        }
        let mut starts_active = vec![false; capacity];
        for &slot in &order[..initial] {
            starts_active[slot as usize] = true;
        }
        drop(order);

        let share_cumulative: Vec<f32> = config
            .firms
            .iter()
            .scan(0.0f64, |sum, f| {
                *sum += f.share;
                Some(*sum as f32)
            })
            .collect();
        let mut customers = Population::vacant(capacity);
        customers
            .blocks
            .par_iter_mut()
            .zip(starts_active.par_chunks(BLOCK))
            .enumerate()
            .for_each(|(block, (columns, active))| {
                let mut stream =
                    rng::stream(replication_seed, Purpose::InitCustomers, 0, block as u64);
                for (lane, &is_active) in active.iter().enumerate() {
                    if is_active {
                        let firm = pick(&share_cumulative, rng::unit(&mut stream));
                        let reputation = firms[firm].reputation as f32;
                        columns.set(lane, &birth.customer(firm as u8, reputation, &mut stream));
                    }
                }
            });
        let public: Vec<Public> = (0..capacity)
            .into_par_iter()
            .map(|slot| Public::of(&customers.get(slot), 0))
            .collect();

        let mut employees = Vec::new();
        let mut stream = rng::stream(replication_seed, Purpose::InitEmployees, 0, 0);
        let mut views = Vec::with_capacity(firm_count);
        for (index, firm) in config.firms.iter().enumerate() {
            let count = config.staff_count(index);
            let start = employees.len() as u32;
            // Staff start in the steady state of turnover and training (docs/ODD.md 5): each
            // has served a tenure drawn from the turnover's stationary distribution and been
            // trained for that long.
            let gain = morale::TRAINING_GAIN * firm.policy.training as f32;
            for _ in 0..count {
                let mut employee = hiring[index].hire(index as u8, &mut stream);
                let weeks = rules::stationary_tenure(rng::unit(&mut stream), morale::TURNOVER);
                employee.tenure = weeks;
                for value in [
                    &mut employee.helpfulness,
                    &mut employee.empathy,
                    &mut employee.politeness,
                    &mut employee.responsiveness,
                ] {
                    *value = rules::trained(*value, gain, weeks);
                }
                employees.push(employee);
            }
            views.push(FirmView {
                staff_start: start,
                staff_count: count,
                ..FirmView::of(firm)
            });
        }
        let blocks = capacity.div_ceil(BLOCK);
        let mut simulation = Simulation {
            staff_counts: vec![StaffCounts::default(); employees.len()],
            next_public: public.clone(),
            public,
            revenge: vec![0; capacity.div_ceil(64)],
            next_revenge: vec![0; capacity.div_ceil(64)],
            hears_revenge: vec![0; capacity.div_ceil(64)],
            customers,
            employees,
            hiring,
            birth,
            network,
            firms,
            views,
            tallies: vec![Tally::default(); blocks * firm_count],
            events: (0..blocks).map(|_| Vec::new()).collect(),
            seed: replication_seed,
            tick: 0,
            clock: 0,
            changes: Arc::new([]),
            next_change: 0,
            kernel: Kernel::detect(),
            config,
        };
        simulation.refresh_views();
        simulation.spin_up();
        simulation
    }

    /// Runs `population.spinup` unobserved weeks under the base configuration, so that week 0
    /// is the firm in its steady state (docs/ODD.md, section 5). The week counter then restarts
    /// at 0; the stream keys (`clock`) do not, so observed weeks never reuse spin-up draws.
    fn spin_up(&mut self) {
        let mut scratch = Vec::with_capacity(self.views.len());
        for _ in 0..self.config.population.spinup {
            self.advance(&mut scratch);
        }
        self.tick = 0;
    }

    /// Initialises a replication of `schedule`'s base configuration; each later configuration
    /// takes over at the start of its tick (the step that produces that tick uses it).
    pub fn scheduled(schedule: &Schedule, replication_seed: u64) -> Simulation {
        let mut simulation = Simulation::new(schedule.base(), replication_seed);
        simulation.changes = schedule.shared_changes();
        simulation
    }

    /// Swaps in a configuration that [`Schedule::new`] accepted: the firms' policies, staff
    /// capacity, costs and selection, the customers' birth distributions and the behavioural
    /// and market parameters. Existing customers and employees keep their traits; newcomers and
    /// new hires are drawn from the new distributions.
    fn reconfigure(&mut self, config: &ValidConfig) {
        let config = config.get();
        for (view, firm) in self.views.iter_mut().zip(&config.firms) {
            *view = FirmView {
                staff_start: view.staff_start,
                staff_count: view.staff_count,
                ..FirmView::of(firm)
            };
        }
        self.birth = CustomerBirth::new(&config.customers);
        self.hiring = config.firms.iter().map(|f| Hiring::new(&f.staff)).collect();
        self.config = config.clone();
        self.refresh_views();
    }

    pub fn tick(&self) -> u32 {
        self.tick
    }

    /// Every customer slot's record, in slot order (gathered from the block columns).
    pub fn customers(&self) -> Vec<Customer> {
        self.customers.records()
    }

    /// Ends the replication, keeping only the customer slots (everything else is freed).
    pub fn into_customers(self) -> Vec<Customer> {
        // Everything but the customers is freed (when `population` returns) before their
        // records are gathered.
        fn population(simulation: Simulation) -> Population {
            simulation.customers
        }
        population(self).into_records()
    }

    pub fn employees(&self) -> &[Employee] {
        &self.employees
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The state at tick 0, observed like any other tick (flows are zero).
    pub fn observe_initial(&self, out: &mut Vec<FirmTick>) {
        out.clear();
        let mut totals = vec![Tally::default(); self.config.firms.len()];
        for slot in 0..self.public.len() {
            let customer = self.customers.get(slot);
            if customer.is_active() {
                observe_customer(&mut totals[customer.firm as usize], &customer);
            }
        }
        for (index, total) in totals.iter().enumerate() {
            let mut tick = self.firm_tick(index, total);
            tick.revenue = 0.0;
            tick.cost = 0.0;
            tick.profit = 0.0;
            out.push(tick);
        }
    }

    /// Advances one tick and writes one observation per firm into `out`.
    pub fn step(&mut self, out: &mut Vec<FirmTick>) {
        self.tick += 1;
        let changes = Arc::clone(&self.changes);
        let due = changes
            .get(self.next_change)
            .filter(|change| change.tick == self.tick);
        if let Some(change) = due {
            self.next_change += 1;
            self.reconfigure(&change.config);
        }
        self.advance(out);
    }

    /// One week of the three phases (observed or spin-up).
    fn advance(&mut self, out: &mut Vec<FirmTick>) {
        self.clock += 1;
        self.customer_phase();
        let totals = self.sum_tallies();
        self.employee_phase();
        self.firm_phase(&totals, out);
        std::mem::swap(&mut self.public, &mut self.next_public);
        std::mem::swap(&mut self.revenge, &mut self.next_revenge);
        self.mark_revenge_listeners();
        self.refresh_views();
    }

    fn constants(&self) -> Constants {
        let b = &self.config.behaviour;
        let m = &self.config.market;
        let best_reputation = self
            .firms
            .iter()
            .map(|f| f.reputation)
            .fold(0.0f64, f64::max);
        Constants {
            alpha: b.diminishing_sensitivity as f32,
            lambda: b.loss_aversion as f32,
            satisfaction_rate: b.satisfaction_rate as f32,
            expectation_rate: b.expectation_rate as f32,
            loyalty_rate: b.loyalty_rate as f32,
            loyalty_convexity: b.loyalty_convexity as f32,
            mastery: b.mastery_rate as f32,
            vicarious: b.vicarious_rate as f32,
            revenge_threshold: b.revenge_threshold as f32,
            base_churn: m.base_churn as f32,
            churn_slope: m.churn_loyalty_slope as f32,
            churn_grievance: m.churn_grievance as f32,
            switching: m.switching as f32,
            fill_chance: (m.acquisition_rate * 2.0 * best_reputation).clamp(0.0, 1.0) as f32,
            churn_ceiling: rules::churn_hazard_ceiling(
                m.base_churn as f32,
                m.churn_loyalty_slope as f32,
                m.churn_grievance as f32,
            ),
        }
    }

    /// Copies last week's quality and reputation into the hot-loop view; newcomers and
    /// switchers choose a firm with probability proportional to reputation squared.
    fn refresh_views(&mut self) {
        let mut cumulative = 0.0f32;
        for (view, firm) in self.views.iter_mut().zip(&self.firms) {
            view.quality = firm.quality as f32;
            view.reputation = firm.reputation as f32;
            cumulative += (firm.reputation * firm.reputation) as f32 + 1e-6;
            view.choice_cumulative = cumulative;
        }
    }

    /// Runs the customer phase with `kernel` from now on, if this CPU runs it (else the portable
    /// one): for tests and benchmarks, since every kernel computes the same numbers.
    pub fn set_kernel(&mut self, kernel: Kernel) {
        self.kernel = Kernel::supported(kernel);
    }

    /// The compiled version of the customer phase this simulation runs.
    pub fn kernel(&self) -> Kernel {
        self.kernel
    }

    fn customer_phase(&mut self) {
        let firm_count = self.views.len();
        let kernel = self.kernel;
        let context = Context {
            seed: self.seed,
            clock: self.clock,
            public: &self.public,
            revenge: &self.revenge,
            hears_revenge: &self.hears_revenge,
            network: &self.network,
            employees: &self.employees,
            firms: &self.views,
            constants: self.constants(),
            birth: &self.birth,
        };
        self.customers
            .blocks
            .par_iter_mut()
            .zip(self.next_public.par_chunks_mut(BLOCK))
            .zip(self.next_revenge.par_chunks_mut(BLOCK / 64))
            .zip(self.tallies.par_chunks_mut(firm_count))
            .zip(self.events.par_iter_mut())
            .enumerate()
            .for_each(
                |(block, ((((customers, next), revenge), tallies), events))| {
                    let slices = BlockSlices {
                        customers,
                        next,
                        revenge,
                        tallies,
                        events,
                    };
                    passes::with_lanes(|lanes| {
                        update_block(kernel, &context, block, slices, lanes);
                    });
                },
            );
    }

    /// Marks the neighbours of last week's revenge takers (the network is undirected).
    fn mark_revenge_listeners(&mut self) {
        self.hears_revenge.fill(0);
        for (index, &word) in self.revenge.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let slot = index * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                for &listener in self.network.neighbours(slot) {
                    self.hears_revenge[listener as usize / 64] |= 1 << (listener % 64);
                }
            }
        }
    }

    fn sum_tallies(&self) -> Vec<Tally> {
        let firm_count = self.views.len();
        let mut totals = vec![Tally::default(); firm_count];
        for block in self.tallies.chunks(firm_count) {
            for (total, tally) in totals.iter_mut().zip(block) {
                total.add(tally);
            }
        }
        totals
    }

    fn employee_phase(&mut self) {
        self.staff_counts.fill(StaffCounts::default());
        for events in &self.events {
            for event in events {
                let counts = &mut self.staff_counts[event.employee as usize];
                match event.kind {
                    StaffEventKind::Neutral => counts.encounters += 1.0,
                    StaffEventKind::Pleasant => {
                        counts.encounters += 1.0;
                        counts.pleasant += 1.0;
                    }
                    StaffEventKind::Hostile => {
                        counts.encounters += 1.0;
                        counts.hostile += 1.0;
                    }
                    StaffEventKind::Confrontation => counts.confrontations += 1.0,
                }
            }
        }
        let mut stream = rng::stream(self.seed, Purpose::Employees, self.clock, 0);
        for (employee, counts) in self.employees.iter_mut().zip(&self.staff_counts) {
            let firm = &self.config.firms[employee.firm as usize];
            let resting = firm.staff.initial_morale as f32;
            let pressure = rules::work_pressure(counts.encounters, firm.staff.capacity as f32);
            let (pleasant_share, hostile_share) = if counts.encounters > 0.0 {
                (
                    counts.pleasant / counts.encounters,
                    counts.hostile / counts.encounters,
                )
            } else {
                (0.5, 0.0)
            };
            let target = (resting + morale::PLEASANT * (pleasant_share - 0.5)
                - morale::HOSTILE * hostile_share
                - morale::PRESSURE * pressure)
                .clamp(0.0, 1.0);
            employee.morale = (rules::toward(employee.morale, target, morale::RATE)
                - morale::PER_CONFRONTATION * counts.confrontations)
                .clamp(0.0, 1.0);
            employee.load = counts.encounters;
            employee.tenure += 1;
            let gain = morale::TRAINING_GAIN * firm.policy.training as f32;
            for value in [
                &mut employee.helpfulness,
                &mut employee.empathy,
                &mut employee.politeness,
                &mut employee.responsiveness,
            ] {
                *value = rules::toward(*value, 1.0, gain);
            }
            let leaves = rng::unit(&mut stream) < morale::TURNOVER;
            let burnt_out =
                employee.morale < morale::BURNOUT && rng::unit(&mut stream) < morale::BURNOUT_QUIT;
            if leaves || burnt_out {
                *employee = self.hiring[employee.firm as usize].hire(employee.firm, &mut stream);
            }
        }
    }

    fn firm_phase(&mut self, totals: &[Tally], out: &mut Vec<FirmTick>) {
        out.clear();
        let negative_weight = self.config.behaviour.negative_wom_weight;
        for (index, total) in totals.iter().enumerate() {
            let firm = &mut self.firms[index];
            let ideas_per_thousand = 1000.0 * total.implemented / total.active.max(1.0);
            firm.quality = (firm.quality
                + firm_rules::QUALITY_GAIN * ideas_per_thousand * (1.0 - firm.quality)
                - firm_rules::QUALITY_DECAY * (firm.quality - firm_rules::QUALITY_FLOOR))
                .clamp(0.0, 1.0);
            if let Some(target) =
                rules::reputation_target(total.wom_positive, total.wom_negative, negative_weight)
            {
                firm.reputation += firm_rules::REPUTATION_RATE * (target - firm.reputation);
            }
            out.push(self.firm_tick(index, total));
        }
    }

    fn firm_tick(&self, index: usize, total: &Tally) -> FirmTick {
        let config = &self.config.firms[index];
        let view = &self.views[index];
        let staff = &self.employees
            [view.staff_start as usize..(view.staff_start + view.staff_count) as usize];
        let morale =
            staff.iter().map(|e| f64::from(e.morale)).sum::<f64>() / staff.len().max(1) as f64;
        let active = total.active.max(1.0);
        let staff_size = staff.len() as f64;
        let revenue = config.costs.price * total.revenue_weight;
        let cost = config.costs.incentive * total.incentives_paid
            + config.costs.recovery * total.recoveries
            + config.costs.training * config.policy.training * staff_size
            + config.costs.wage * staff_size;
        let state = &self.firms[index];
        FirmTick {
            tick: self.tick,
            active_customers: total.active as u32,
            participation_rate: total.engaged / active,
            empowerment: total.empowerment / active,
            self_efficacy: total.self_efficacy / active,
            satisfaction: total.satisfaction / active,
            loyalty: total.loyalty / active,
            grievance: total.grievance / active,
            functional_value: total.functional / active,
            emotional_value: total.emotional / active,
            social_value: total.social / active,
            cocreated_value: total.cocreated,
            codestroyed_value: total.codestroyed,
            wom_positive: total.wom_positive,
            wom_negative: total.wom_negative,
            complaints: total.complaints,
            recoveries: total.recoveries,
            revenge_acts: total.revenge_acts,
            churned: total.churned,
            acquired: total.acquired,
            contributions: total.contributions,
            employee_morale: morale,
            product_quality: state.quality,
            reputation: state.reputation,
            revenue,
            cost,
            profit: revenue - cost,
        }
    }
}

/// Index of the first cumulative weight above `u` times the total.
#[inline]
fn pick(cumulative: &[f32], u: f32) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let target = u * total;
    cumulative
        .iter()
        .position(|&c| target < c)
        .unwrap_or(cumulative.len().saturating_sub(1))
}

fn observe_customer(tally: &mut Tally, c: &Customer) {
    tally.active += 1.0;
    tally.empowerment += f64::from(c.empowerment);
    tally.self_efficacy += f64::from(c.self_efficacy);
    tally.satisfaction += f64::from(c.satisfaction);
    tally.loyalty += f64::from(c.loyalty);
    tally.grievance += f64::from(c.grievance);
    tally.functional += f64::from(c.functional);
    tally.emotional += f64::from(c.emotional);
    tally.social += f64::from(c.social);
    tally.revenue_weight += 1.0 + f64::from(c.loyalty);
}

/// The customer phase of one block ([`passes::update_block`]) in the chosen compiled version.
fn update_block(
    kernel: Kernel,
    context: &Context,
    block: usize,
    slices: BlockSlices,
    lanes: &mut Lanes,
) {
    match kernel {
        Kernel::Portable => passes::update_block(context, block, slices, lanes, Libm),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Kernel::X86_64V3` is only ever set after `Kernel::supported` or
        // `Kernel::detect` found every feature the function is compiled with on this CPU.
        Kernel::X86_64V3 => unsafe { update_block_x86_64_v3(context, block, slices, lanes) },
    }
}

/// [`passes::update_block`] compiled for x86-64-v3 (see [`Kernel`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,fma,lzcnt,popcnt,movbe")]
fn update_block_x86_64_v3(context: &Context, block: usize, slices: BlockSlices, lanes: &mut Lanes) {
    passes::update_block(context, block, slices, lanes, Avx2Fma::new());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::{Config, Firm};

    fn small(capacity: u32) -> ValidConfig {
        let mut config = Config {
            firms: vec![Firm::default()],
            ..Config::default()
        };
        config.population.capacity = capacity;
        config.population.initial = capacity * 4 / 5;
        config.validate().expect("valid")
    }

    #[test]
    fn pick_respects_cumulative_weights() {
        let cumulative = [0.25, 0.5, 1.0];
        assert_eq!(pick(&cumulative, 0.0), 0);
        assert_eq!(pick(&cumulative, 0.3), 1);
        assert_eq!(pick(&cumulative, 0.99), 2);
    }

    fn without_spinup(capacity: u32) -> ValidConfig {
        let mut config = small(capacity).get().clone();
        config.population.spinup = 0;
        config.validate().expect("valid")
    }

    #[test]
    fn initial_population_is_exact() {
        let sim = Simulation::new(&without_spinup(3000), 5);
        let active = sim.customers().iter().filter(|c| c.is_active()).count();
        assert_eq!(active, 2400);
    }

    #[test]
    fn spin_up_runs_unobserved_weeks_and_restarts_the_week_count() {
        let mut stepped = Simulation::new(&without_spinup(2000), 7);
        let mut out = Vec::new();
        for _ in 0..10 {
            stepped.step(&mut out);
        }
        let mut config = small(2000).get().clone();
        config.population.spinup = 10;
        let spun = Simulation::new(&config.validate().expect("valid"), 7);
        assert_eq!(spun.tick(), 0);
        assert_eq!(stepped.tick(), 10);
        // The same ten weeks, keyed by the same stream clock: the same customers.
        assert_eq!(spun.customers(), stepped.customers());
        spun.observe_initial(&mut out);
        assert_eq!(out[0].tick, 0);
    }

    #[test]
    fn population_accounting_adds_up_every_tick() {
        let mut sim = Simulation::new(&small(3000), 9);
        let mut out = Vec::new();
        sim.observe_initial(&mut out);
        let mut previous = out[0].active_customers as f64;
        for _ in 0..60 {
            sim.step(&mut out);
            let tick = &out[0];
            let active = sim.customers().iter().filter(|c| c.is_active()).count() as f64;
            assert_eq!(tick.active_customers as f64, active);
            assert_eq!(previous - tick.churned + tick.acquired, active);
            previous = active;
        }
    }

    /// Every compiled version of the customer phase computes the same weeks bit for bit
    /// (`Debug` prints each float's shortest round-trip form, so equal text is equal bits).
    #[test]
    fn every_kernel_computes_the_same_weeks() {
        let config = small(3000);
        let mut detected = Simulation::new(&config, 11);
        let mut portable = Simulation::new(&config, 11);
        portable.set_kernel(Kernel::Portable);
        assert_eq!(portable.kernel(), Kernel::Portable);
        assert_eq!(detected.kernel(), Kernel::detect());
        let (mut out_detected, mut out_portable) = (Vec::new(), Vec::new());
        for _ in 0..40 {
            detected.step(&mut out_detected);
            portable.step(&mut out_portable);
            assert_eq!(format!("{out_detected:?}"), format!("{out_portable:?}"));
        }
        assert_eq!(
            format!("{:?}", detected.customers()),
            format!("{:?}", portable.customers())
        );
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_x86_64_v3_kernel_is_chosen_only_where_it_runs() {
        let has_v3 = std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("bmi2")
            && crate::model::lane_math::vector_agrees_with_libm();
        let chosen = Kernel::supported(Kernel::X86_64V3);
        assert_eq!(
            chosen == Kernel::X86_64V3,
            has_v3 && Kernel::detect() == chosen
        );
    }

    #[test]
    fn states_stay_in_unit_interval() {
        let mut sim = Simulation::new(&small(2000), 3);
        let mut out = Vec::new();
        for _ in 0..80 {
            sim.step(&mut out);
        }
        for customer in sim.customers().iter().filter(|c| c.is_active()) {
            for (name, value) in customer.unit_states() {
                assert!((0.0..=1.0).contains(&value), "{name} = {value}");
            }
        }
        for employee in sim.employees() {
            assert!((0.0..=1.0).contains(&employee.morale));
        }
    }
}
