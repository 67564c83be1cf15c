//! The schedule: one tick of the model (docs/ODD.md, "Process overview and scheduling").
//!
//! A tick runs in three phases:
//! 1. **Customers** (parallel over fixed blocks of [`BLOCK`] slots): engagement, the encounter,
//!    voice and recovery, revenge, peer interaction and word of mouth, state updates, churn and
//!    acquisition. Customers read other customers only through last week's [`Public`] buffer and
//!    employees only through last week's state, so the update is synchronous. Each block writes
//!    its own slice of the next public buffer, its own [`Tally`] per firm and its own list of
//!    events for employees; nothing is shared mutably and nothing is allocated.
//! 2. **Employees** (sequential, cheap: a few employees per thousand customers): the blocks'
//!    events are applied in block order, then morale, training and burnout.
//! 3. **Firms**: the blocks' tallies are summed in block order; product quality, reputation and
//!    money are updated and the tick is observed.

use std::sync::Arc;

use rayon::prelude::*;

use super::agents::{Customer, CustomerBirth, Employee, Hiring, Public, VACANT, WINDOW_RATE};
use super::config::{Config, ValidConfig};
use super::network::Network;
use super::observe::{FirmTick, Tally};
use super::rng::{self, Purpose, Stream};
use super::rules::{self, Encounter, Handling};
use super::schedule::{Change, Schedule};

/// Customers per block: the unit of parallel work and of random streams. A constant, so that
/// results do not depend on the number of threads.
pub const BLOCK: usize = 1024;
// A block owns whole words of the revenge bitsets.
const _: () = assert!(BLOCK.is_multiple_of(64));

/// A good recovery or solicited feedback moves empowerment this far toward 1 (Füller et al. 2009).
const HEARD_EMPOWERMENT: f32 = 0.08;
/// Weekly decay of empowerment toward its resting level when the customer is not heard.
const EMPOWERMENT_DECAY: f32 = 0.02;
/// Being heard also lifts self-efficacy, in proportion to empowerment (Füller et al. 2009).
const EMPOWERMENT_TO_EFFICACY: f32 = 0.03;
/// Learning rate of experience values from one encounter (Huang & Suo 2021).
const EXPERIENCE_RATE: f32 = 0.1;
/// Weekly drift of experience values toward their neutral level without engagement.
const EXPERIENCE_DRIFT: f32 = 0.005;
const EXPERIENCE_NEUTRAL: f32 = 0.4;
/// Emotional contagion in one peer conversation.
const CONTAGION: f32 = 0.1;
/// Social value learned from one conversation.
const PEER_SOCIAL: f32 = 0.06;
/// Loyalty and expectation shift from one received word of mouth.
const WOM_LOYALTY: f32 = 0.02;
const WOM_EXPECTATION: f32 = 0.02;
/// Weight of one week of product use in cumulative satisfaction (Johnson,
/// Anderson & Fornell 1995): every active customer uses the product, engaged or not.
const USE_RATE: f32 = 0.03;
/// Chance that a customer holding a grievance is uncivil to the employee, per unit grievance.
const CUSTOMER_INCIVILITY: f32 = 0.5;
/// Grievance released by one act of revenge.
const REVENGE_RELIEF: f32 = 0.1;
/// Co-destroyed value of one act of revenge, plus this much per neighbour reached.
const REVENGE_DAMAGE: f64 = 1.0;
const REVENGE_DAMAGE_PER_NEIGHBOUR: f64 = 0.1;
/// Extra performance drop of a confrontational answer to a complaint.
const CONFRONTATION_DROP: f32 = 0.15;
/// Co-created value of a successful contribution, on top of its experienced value.
const CONTRIBUTION_VALUE: f32 = 0.3;

/// Employee morale dynamics (van Jaarsveld et al. 2010; Oliva & Sterman 2001).
const MORALE_RATE: f32 = 0.1;
const MORALE_PLEASANT: f32 = 0.3;
const MORALE_HOSTILE: f32 = 0.8;
const MORALE_PRESSURE: f32 = 0.5;
/// Direct morale hit of one confrontation by a revenge-taking customer.
const MORALE_PER_CONFRONTATION: f32 = 0.03;
const BURNOUT_MORALE: f32 = 0.15;
const BURNOUT_QUIT: f32 = 0.1;
/// Weekly trait gain toward the ceiling at training level 1.
const TRAINING_GAIN: f32 = 0.01;

