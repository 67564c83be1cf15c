//! The scalar steps of a customer's week (docs/ODD.md section 3, "A customer's week"): what only
//! some customers do in a week, run by [`super::passes`] for the lanes that need it. The
//! encounter (steps d–h), revenge (l), peer interaction (n) and churn (p); each function's doc
//! gives its step letter and submodel.
//!
//! The steps read other customers only through last week's [`Public`] buffer and employees only
//! through last week's state, so customers can be updated in any order. A block of customers
//! shares one [`Block`], which holds everything the block writes (its tallies per firm and its
//! staff events); each customer's draws come from its own [`SlotDraws`].

use super::agents::{Customer, CustomerBirth, Employee, Public, VACANT, WINDOW_RATE};
use super::network::Network;
use super::observe::Tally;
use super::rng::{self, SlotDraws};
use super::rules::{self, Handling, experience};

/// An encounter's effect on the employee who served it.
#[derive(Debug, Clone, Copy)]
pub(super) struct StaffEvent {
    pub employee: u32,
    pub kind: StaffEventKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StaffEventKind {
    Neutral,
    Pleasant,
    Hostile,
    /// A revenge-taking customer confronts the employee (not a service encounter).
    Confrontation,
}

/// Per-firm constants of the hot loop, in `f32`, plus last week's quality and reputation.
#[derive(Debug, Clone, Copy)]
pub(super) struct FirmView {
    pub incentive: f32,
    pub feedback: f32,
    pub act_on_feedback: f32,
    pub recognition: f32,
    pub delight: f32,
    pub recovery: f32,
    pub outlets: f32,
    pub tech_reliability: f32,
    pub defensiveness: f32,
    pub capacity: f32,
    pub staff_start: u32,
    pub staff_count: u32,
    pub quality: f32,
    pub reputation: f32,
    /// Cumulative choice weight when a newcomer or switcher picks a firm.
    pub choice_cumulative: f32,
}

/// Scenario parameters of the customer rules, in `f32`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Constants {
    pub alpha: f32,
    pub lambda: f32,
    pub satisfaction_rate: f32,
    pub expectation_rate: f32,
    pub loyalty_rate: f32,
    pub loyalty_convexity: f32,
    pub mastery: f32,
    pub vicarious: f32,
    pub revenge_threshold: f32,
    pub base_churn: f32,
    pub churn_slope: f32,
    pub churn_grievance: f32,
    pub switching: f32,
    pub fill_chance: f32,
    /// [`rules::churn_hazard_ceiling`] of this week's churn parameters.
    pub churn_ceiling: f32,
}

/// Everything a block reads during the customer phase.
pub(super) struct Context<'a> {
    pub seed: u64,
    /// Key of this week's random streams (spin-up weeks and observed weeks never share one).
    pub clock: u64,
    pub public: &'a [Public],
    /// Last week's revenge takers, one bit per slot.
    pub revenge: &'a [u64],
    /// Slots with at least one of last week's revenge takers among their neighbours.
    pub hears_revenge: &'a [u64],
    pub network: &'a Network,
    pub employees: &'a [Employee],
    pub firms: &'a [FirmView],
    pub constants: Constants,
    pub birth: &'a CustomerBirth,
}

/// A slot's routine draws of the week: every slot takes them, active or vacant, whatever else
/// happens ([`SlotDraws::routine`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Decision {
    /// Product engagement of an active customer.
    pub product: f32,
    /// Participation of an active customer, or filling of a vacant slot.
    pub engage_or_fill: f32,
    pub churn: f32,
    /// Word of mouth spoken.
    pub wom: f32,
    /// A conversation held.
    pub talk: f32,
    /// Which neighbour the conversation is with (21 random bits, by [`rng::index21`]).
    pub partner: u32,
}

impl Decision {
    /// Slot `slot`'s week of draws under `week_key`: its routine draws, and the stream of its
    /// event draws after them.
    #[inline(always)]
    pub fn of_slot(week_key: u64, slot: usize) -> (Decision, SlotDraws) {
        let mut draws = SlotDraws::new(week_key, slot);
        (Decision::draw(&mut draws), draws)
    }