/// Product quality: gain per implemented idea per 1000 active customers, slow decay to a floor.
const QUALITY_GAIN: f64 = 0.0015;
const QUALITY_DECAY: f64 = 0.005;
const QUALITY_FLOOR: f64 = 0.2;
/// Reputation moves this far toward the week's WOM balance.
const REPUTATION_RATE: f64 = 0.05;

/// An encounter's effect on the employee who served it.
#[derive(Debug, Clone, Copy)]
struct StaffEvent {
    employee: u32,
    kind: StaffEventKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StaffEventKind {
    Neutral,
    Pleasant,
    Hostile,
    /// A revenge-taking customer confronts the employee (not a service encounter).
    Confrontation,
}

/// Per-firm constants of the hot loop, in `f32`, plus last week's quality and reputation.
#[derive(Debug, Clone, Copy)]
struct FirmView {
    incentive: f32,
    feedback: f32,
    act_on_feedback: f32,
    recognition: f32,
    delight: f32,
    recovery: f32,
    outlets: f32,
    tech_reliability: f32,
    defensiveness: f32,
    capacity: f32,
    staff_start: u32,
    staff_count: u32,
    quality: f32,
    reputation: f32,
    /// Cumulative choice weight when a newcomer or switcher picks a firm.
    choice_cumulative: f32,
}

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

/// Constants of the customer rules, in `f32`.
#[derive(Debug, Clone, Copy)]
struct Constants {
    alpha: f32,
    lambda: f32,
    satisfaction_rate: f32,
    expectation_rate: f32,
    loyalty_rate: f32,
    loyalty_convexity: f32,
    mastery: f32,
    vicarious: f32,
    negative_wom: f32,
    revenge_threshold: f32,
    base_churn: f32,
    churn_slope: f32,
    churn_grievance: f32,
    switching: f32,
    fill_chance: f32,
}

/// Everything a block reads during the customer phase.
struct Context<'a> {
    seed: u64,
    tick: u32,
    public: &'a [Public],
    /// Last week's revenge takers, one bit per slot (see [`Simulation::revenge`]).
    revenge: &'a [u64],
    /// Slots with at least one of last week's revenge takers among their neighbours.
    hears_revenge: &'a [u64],
    network: &'a Network,
    employees: &'a [Employee],
    firms: &'a [FirmView],
    constants: Constants,
    birth: &'a CustomerBirth,
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
    customers: Vec<Customer>,
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
        let mut customers = vec![Customer::EMPTY; capacity];
        customers
            .par_chunks_mut(BLOCK)
            .zip(starts_active.par_chunks(BLOCK))
            .enumerate()
            .for_each(|(block, (slots, active))| {
                let mut stream =
                    rng::stream(replication_seed, Purpose::InitCustomers, 0, block as u64);
                for (customer, &is_active) in slots.iter_mut().zip(active) {
                    if is_active {
                        let firm = pick(&share_cumulative, rng::unit(&mut stream));
                        let reputation = firms[firm].reputation as f32;
                        *customer = birth.customer(firm as u8, reputation, &mut stream);
                    }
                }
            });
        let public: Vec<Public> = customers.par_iter().map(|c| Public::of(c, 0)).collect();