    /// The routine draws of one slot, the first of its week's draws.
    #[inline(always)]
    pub fn draw(draws: &mut SlotDraws) -> Decision {
        let [product, engage_or_fill, churn, wom, talk, partner] = draws.routine();
        Decision {
            product: rng::uniform21(product),
            engage_or_fill: rng::uniform21(engage_or_fill),
            churn: rng::uniform21(churn),
            wom: rng::uniform21(wom),
            talk: rng::uniform21(talk),
            partner,
        }
    }
}

/// One block's mutable state during the customer phase.
pub(super) struct Block<'a> {
    pub context: &'a Context<'a>,
    pub tallies: &'a mut [Tally],
    pub events: &'a mut Vec<StaffEvent>,
}

/// What one customer's week has gathered so far.
pub(super) struct Week {
    pub slot: usize,
    pub firm: usize,
    pub decision: Decision,
    /// The slot's event draws after its routine ones.
    pub draws: SlotDraws,
    /// Value co-created and co-destroyed this week, added to the firm's tally once, at the end
    /// of the week: the tally then sums one value per customer in slot order, whatever order
    /// the steps of different customers run in.
    pub cocreated: f64,
    pub codestroyed: f64,
    /// Loyalty at the start of the week (before any encounter).
    pub prior_loyalty: f32,
    /// Heard by the firm this week: feedback solicited, or a complaint recovered (7.14).
    pub heard: bool,
    /// Public flags: revenge taken, word of mouth spoken.
    pub flags: u8,
}

/// The two kinds of service encounter (docs/ODD.md 7.4, 7.6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    /// A product question or problem, from product engagement (PE).
    Support,
    /// An idea, review, feedback or help: participation in value co-creation (PVC), of weight
    /// `w` expected contributions.
    Contribution(f32),
}

/// Prospect value of `q` against `expectation`, without its power inside the zone of tolerance
/// (the value is then exactly zero; the common case of a week's product use).
#[inline(always)]
pub(super) fn experienced_value(q: f32, expectation: f32, k: &Constants) -> f32 {
    if rules::within_tolerance(q - expectation) {
        0.0
    } else {
        rules::experienced_value(q, expectation, k.alpha, k.lambda)
    }
}

#[inline(always)]
fn bit(bits: &[u64], slot: usize) -> bool {
    bits[slot / 64] & (1 << (slot % 64)) != 0
}

impl Block<'_> {
    /// Steps d–h: one service encounter (support question or contribution) with a uniformly
    /// chosen employee of the customer's firm.
    pub(super) fn encounter(&mut self, c: &mut Engaged, kind: Kind, week: &mut Week) {
        let context = self.context;
        let firm = &context.firms[week.firm];
        let k = context.constants;
        let employee = firm.staff_start + week.draws.index(firm.staff_count);
        let served = self.serve(c, kind, employee, firm, &mut week.draws);
        let mut q = rules::performance(&served.events, firm.quality, served.help, served.warmth);
        let mut v = experienced_value(q, c.expectation, &k);
        count_encounter(c, kind, &served.events, &mut self.tallies[week.firm]);
        // Solicited feedback and recognition both tell the customer its input counts (7.14).
        week.heard |= served.events.heard | served.events.recognised;
        let mut hostile = false;
        if v < rules::FAILURE_VALUE {
            let voiced = self.voice(c, week, v);
            week.heard |= voiced.handling == Handling::Recovered;
            hostile = voiced.handling == Handling::Confronted;
            if let Some(recovered_q) = voiced.q {
                q = recovered_q.max(0.0);
                v = experienced_value(q, c.expectation, &k);
            } else if hostile {
                q = (q - rules::CONFRONTATION_DROP).max(0.0);
                v = experienced_value(q, c.expectation, &k);
            }
        }
        let outcome = Outcome {
            kind,
            employee,
            confronted: hostile,
            v,
            success: served.events.success,
        };
        self.staff_event_and_value(c, &outcome, week);
        learn_from_encounter(c, kind, &served, q, v, &k);
    }

    /// Steps d and e (7.5–7.8): the employee's conduct and the encounter's events.
    fn serve(
        &mut self,
        c: &Engaged,
        kind: Kind,
        employee: u32,
        firm: &FirmView,
        s: &mut SlotDraws,
    ) -> Served {
        let staff = &self.context.employees[employee as usize];
        let pressure = rules::work_pressure(staff.load, firm.capacity);
        let conduct = rules::conduct(staff, pressure);
        let mut e = rules::Encounter {
            tech_failure: s.unit() >= firm.tech_reliability,
            rude: s.unit() < conduct.rude_chance,
            indifferent: s.unit() < conduct.indifferent_chance,
            ..rules::Encounter::default()
        };
        let help = if e.indifferent {
            0.5 * conduct.helpfulness
        } else {
            conduct.helpfulness
        };
        let warmth = if e.rude { 0.0 } else { conduct.warmth };
        if let Kind::Contribution(_) = kind {
            let success =
                rules::contribution_success(c.self_efficacy, c.expertise, firm.quality, help);
            e.success = !e.tech_failure && s.unit() < success;
            let attentive = !e.indifferent;
            e.heard = attentive && s.unit() < firm.feedback;
            e.implemented = e.heard && e.success && s.unit() < firm.act_on_feedback;
            e.recognised = attentive && e.success && s.unit() < firm.recognition;
            e.paid = e.success && s.unit() < firm.incentive;
        } else {
            let success = rules::support_success(c.expertise, firm.quality, help);
            e.success = !e.tech_failure && s.unit() < success;
        }
        e.delighted = s.unit() < firm.delight;
        Served {
            events: e,
            help,
            warmth,
            quality: firm.quality,
        }
    }

    /// Step f (7.9, 7.10): a failure may be voiced and handled; grievance is added.
    fn voice(&mut self, c: &mut Engaged, week: &mut Week, v: f32) -> Voiced {
        let firm = &self.context.firms[week.firm];
        let tally = &mut self.tallies[week.firm];
        let s = &mut week.draws;
        let repeat = rules::is_repeat_failure(c.failure_memory);
        c.failure_memory += 1.0;
        tally.failures += 1.0;
        // The loss in gain units: the prospect value without its loss-aversion weight.
        let severity = (-v / self.context.constants.lambda).min(1.0);
        let handling = if s.unit() < rules::complaint_chance(firm.outlets, c.empowerment) {
            tally.complaints += 1.0;
            c.recent_complaints += WINDOW_RATE;
            if s.unit() < firm.recovery {
                Handling::Recovered
            } else if s.unit() < firm.defensiveness {
                Handling::Confronted
            } else {
                Handling::Ignored
            }
        } else {
            Handling::Silent
        };
        let q = (handling == Handling::Recovered).then(|| {
            tally.recoveries += 1.0;
            rules::recovered_performance(c.expectation, repeat)
        });
        let added = rules::grievance_added(
            severity,
            handling,
            repeat,
            c.vindictiveness,
            week.prior_loyalty,
        );
        if added > 0.0 {
            c.grievance = (c.grievance + added).min(1.0);
            c.grudge_loyalty = c.grudge_loyalty.max(week.prior_loyalty);
        }
        Voiced { handling, q }
    }

    /// Step g (7.11): customer incivility, the employee's staff event, and the value co-created
    /// or co-destroyed.
    fn staff_event_and_value(&mut self, c: &Engaged, outcome: &Outcome, week: &mut Week) {
        let Outcome {
            kind,
            employee,
            confronted,
            v,
            success,
        } = *outcome;
        let hostile = confronted | (week.draws.unit() < rules::CUSTOMER_INCIVILITY * c.grievance);
        self.events.push(StaffEvent {
            employee,
            kind: if hostile {
                StaffEventKind::Hostile
            } else if v > 0.0 {
                StaffEventKind::Pleasant
            } else {
                StaffEventKind::Neutral
            },
        });
        let weight = match kind {
            Kind::Support => 1.0,
            Kind::Contribution(w) => w,
        };
        if v > 0.0 {
            week.cocreated += f64::from(weight * v);
        } else {
            week.codestroyed += f64::from(weight * -v);
        }
        if success && matches!(kind, Kind::Contribution(_)) {
            week.cocreated += f64::from(weight * rules::CONTRIBUTION_VALUE);
        }
    }

    /// Step l (7.16): revenge, if grievance exceeds the threshold.
    #[inline(always)]
    pub(super) fn revenge(&mut self, c: &mut Customer, week: &mut Week) {
        let k = &self.context.constants;
        if c.grievance <= k.revenge_threshold
            || week.draws.unit()
                >= rules::revenge_chance(c.grievance, k.revenge_threshold, c.vindictiveness)
        {
            return;
        }
        let firm = &self.context.firms[week.firm];
        let tally = &mut self.tallies[week.firm];
        week.flags |= Public::REVENGE;
        tally.revenge_acts += 1.0;
        let reach = self
            .context
            .network
            .neighbours(week.slot)
            .iter()
            .filter(|&&n| self.context.public[n as usize].firm != VACANT)
            .count() as f64;
        week.codestroyed += rules::REVENGE_DAMAGE + rules::REVENGE_DAMAGE_PER_NEIGHBOUR * reach;
        c.recent_wom_negative += WINDOW_RATE * reach as f32;
        c.grievance = (c.grievance - rules::REVENGE_RELIEF).max(0.0);
        let employee = firm.staff_start + week.draws.index(firm.staff_count);
        self.events.push(StaffEvent {
            employee,
            kind: StaffEventKind::Confrontation,
        });
    }

    /// Step n, first part (7.18), for a customer among whose neighbours someone took revenge
    /// last week: that revenge is heard, in ascending neighbour order, as negative WOM and as
    /// toxic talk.
    #[inline(always)]
    pub(super) fn hear_revenge(&mut self, c: &mut Listener, slot: usize) {
        for &other in self.context.network.neighbours(slot) {
            let other = other as usize;
            if bit(self.context.revenge, other) {
                // A set bit implies the REVENGE flag on an active slot's record.
                let sender = self.context.public[other];
                hear_wom(c, &sender, false, self.tallies);
                talk(c, false);
            }
        }
    }

    /// Step n, second part (7.18): interpersonal interaction (II), for a customer whose talk
    /// draw fell below its `sociability`: one conversation with the neighbour its `partner`
    /// draw picks; pleasant unless the neighbour spoke ill of its firm or took revenge last week.
    #[inline(always)]
    pub(super) fn conversation(&mut self, c: &mut Listener, slot: usize, partner: u32) {
        let neighbours = self.context.network.neighbours(slot);
        if neighbours.is_empty() {
            return;
        }
        let pick = rng::index21(partner, neighbours.len() as u32) as usize;
        let other = self.context.public[neighbours[pick] as usize];
        if other.firm == VACANT {
            return;
        }
        c.recent_peer += WINDOW_RATE;
        let toxic = other.flags & (Public::SPOKE_NEGATIVE | Public::REVENGE) != 0;
        talk(c, !toxic);
        if other.success_rate >= 0.0 {
            let rate = self.context.constants.vicarious;
            c.self_efficacy = rules::toward(c.self_efficacy, other.success_rate, rate);
        }
        if other.flags & Public::SPOKE_POSITIVE != 0 {
            hear_wom(c, &other, true, self.tallies);
        } else if other.flags & Public::SPOKE_NEGATIVE != 0 {
            hear_wom(c, &other, false, self.tallies);
        }
    }

    /// Step p (7.20): churn, perhaps switching to another firm. Returns the week's public
    /// flags, cleared for a leaver (what it said this week is not heard; the revenge damage is
    /// still counted).
    #[inline(always)]
    pub(super) fn churn(&mut self, c: &mut Customer, week: &mut Week) -> u8 {
        let k = &self.context.constants;
        if !leaves(c.loyalty, c.grievance, week.decision.churn, k) {
            return week.flags;
        }
        self.tallies[week.firm].churned += 1.0;
        let firms = self.context.firms;
        if firms.len() > 1 && week.draws.unit() < k.switching {
            let other = pick_other(firms, week.firm, week.draws.unit());
            let mut stream = week.draws.stream();
            let fresh =
                self.context
                    .birth
                    .customer(other as u8, firms[other].reputation, &mut stream);
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
            self.tallies[other].acquired += 1.0;
        } else {
            c.firm = VACANT;
        }
        0
    }
}