        let mut employees = Vec::new();
        let mut stream = rng::stream(replication_seed, Purpose::InitEmployees, 0, 0);
        let mut views = Vec::with_capacity(firm_count);
        for (index, firm) in config.firms.iter().enumerate() {
            let count = config.staff_count(index);
            let start = employees.len() as u32;
            for _ in 0..count {
                employees.push(hiring[index].hire(index as u8, &mut stream));
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
            changes: Arc::new([]),
            next_change: 0,
            config,
        };
        simulation.refresh_views();
        simulation
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

    pub fn customers(&self) -> &[Customer] {
        &self.customers
    }

    /// Ends the replication, keeping only the customer slots (everything else is freed).
    pub fn into_customers(self) -> Vec<Customer> {
        self.customers
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
        for customer in self.customers.iter().filter(|c| c.is_active()) {
            observe_customer(&mut totals[customer.firm as usize], customer);
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
            negative_wom: b.negative_wom_weight as f32,
            revenge_threshold: b.revenge_threshold as f32,
            base_churn: m.base_churn as f32,
            churn_slope: m.churn_loyalty_slope as f32,
            churn_grievance: m.churn_grievance as f32,
            switching: m.switching as f32,
            fill_chance: (m.acquisition_rate * 2.0 * best_reputation).clamp(0.0, 1.0) as f32,
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

    fn customer_phase(&mut self) {
        let firm_count = self.views.len();
        let context = Context {
            seed: self.seed,
            tick: self.tick,
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
            .par_chunks_mut(BLOCK)
            .zip(self.next_public.par_chunks_mut(BLOCK))
            .zip(self.next_revenge.par_chunks_mut(BLOCK / 64))
            .zip(self.tallies.par_chunks_mut(firm_count))
            .zip(self.events.par_iter_mut())
            .enumerate()
            .for_each(
                |(block, ((((customers, next), revenge), tallies), events))| {
                    update_block(&context, block, customers, next, revenge, tallies, events);
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
        let mut stream = rng::stream(self.seed, Purpose::Employees, u64::from(self.tick), 0);
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
            let target = (resting + MORALE_PLEASANT * (pleasant_share - 0.5)
                - MORALE_HOSTILE * hostile_share
                - MORALE_PRESSURE * pressure)
                .clamp(0.0, 1.0);
            employee.morale = (rules::toward(employee.morale, target, MORALE_RATE)
                - MORALE_PER_CONFRONTATION * counts.confrontations)
                .clamp(0.0, 1.0);
            employee.load = counts.encounters;
            employee.tenure += 1;
            let gain = TRAINING_GAIN * firm.policy.training as f32;
            for value in [
                &mut employee.helpfulness,
                &mut employee.empathy,
                &mut employee.politeness,
                &mut employee.responsiveness,
            ] {
                *value = rules::toward(*value, 1.0, gain);
            }
            if employee.morale < BURNOUT_MORALE && rng::unit(&mut stream) < BURNOUT_QUIT {
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
                + QUALITY_GAIN * ideas_per_thousand * (1.0 - firm.quality)
                - QUALITY_DECAY * (firm.quality - QUALITY_FLOOR))
                .clamp(0.0, 1.0);
            if let Some(target) =
                rules::reputation_target(total.wom_positive, total.wom_negative, negative_weight)
            {
                firm.reputation += REPUTATION_RATE * (target - firm.reputation);
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

/// A firm for a switcher, excluding its current one, by the same reputation weights.
fn pick_other(firms: &[FirmView], current: usize, u: f32) -> usize {
    let weight = |i: usize| {
        let below = if i == 0 {
            0.0
        } else {
            firms[i - 1].choice_cumulative
        };
        firms[i].choice_cumulative - below
    };
    let total: f32 = (0..firms.len()).filter(|&i| i != current).map(weight).sum();
    let mut target = u * total;
    for i in (0..firms.len()).filter(|&i| i != current) {
        target -= weight(i);
        if target < 0.0 {
            return i;
        }
    }
    (0..firms.len())
        .rev()
        .find(|&i| i != current)
        .unwrap_or(current)
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

fn update_block(
    context: &Context,
    block: usize,
    customers: &mut [Customer],
    next: &mut [Public],
    revenge: &mut [u64],
    tallies: &mut [Tally],
    events: &mut Vec<StaffEvent>,
) {
    events.clear();
    tallies.fill(Tally::default());
    revenge.fill(0);
    let mut stream = rng::stream(
        context.seed,
        Purpose::Customers,
        u64::from(context.tick),
        block as u64,
    );
    let mut decisions = rng::stream(
        context.seed,
        Purpose::Decisions,
        u64::from(context.tick),
        block as u64,
    );
    let first_slot = block * BLOCK;
    for (offset, (customer, public)) in customers.iter_mut().zip(next.iter_mut()).enumerate() {
        let slot = first_slot + offset;
        let decision = Decision {
            engage_or_fill: rng::unit(&mut decisions),
            churn: rng::unit(&mut decisions),
        };
        let mut flags = 0;
        if customer.is_active() {
            flags = update_customer(
                context,
                slot,
                customer,
                decision,
                &mut stream,
                tallies,
                events,
            );
        } else if decision.engage_or_fill < context.constants.fill_chance {
            let firm = pick_choice(context.firms, rng::unit(&mut stream));
            *customer =
                context
                    .birth
                    .customer(firm as u8, context.firms[firm].reputation, &mut stream);
            tallies[firm].acquired += 1.0;
        }
        if customer.is_active() {
            observe_customer(&mut tallies[customer.firm as usize], customer);
            if flags & Public::REVENGE != 0 {
                revenge[offset / 64] |= 1 << (offset % 64);
            }
            *public = Public::of(customer, flags);
        } else {
            *public = Public::VACANT;
        }
    }
}

fn pick_choice(firms: &[FirmView], u: f32) -> usize {
    let total = firms.last().map_or(0.0, |f| f.choice_cumulative);
    let target = u * total;
    firms
        .iter()
        .position(|f| target < f.choice_cumulative)
        .unwrap_or(firms.len().saturating_sub(1))
}

/// [`rules::experienced_value`], without its power when the disconfirmation lies within the
/// zone of tolerance: the value is then exactly zero (`0^alpha = 0`, as validation keeps
/// `alpha` positive), which is the common case of a week's product use.
#[inline(always)]
fn experienced_value(q: f32, expectation: f32, k: &Constants) -> f32 {
    if (q - expectation).abs() <= rules::TOLERANCE {
        0.0
    } else {
        rules::experienced_value(q, expectation, k.alpha, k.lambda)
    }
}

const SPOKE_POSITIVE: u8 = Public::SPOKE_POSITIVE;
const SPOKE_NEGATIVE: u8 = Public::SPOKE_NEGATIVE;

/// A slot's draws for the week's pivotal decisions, from their own stream ([`Purpose::Decisions`]).
#[derive(Debug, Clone, Copy)]
struct Decision {
    /// Engagement of an active customer, or filling of a vacant slot.
    engage_or_fill: f32,
    churn: f32,
}

/// One active customer's week. Returns the public flags (revenge, word of mouth spoken).
fn update_customer(
    context: &Context,
    slot: usize,
    c: &mut Customer,
    decision: Decision,
    stream: &mut Stream,
    tallies: &mut [Tally],
    events: &mut Vec<StaffEvent>,
) -> u8 {
    let k = &context.constants;
    let firm_index = c.firm as usize;
    let firm = &context.firms[firm_index];
    let prior_loyalty = c.loyalty;
    c.tenure += 1;
    let keep = 1.0 - WINDOW_RATE;
    c.recent_encounters *= keep;
    c.recent_contributions *= keep;
    c.recent_successes *= keep;
    c.recent_peer *= keep;
    c.recent_wom_positive *= keep;
    c.recent_wom_negative *= keep;
    c.recent_complaints *= keep;
    c.failure_memory *= rules::FAILURE_MEMORY_DECAY;

    // 1. Engage?
    let rate = rules::engagement_rate(
        c.activity,
        c.empowerment,
        c.self_efficacy,
        c.emotional,
        c.social,
        c.loyalty,
        c.grievance,
        firm.incentive,
    );
    let (chance, weight) = rules::engagement_chance_and_weight(rate);
    let mut heard = false;
    if decision.engage_or_fill < chance {
        heard = encounter(
            context,
            firm_index,
            c,
            weight,
            prior_loyalty,
            stream,
            tallies,
            events,
        );
    }
    let tally = &mut tallies[firm_index];

    // Product use: the week's consumption experience, valued against expectation.
    let use_value = experienced_value(firm.quality, c.expectation, k);
    c.satisfaction = rules::toward(
        c.satisfaction,
        rules::satisfaction_target(c.expectation, use_value),
        USE_RATE,
    );

    // Empowerment: up when heard, back toward its resting level when not.
    if heard {
        c.empowerment = rules::toward(c.empowerment, 1.0, HEARD_EMPOWERMENT);
        c.self_efficacy = rules::toward(
            c.self_efficacy,
            1.0,
            EMPOWERMENT_TO_EFFICACY * c.empowerment,
        );
    } else {
        c.empowerment = rules::toward(c.empowerment, c.base_empowerment, EMPOWERMENT_DECAY);
    }
    for value in [&mut c.functional, &mut c.emotional, &mut c.social] {
        *value = rules::toward(*value, EXPERIENCE_NEUTRAL, EXPERIENCE_DRIFT);
    }

    // 4. Revenge.
    let mut flags = 0u8;
    let neighbours = context.network.neighbours(slot);
    if c.grievance > k.revenge_threshold
        && rng::unit(stream)
            < rules::revenge_chance(c.grievance, k.revenge_threshold, c.vindictiveness)
    {
        flags |= Public::REVENGE;
        tally.revenge_acts += 1.0;
        let reach = neighbours
            .iter()
            .filter(|&&n| context.public[n as usize].firm != VACANT)
            .count() as f64;
        tally.codestroyed += REVENGE_DAMAGE + REVENGE_DAMAGE_PER_NEIGHBOUR * reach;
        c.recent_wom_negative += WINDOW_RATE * reach as f32;
        c.grievance = (c.grievance - REVENGE_RELIEF).max(0.0);
        let employee = firm.staff_start + rng::index(stream, firm.staff_count);
        events.push(StaffEvent {
            employee,
            kind: StaffEventKind::Confrontation,
        });
    }

    // Word of mouth spoken this week, U-shaped in satisfaction (Anderson 1998).
    let (speak, positive) = rules::wom_chance(rules::wom_affect(
        c.satisfaction,
        c.grievance,
        c.failure_memory,
    ));
    if rng::unit(stream) < speak {
        if positive {
            flags |= SPOKE_POSITIVE;
            c.recent_wom_positive += WINDOW_RATE;
        } else {
            flags |= SPOKE_NEGATIVE;
            c.recent_wom_negative += WINDOW_RATE;
        }
    }

    // 5. Peer interaction: revenge heard from any neighbour, one conversation with chance
    //    sociability.
    if context.hears_revenge[slot / 64] & (1 << (slot % 64)) != 0 {
        for &other in neighbours {
            let other = other as usize;
            if context.revenge[other / 64] & (1 << (other % 64)) != 0 {
                // A set bit implies the REVENGE flag on an active slot's record.
                hear_wom(c, &context.public[other], false, k, tallies);
            }
        }
    }
    if !neighbours.is_empty() && rng::unit(stream) < c.sociability {
        let other = &context.public
            [neighbours[rng::index(stream, neighbours.len() as u32) as usize] as usize];
        if other.firm != VACANT {
            c.recent_peer += WINDOW_RATE;
            c.emotional = rules::toward(c.emotional, other.emotional, CONTAGION);
            let pleasant = other.emotional >= 0.5 && other.flags & SPOKE_NEGATIVE == 0;
            c.social = rules::toward(c.social, if pleasant { 0.8 } else { 0.3 }, PEER_SOCIAL);
            if other.success_rate >= 0.0 {
                c.self_efficacy = rules::toward(c.self_efficacy, other.success_rate, k.vicarious);
            }
            if other.flags & SPOKE_POSITIVE != 0 {
                hear_wom(c, other, true, k, tallies);
            } else if other.flags & SPOKE_NEGATIVE != 0 {
                hear_wom(c, other, false, k, tallies);
            }
        }
    }

    // 6. Slow states: grievance decays, loyalty follows satisfaction.
    c.grievance = rules::grievance_decay(c.grievance, c.forgiveness, c.grudge_loyalty);
    if c.grievance < 0.01 {
        c.grudge_loyalty = 0.0;
    }
    c.loyalty = rules::loyalty_step(
        c.loyalty,
        c.satisfaction,
        k.loyalty_convexity,
        k.loyalty_rate,
        k.lambda,
    );

    // 7. Churn, perhaps switching to another firm.
    let hazard = rules::churn_hazard(
        k.base_churn,
        k.churn_slope,
        k.churn_grievance,
        c.loyalty,
        c.grievance,
    );
    if decision.churn < hazard {
        tallies[firm_index].churned += 1.0;
        if context.firms.len() > 1 && rng::unit(stream) < k.switching {
            let other = pick_other(context.firms, firm_index, rng::unit(stream));
            let fresh =
                context
                    .birth
                    .customer(other as u8, context.firms[other].reputation, stream);
            // The person keeps traits and experience; the relationship starts afresh.
            c.firm = other as u8;
            c.expectation = fresh.expectation;
            c.satisfaction = fresh.satisfaction;
            c.loyalty = fresh.loyalty;
            c.grievance = 0.0;
            c.grudge_loyalty = 0.0;
            c.failure_memory = 0.0;
            c.tenure = 0;
            c.contributions = 0.0;
            tallies[other].acquired += 1.0;
            // What was said this week was about the old firm; neighbours must not hear it as
            // talk about the new one.
            return 0;
        } else {
            c.firm = VACANT;
            return 0;
        }
    }
    flags
}

/// A received word of mouth about the sender's firm: counted for that firm; it shifts the
/// receiver's loyalty and expectation only if it is about the receiver's own firm (negative
/// weighs more), and positive talk about a rival tempts a little.
fn hear_wom(
    c: &mut Customer,
    sender: &Public,
    positive: bool,
    k: &Constants,
    tallies: &mut [Tally],
) {
    let about = sender.firm as usize;
    if positive {
        tallies[about].wom_positive += 1.0;
    } else {
        tallies[about].wom_negative += 1.0;
    }
    if sender.firm == c.firm {
        if positive {
            c.loyalty = rules::toward(c.loyalty, 1.0, WOM_LOYALTY);
        } else {
            c.loyalty = rules::toward(c.loyalty, 0.0, (WOM_LOYALTY * k.negative_wom).min(1.0));
        }
        c.expectation = rules::toward(c.expectation, sender.satisfaction, WOM_EXPECTATION);
    } else if positive {
        c.loyalty = rules::toward(c.loyalty, 0.0, 0.5 * WOM_LOYALTY);
    }
}

/// Steps 2 and 3: the encounter with an employee, then voice and recovery. Returns whether
/// the customer was heard (feedback solicited or complaint recovered).
#[allow(clippy::too_many_arguments)]
fn encounter(
    context: &Context,
    firm_index: usize,
    c: &mut Customer,
    weight: f32,
    prior_loyalty: f32,
    stream: &mut Stream,
    tallies: &mut [Tally],
    events: &mut Vec<StaffEvent>,
) -> bool {
    let k = &context.constants;
    let firm = &context.firms[firm_index];
    let tally = &mut tallies[firm_index];
    tally.engaged += 1.0;
    let employee_index = firm.staff_start + rng::index(stream, firm.staff_count);
    let employee = &context.employees[employee_index as usize];
    let pressure = rules::work_pressure(employee.load, firm.capacity);
    let conduct = rules::conduct(
        employee.helpfulness,
        employee.empathy,
        employee.politeness,
        employee.responsiveness,
        employee.rudeness,
        employee.indifference,
        employee.morale,
        pressure,
    );
    let mut e = Encounter {
        tech_failure: rng::unit(stream) >= firm.tech_reliability,
        rude: rng::unit(stream) < conduct.rude_chance,
        indifferent: rng::unit(stream) < conduct.indifferent_chance,
        ..Encounter::default()
    };
    let help = if e.indifferent {
        0.5 * conduct.helpfulness
    } else {
        conduct.helpfulness
    };
    let warmth = if e.rude { 0.0 } else { conduct.warmth };
    let success_chance =
        rules::contribution_success(c.self_efficacy, c.expertise, firm.quality, help);
    e.success = !e.tech_failure && rng::unit(stream) < success_chance;
    let attentive = !e.indifferent;
    e.heard = attentive && rng::unit(stream) < firm.feedback;
    e.implemented = e.heard && e.success && rng::unit(stream) < firm.act_on_feedback;
    e.recognised = attentive && e.success && rng::unit(stream) < firm.recognition;
    e.paid = e.success && rng::unit(stream) < firm.incentive;
    e.delighted = rng::unit(stream) < firm.delight;
    let mut q = rules::performance(&e, firm.quality, help, warmth);
    let mut v = experienced_value(q, c.expectation, k);

    c.contributions += weight;
    c.recent_encounters += WINDOW_RATE;
    c.recent_contributions += WINDOW_RATE * weight;
    tally.contributions += f64::from(weight);
    if e.success {
        c.recent_successes += WINDOW_RATE * weight;
    }
    if e.implemented {
        tally.implemented += f64::from(weight);
    }
    if e.paid {
        tally.incentives_paid += f64::from(weight);
    }

    // 3. Voice and recovery.
    let mut heard = e.heard;
    let mut hostile = false;
    if v < rules::FAILURE_VALUE {
        let repeat = rules::is_repeat_failure(c.failure_memory);
        c.failure_memory += 1.0;
        tally.failures += 1.0;
        let severity = (-v / k.lambda).min(1.0);
        let handling = if rng::unit(stream) < rules::complaint_chance(firm.outlets, c.empowerment) {
            tally.complaints += 1.0;
            c.recent_complaints += WINDOW_RATE;
            if rng::unit(stream) < firm.recovery {
                Handling::Recovered
            } else if rng::unit(stream) < firm.defensiveness {
                Handling::Confronted
            } else {
                Handling::Ignored
            }
        } else {
            Handling::Silent
        };
        match handling {
            Handling::Recovered => {
                tally.recoveries += 1.0;
                heard = true;
                q = rules::recovered_performance(c.expectation, repeat);
                v = experienced_value(q, c.expectation, k);
            }
            Handling::Confronted => {
                hostile = true;
                q = (q - CONFRONTATION_DROP).max(0.0);
                v = experienced_value(q, c.expectation, k);
            }
            Handling::Ignored | Handling::Silent => {}
        }
        let added =
            rules::grievance_added(severity, handling, repeat, c.vindictiveness, prior_loyalty);
        if added > 0.0 {
            c.grievance = (c.grievance + added).min(1.0);
            c.grudge_loyalty = c.grudge_loyalty.max(prior_loyalty);
        }
    }
    // Customer incivility breeds employee incivility (van Jaarsveld et al. 2010).
    hostile |= rng::unit(stream) < CUSTOMER_INCIVILITY * c.grievance;
    events.push(StaffEvent {
        employee: employee_index,
        kind: if hostile {
            StaffEventKind::Hostile
        } else if v > 0.0 {
            StaffEventKind::Pleasant
        } else {
            StaffEventKind::Neutral
        },
    });

    // Value co-created or co-destroyed, weighted by the contribution.
    if v > 0.0 {
        tally.cocreated += f64::from(weight * v);
    } else {
        tally.codestroyed += f64::from(weight * -v);
    }
    if e.success {
        tally.cocreated += f64::from(weight * CONTRIBUTION_VALUE);
    }

    // 6. State updates from the encounter.
    c.satisfaction = rules::toward(
        c.satisfaction,
        rules::satisfaction_target(c.expectation, v),
        k.satisfaction_rate,
    );
    c.expectation = rules::toward(c.expectation, q, k.expectation_rate);
    if e.success {
        c.self_efficacy = rules::toward(c.self_efficacy, 1.0, k.mastery);
    } else if !e.tech_failure {
        // A failure the customer attributes to itself (not to the platform) teaches as much as
        // a success: self-efficacy tracks the own success rate (Bandura 1977).
        c.self_efficacy = rules::toward(c.self_efficacy, 0.0, k.mastery);
    }
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let functional = (0.4 * firm.quality + 0.3 * flag(e.success) + 0.3 * help
        - 0.3 * flag(e.tech_failure))
    .clamp(0.0, 1.0);
    let emotional = (0.5 + 0.4 * v + 0.4 * (warmth - 0.5)).clamp(0.0, 1.0);
    let social = (0.3 + 0.4 * flag(e.recognised) + 0.2 * flag(e.success) + 0.1 * flag(e.heard))
        .clamp(0.0, 1.0);
    c.functional = rules::toward(c.functional, functional, EXPERIENCE_RATE);
    c.emotional = rules::toward(c.emotional, emotional, EXPERIENCE_RATE);
    c.social = rules::toward(c.social, social, EXPERIENCE_RATE);
    heard
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

    #[test]
    fn initial_population_is_exact() {
        let sim = Simulation::new(&small(3000), 5);
        let active = sim.customers().iter().filter(|c| c.is_active()).count();
        assert_eq!(active, 2400);
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