/// What the customer perceives of an encounter.
struct Served {
    events: rules::Encounter,
    help: f32,
    warmth: f32,
    /// The product's quality this week.
    quality: f32,
}

/// An encounter's outcome, for the staff event and the value accounts.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    kind: Kind,
    employee: u32,
    /// The complaint was answered confrontationally.
    confronted: bool,
    /// The encounter's value after any recovery or confrontation.
    v: f32,
    success: bool,
}

/// How a failure was voiced and handled; `q` is the recovered performance, if recovered.
struct Voiced {
    handling: Handling,
    q: Option<f32>,
}

/// Step p, the decision (7.20): whether the churn draw `u` falls below the customer's hazard.
/// Most draws lie above the week's ceiling of every customer's hazard and are settled without
/// `exp` ([`rules::churn_hazard_ceiling`], which holds for loyalty in [0, 1] and grievance at
/// most 1, the states' ranges), with the same outcome.
#[inline(always)]
pub(super) fn leaves(loyalty: f32, grievance: f32, u: f32, k: &Constants) -> bool {
    let within_ceiling = loyalty >= 0.0 && grievance <= 1.0;
    if within_ceiling && u >= k.churn_ceiling {
        return false;
    }
    u < rules::churn_hazard(
        k.base_churn,
        k.churn_slope,
        k.churn_grievance,
        loyalty,
        grievance,
    )
}

/// Step g, counters (7.11): the encounter counts for the customer and its firm.
fn count_encounter(c: &mut Engaged, kind: Kind, e: &rules::Encounter, tally: &mut Tally) {
    c.recent_encounters += WINDOW_RATE;
    if let Kind::Contribution(weight) = kind {
        c.contributions += weight;
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
    }
}

/// Step h (7.12): satisfaction and expectation learn from the encounter. A support question
/// (product engagement) also teaches functional and emotional value; a contribution teaches
/// self-efficacy (mastery). Experience values are learned from product engagement and peer
/// interaction only (Huang & Suo 2021), so participation does not feed back on them directly.
fn learn_from_encounter(
    c: &mut Engaged,
    kind: Kind,
    served: &Served,
    q: f32,
    v: f32,
    k: &Constants,
) {
    let e = &served.events;
    c.satisfaction = rules::toward(
        c.satisfaction,
        rules::satisfaction_target(c.expectation, v),
        k.satisfaction_rate,
    );
    c.expectation = rules::toward(c.expectation, q, k.expectation_rate);
    match kind {
        Kind::Support => {
            let quality = served.quality;
            let target = rules::support_functional(quality, e.success, served.help, e.tech_failure);
            c.functional = rules::toward(c.functional, target, experience::SUPPORT_FUNCTIONAL_RATE);
            let felt = rules::encounter_emotional(v);
            c.emotional = (c.emotional + experience::SUPPORT_EMOTIONAL_RATE * felt).clamp(0.0, 1.0);
        }
        Kind::Contribution(_) => {
            if e.success {
                c.self_efficacy = rules::toward(c.self_efficacy, 1.0, k.mastery);
            } else if !e.tech_failure {
                // A failure the customer attributes to itself teaches as much as a success, so
                // self-efficacy tracks the own success rate (Bandura 1977).
                c.self_efficacy = rules::toward(c.self_efficacy, 0.0, k.mastery);
            }
            let praise = rules::flag(e.recognised);
            let persuasion = rules::PERSUASION * (served.warmth - 0.5 + praise);
            c.self_efficacy = (c.self_efficacy + persuasion).clamp(0.0, 1.0);
        }
    }
}

/// The part of a customer's record that an encounter (steps d–h) reads and writes: gathered
/// from the columns for an encounter instead of the whole [`Customer`], whose other fields it
/// leaves alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Engaged {
    // Read only.
    pub expertise: f32,
    pub empowerment: f32,
    pub vindictiveness: f32,
    // Read and written.
    pub self_efficacy: f32,
    pub expectation: f32,
    pub satisfaction: f32,
    pub functional: f32,
    pub emotional: f32,
    pub grievance: f32,
    pub grudge_loyalty: f32,
    pub failure_memory: f32,
    pub recent_encounters: f32,
    pub recent_contributions: f32,
    pub recent_successes: f32,
    pub recent_complaints: f32,
    pub contributions: f32,
}

/// The part of a customer's record that peer interaction reads and writes (7.18).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Listener {
    pub firm: u8,
    pub emotional: f32,
    pub social: f32,
    pub loyalty: f32,
    pub expectation: f32,
    pub self_efficacy: f32,
    pub recent_peer: f32,
}

/// A conversation's effect on emotional and social value, by its valence (7.18).
fn talk(c: &mut Listener, pleasant: bool) {
    let (emotional, social) = if pleasant {
        (experience::PLEASANT_EMOTIONAL, experience::PLEASANT_SOCIAL)
    } else {
        (experience::TOXIC_EMOTIONAL, experience::TOXIC_SOCIAL)
    };
    c.emotional = rules::toward(c.emotional, emotional, experience::PEER_EMOTIONAL_RATE);
    c.social = rules::toward(c.social, social, experience::PEER_SOCIAL_RATE);
}

/// A received word of mouth about the sender's firm (7.18): counted for that firm; it shifts
/// the receiver's loyalty and expectation only if it is about the receiver's own firm (negative
/// weighs more), and positive talk about a rival tempts a little.
fn hear_wom(c: &mut Listener, sender: &Public, positive: bool, tallies: &mut [Tally]) {
    let about = sender.firm as usize;
    if positive {
        tallies[about].wom_positive += 1.0;
    } else {
        tallies[about].wom_negative += 1.0;
    }
    if sender.firm == c.firm {
        let negative = (rules::WOM_LOYALTY * rules::WOM_LOYALTY_NEGATIVE).min(1.0);
        c.loyalty = if positive {
            rules::toward(c.loyalty, 1.0, rules::WOM_LOYALTY)
        } else {
            rules::toward(c.loyalty, 0.0, negative)
        };
        c.expectation = rules::toward(c.expectation, sender.satisfaction, rules::WOM_EXPECTATION);
    } else if positive {
        c.loyalty = rules::toward(c.loyalty, 0.0, 0.5 * rules::WOM_LOYALTY);
    }
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

/// A firm for a newcomer: the first cumulative choice weight above `u` times the total.
pub(super) fn pick_choice(firms: &[FirmView], u: f32) -> usize {
    let total = firms.last().map_or(0.0, |f| f.choice_cumulative);
    let target = u * total;
    firms
        .iter()
        .position(|f| target < f.choice_cumulative)
        .unwrap_or(firms.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listener() -> Listener {
        Listener {
            firm: 0,
            emotional: 0.5,
            social: 0.5,
            loyalty: 0.5,
            expectation: 0.5,
            self_efficacy: 0.5,
            recent_peer: 0.0,
        }
    }

    #[test]
    fn pleasant_talk_raises_and_toxic_talk_lowers_emotional_and_social_value() {
        let mut pleasant = listener();
        talk(&mut pleasant, true);
        assert!(pleasant.emotional > 0.5 && pleasant.social > 0.5);
        let mut toxic = listener();
        talk(&mut toxic, false);
        assert!(toxic.emotional < 0.5 && toxic.social < 0.5);
        // Talk touches only emotional and social value (Huang & Suo 2021: II -> FV is null;
        // functional value is not even part of what a listener can change).
        for changed in [pleasant, toxic] {
            assert_eq!(
                (changed.loyalty, changed.expectation, changed.self_efficacy),
                (0.5, 0.5, 0.5)
            );
        }
    }

    #[test]
    fn word_of_mouth_about_the_own_firm_moves_loyalty_and_expectation() {
        let mut tallies = [Tally::default(); 2];
        let sender = |firm: u8| Public {
            satisfaction: 0.9,
            success_rate: -1.0,
            firm,
            flags: Public::SPOKE_POSITIVE,
        };
        let mut praised = listener();
        hear_wom(&mut praised, &sender(0), true, &mut tallies);
        assert!(praised.loyalty > 0.5 && praised.expectation > 0.5);
        let mut warned = listener();
        hear_wom(&mut warned, &sender(0), false, &mut tallies);
        assert!(warned.loyalty < 0.5);
        let mut tempted = listener();
        hear_wom(&mut tempted, &sender(1), true, &mut tallies);
        assert!(tempted.loyalty < 0.5 && tempted.expectation == 0.5);
        assert_eq!(
            (tallies[0].wom_positive, tallies[0].wom_negative),
            (1.0, 1.0)
        );
        assert_eq!(tallies[1].wom_positive, 1.0);
    }
}
