//! Survey measurement: customers of a simulated population answer a questionnaire, so that the
//! structural model of Huang & Suo (2021) can be fitted to simulated respondents as it was to
//! real ones (docs/ODD.md, "Survey measurement model").
//!
//! Pure: it takes customer records and seeds and returns answers; it knows nothing of files.
//!
//! 1. Each construct has a latent score in [0, 1] computed from the agent's state
//!    ([`constructs::Construct::latent`]).
//! 2. Scores are referred to population norms: every construct's mean and standard deviation
//!    over all customers active at the survey tick ([`Norms`]).
//! 3. Item j of construct c for respondent i has the continuous response
//!    `1 + 6·mean_c + offset_j + ITEM_SD·(loading_j·z_ic + sqrt(1 − loading_j²)·e_ij)`, with
//!    `z_ic` the standardised score and `e_ij` standard normal measurement error; the answer is
//!    that response rounded to the nearest integer and clamped to 1..=7.
//! 4. Respondents are sampled without replacement from the active customers.
//!
//! Draws: the sample comes from the stream (replication seed, [`Purpose::SurveySample`]); a
//! respondent's errors from (replication seed, [`Purpose::SurveyError`], survey week, slot), so
//! a customer's answers do not depend on who else is sampled or how many, and surveys in
//! different weeks (waves) have independent errors.

pub mod constructs;
pub mod respondents;

use rand_distr::{Distribution, StandardNormal};

use crate::model::agents::Customer;
use crate::model::rng::{self, Purpose};
pub use constructs::{CONSTRUCTS, Construct, ITEMS};
pub use respondents::{ITEM_COUNT, MISSING, Questionnaire, Settings, Styles, Truth};

/// Invalid survey requests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SurveyError {
    #[error("at least one respondent is needed")]
    NoRespondents,
    #[error("{requested} respondents asked for, but only {active} customers are active")]
    TooFewCustomers { requested: usize, active: usize },
    #[error("{slots} slots but {records} customer records")]
    Mismatch { slots: usize, records: usize },
}

/// Mean and standard deviation of every construct's latent score over a population.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Norms {
    pub mean: [f64; CONSTRUCTS],
    pub sd: [f64; CONSTRUCTS],
}

impl Norms {
    /// Norms of `scores` (population standard deviation), summed in the given order.
    pub fn of(scores: &[[f64; CONSTRUCTS]]) -> Norms {
        let n = scores.len().max(1) as f64;
        let mut mean = [0.0; CONSTRUCTS];
        for row in scores {
            for (m, x) in mean.iter_mut().zip(row) {
                *m += x;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut sd = [0.0; CONSTRUCTS];
        for row in scores {
            for ((s, x), m) in sd.iter_mut().zip(row).zip(&mean) {
                *s += (x - m) * (x - m);
            }
        }
        sd.iter_mut().for_each(|s| *s = (*s / n).sqrt());
        Norms { mean, sd }
    }

    /// The standardised score of `score` on construct `c` (0 if the population does not vary).
    pub fn z(&self, c: usize, score: f64) -> f64 {
        if self.sd[c] > 1e-12 {
            (score - self.mean[c]) / self.sd[c]
        } else {
            0.0
        }
    }
}

/// One respondent: who it is and what it answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Respondent {
    /// 1-based respondent number, in slot order.
    pub id: u32,
    /// The customer's slot.
    pub slot: u32,
    pub firm: u8,
    /// Latent scores in [0, 1], in [`Construct::ALL`] order.
    pub latent: [f64; CONSTRUCTS],
    /// Answers 1..=7 ([`MISSING`] if skipped), construct by construct, three items each
    /// (`pe1, pe2, pe3, ii1, ...`).
    pub answers: [u8; ITEM_COUNT],
    /// What the respondent's behaviour did to the answers.
    pub truth: Truth,
}

/// A conducted survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub respondents: Vec<Respondent>,
    pub norms: Norms,
    /// Customers active at the survey tick (the sampling frame).
    pub population: usize,
    /// Respondent behaviour.
    pub settings: Settings,
    pub questionnaire: Questionnaire,
}

/// The answers of a respondent with latent scores `latent`, given the population `norms` and a
/// stream for the measurement error (30 standard normal draws, in item order).
pub fn answers(
    latent: &[f64; CONSTRUCTS],
    norms: &Norms,
    rng: &mut rng::Stream,
) -> [u8; ITEM_COUNT] {
    let mut out = [0u8; ITEM_COUNT];
    for c in 0..CONSTRUCTS {
        let level = 1.0 + 6.0 * norms.mean[c];
        let z = norms.z(c, latent[c]);
        for j in 0..ITEMS {
            let error: f64 = StandardNormal.sample(rng);
            let loading = constructs::LOADINGS[j];
            let response = level
                + constructs::OFFSETS[j]
                + constructs::ITEM_SD * (loading * z + (1.0 - loading * loading).sqrt() * error);
            out[c * ITEMS + j] = likert(response);
        }
    }
    out
}

/// A continuous response rounded to the nearest point of the 7-point scale.
pub fn likert(response: f64) -> u8 {
    if response.is_nan() {
        return 4;
    }
    response.round().clamp(1.0, 7.0) as u8
}

/// Indices (into a frame of `frame` customers) of `n` customers drawn without replacement by a
/// partial Fisher-Yates shuffle, in increasing order. The first k draws are the same for every
/// n ≥ k.
pub fn sample(frame: usize, n: usize, rng: &mut rng::Stream) -> Result<Vec<usize>, SurveyError> {
    if n == 0 {
        return Err(SurveyError::NoRespondents);
    }
    if n > frame {
        return Err(SurveyError::TooFewCustomers {
            requested: n,
            active: frame,
        });
    }
    let mut order: Vec<usize> = (0..frame).collect();
    for i in 0..n {
        // frame fits in u32: slots are u32.
        let j = i + rng::index(rng, (frame - i) as u32) as usize;
        order.swap(i, j);
    }
    order.truncate(n);
    order.sort_unstable();
    Ok(order)
}

/// Interviews `n` of the active customers (`slots` and `records` in slot order, as
/// `experiment::FinalCustomers` holds them) of the replication with seed `seed`, as idealised
/// respondents ([`Settings::CLEAN`]). `incentives[f]` is firm f's incentive policy.
pub fn conduct(
    slots: &[u32],
    records: &[Customer],
    incentives: &[f32],
    n: usize,
    seed: u64,
    tick: u32,
) -> Result<Survey, SurveyError> {
    conduct_with(slots, records, incentives, n, seed, tick, &Settings::CLEAN)
}

/// Latent scores of every record and their population norms.
fn scores_and_norms(records: &[Customer], incentives: &[f32]) -> (Vec<[f64; CONSTRUCTS]>, Norms) {
    let incentive = |c: &Customer| incentives.get(c.firm as usize).copied().unwrap_or(0.0);
    let scores: Vec<[f64; CONSTRUCTS]> = records
        .iter()
        .map(|c| constructs::latents(c, incentive(c)))
        .collect();
    let norms = Norms::of(&scores);
    (scores, norms)
}

/// [`conduct`] with respondent behaviour `settings`.
pub fn conduct_with(
    slots: &[u32],
    records: &[Customer],
    incentives: &[f32],
    n: usize,
    seed: u64,
    tick: u32,
    settings: &Settings,
) -> Result<Survey, SurveyError> {
    if slots.len() != records.len() {
        return Err(SurveyError::Mismatch {
            slots: slots.len(),
            records: records.len(),
        });
    }
    let (scores, norms) = scores_and_norms(records, incentives);
    let mut picker = rng::stream(seed, Purpose::SurveySample, 0, 0);
    let chosen = sample(records.len(), n, &mut picker)?;
    let questionnaire = Questionnaire::new(settings, seed);
    let occasion = respondents::Occasion {
        settings,
        questionnaire: &questionnaire,
        norms: &norms,
        seed,
        week: tick,
    };
    let respondents = chosen
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let styles = Styles::draw(settings, seed, tick, slots[i]);
            let (answers, truth) = occasion.answer(slots[i], &scores[i], &styles);
            Respondent {
                id: k as u32 + 1,
                slot: slots[i],
                firm: records[i].firm,
                latent: scores[i],
                answers,
                truth,
            }
        })
        .collect();
    Ok(Survey {
        respondents,
        norms,
        population: records.len(),
        settings: *settings,
        questionnaire,
    })
}

/// One wave of a panel survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Wave {
    /// Week of the interviews.
    pub week: u32,
    /// Customers active that week.
    pub population: usize,
    /// The panel members still customers of their firm, interviewed (ids as in wave 1).
    pub respondents: Vec<Respondent>,
    /// Ids of the members lost since the previous wave (churned, or moved to another firm).
    pub lost: Vec<u32>,
}

/// A panel survey: the respondents of the first wave interviewed again at later weeks, as long
/// as they remain customers of the same firm. All waves are scored against the first wave's
/// population norms, so change over time shows in the answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub settings: Settings,
    pub questionnaire: Questionnaire,
    pub norms: Norms,
    pub seed: u64,
    pub waves: Vec<Wave>,
    /// Per member (index id − 1): slot, firm, week of wave 1 and tenure then.
    members: Vec<(u32, u8, u32, u32)>,
    /// Members still in the panel.
    present: Vec<bool>,
}

impl Panel {
    /// Starts a panel with its first wave: a cross-sectional survey (same answers as
    /// [`conduct_with`] gives for that week).
    pub fn start(
        slots: &[u32],
        records: &[Customer],
        incentives: &[f32],
        n: usize,
        seed: u64,
        week: u32,
        settings: &Settings,
    ) -> Result<Panel, SurveyError> {
        let first = conduct_with(slots, records, incentives, n, seed, week, settings)?;
        let members = first
            .respondents
            .iter()
            .map(|r| {
                let i = slots.binary_search(&r.slot).unwrap_or(0);
                (r.slot, r.firm, week, records[i].tenure)
            })
            .collect::<Vec<_>>();
        let present = vec![true; members.len()];
        Ok(Panel {
            settings: first.settings,
            questionnaire: first.questionnaire,
            norms: first.norms,
            seed,
            waves: vec![Wave {
                week,
                population: first.population,
                respondents: first.respondents,
                lost: Vec::new(),
            }],
            members,
            present,
        })
    }

    /// Interviews the remaining members at `week` (after the previous wave's), given every
    /// customer slot of the simulation then (`customers[slot]`, vacant slots included).
    pub fn follow(&mut self, customers: &[Customer], incentives: &[f32], week: u32) {
        let incentive = |c: &Customer| incentives.get(c.firm as usize).copied().unwrap_or(0.0);
        let occasion = respondents::Occasion {
            settings: &self.settings,
            questionnaire: &self.questionnaire,
            norms: &self.norms,
            seed: self.seed,
            week,
        };
        let mut respondents = Vec::new();
        let mut lost = Vec::new();
        for (k, &(slot, firm, first_week, tenure)) in self.members.iter().enumerate() {
            if !self.present[k] {
                continue;
            }
            let id = k as u32 + 1;
            // The same person, still with the same firm: the relationship has aged by exactly
            // the weeks since wave 1 (a new customer in the slot, or a switch, restarts it).
            let same = customers.get(slot as usize).filter(|c| {
                c.is_active()
                    && c.firm == firm
                    && c.tenure == tenure.saturating_add(week.saturating_sub(first_week))
            });
            match same {
                None => {
                    self.present[k] = false;
                    lost.push(id);
                }
                Some(c) => {
                    let latent = constructs::latents(c, incentive(c));
                    let styles = Styles::draw(&self.settings, self.seed, first_week, slot);
                    let (answers, truth) = occasion.answer(slot, &latent, &styles);
                    respondents.push(Respondent {
                        id,
                        slot,
                        firm,
                        latent,
                        answers,
                        truth,
                    });
                }
            }
        }
        let population = customers.iter().filter(|c| c.is_active()).count();
        self.waves.push(Wave {
            week,
            population,
            respondents,
            lost,
        });
    }
}

/// Cronbach's alpha of `items` (each a column of answers of the same respondents):
/// k/(k − 1) · (1 − Σ item variances / variance of the sum). NaN with fewer than two items or
/// a constant sum.
pub fn cronbach_alpha(items: &[Vec<f64>]) -> f64 {
    let k = items.len();
    if k < 2 {
        return f64::NAN;
    }
    let n = items[0].len();
    let variance = |xs: &[f64]| {
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (xs.len() as f64 - 1.0)
    };
    let sums: Vec<f64> = (0..n)
        .map(|i| items.iter().map(|col| col[i]).sum())
        .collect();
    let total = variance(&sums);
    let parts: f64 = items.iter().map(|col| variance(col)).sum();
    k as f64 / (k as f64 - 1.0) * (1.0 - parts / total)
}

impl Survey {
    /// Answer to item `i`, reverse-keyed items recoded (8 − answer).
    fn scored(&self, r: &Respondent, i: usize) -> f64 {
        let a = f64::from(r.answers[i]);
        if self.questionnaire.reversed[i] {
            8.0 - a
        } else {
            a
        }
    }

    /// Cronbach's alpha of each construct's three items (reverse-keyed ones recoded) over the
    /// respondents who answered all three.
    pub fn alphas(&self) -> [f64; CONSTRUCTS] {
        std::array::from_fn(|c| {
            let items: Vec<Vec<f64>> = (0..ITEMS)
                .map(|j| {
                    self.complete(c)
                        .map(|r| self.scored(r, c * ITEMS + j))
                        .collect()
                })
                .collect();
            cronbach_alpha(&items)
        })
    }

    /// Respondents who answered every item of construct `c`.
    fn complete(&self, c: usize) -> impl Iterator<Item = &Respondent> + '_ {
        self.respondents
            .iter()
            .filter(move |r| !r.answers[c * ITEMS..(c + 1) * ITEMS].contains(&MISSING))
    }

    /// Mean answer of each construct's items over the respondents who answered all of them.
    pub fn item_means(&self) -> [f64; CONSTRUCTS] {
        std::array::from_fn(|c| {
            let n = self.complete(c).count().max(1) as f64;
            self.complete(c)
                .map(|r| {
                    (c * ITEMS..(c + 1) * ITEMS)
                        .map(|i| self.scored(r, i))
                        .sum::<f64>()
                        / ITEMS as f64
                })
                .sum::<f64>()
                / n
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn population(n: usize) -> (Vec<u32>, Vec<Customer>) {
        let mut rng = rng::stream(9, Purpose::InitCustomers, 0, 0);
        let records = (0..n)
            .map(|_| {
                let x = rng::unit(&mut rng);
                let y = rng::unit(&mut rng);
                Customer {
                    activity: 0.02 + 0.3 * x,
                    empowerment: 0.2 + 0.6 * y,
                    self_efficacy: 0.3 + 0.4 * x,
                    emotional: 0.3 + 0.4 * y,
                    social: 0.2 + 0.5 * x,
                    functional: 0.3 + 0.5 * x,
                    satisfaction: 0.5 + 0.4 * y,
                    loyalty: 0.3 + 0.5 * y,
                    recent_product: 0.6 * x,
                    recent_peer: 0.5 * rng::unit(&mut rng),
                    firm: 0,
                    ..Customer::EMPTY
                }
            })
            .collect();
        ((0..n as u32).map(|s| s * 3).collect(), records)
    }

    #[test]
    fn likert_rounds_and_clamps() {
        assert_eq!(likert(-3.0), 1);
        assert_eq!(likert(1.49), 1);
        assert_eq!(likert(1.5), 2);
        assert_eq!(likert(6.7), 7);
        assert_eq!(likert(40.0), 7);
        assert_eq!(likert(f64::NAN), 4);
    }

    #[test]
    fn samples_are_distinct_sorted_and_prefix_stable() {
        let mut a = rng::stream(1, Purpose::SurveySample, 0, 0);
        let mut b = rng::stream(1, Purpose::SurveySample, 0, 0);
        let small = sample(1000, 10, &mut a).unwrap();
        let large = sample(1000, 500, &mut b).unwrap();
        assert!(small.windows(2).all(|w| w[0] < w[1]));
        assert!(large.windows(2).all(|w| w[0] < w[1]));
        assert!(small.iter().all(|i| large.contains(i)));
        assert_eq!(sample(5, 5, &mut a).unwrap(), vec![0, 1, 2, 3, 4]);
        assert_eq!(
            sample(5, 6, &mut a),
            Err(SurveyError::TooFewCustomers {
                requested: 6,
                active: 5
            })
        );
        assert_eq!(sample(5, 0, &mut a), Err(SurveyError::NoRespondents));
    }

    #[test]
    fn survey_is_reproducible_and_items_are_reliable() {
        let (slots, records) = population(3000);
        let a = conduct(&slots, &records, &[0.3], 800, 11, 260).unwrap();
        let b = conduct(&slots, &records, &[0.3], 800, 11, 260).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.respondents.len(), 800);
        assert_eq!(a.population, 3000);
        for r in &a.respondents {
            assert!(r.answers.iter().all(|x| (1..=7).contains(x)));
            assert_eq!(r.slot % 3, 0);
        }
        for (construct, alpha) in Construct::ALL.iter().zip(a.alphas()) {
            assert!(alpha > 0.75, "{construct:?}: alpha {alpha}");
        }
        // Absolute levels are kept: satisfaction (mean 0.7) is answered above the midpoint,
        // product engagement (mostly low) below it.
        let means = a.item_means();
        assert!(means[Construct::Satisfaction.index()] > 4.5, "{means:?}");
        assert!(
            means[Construct::ProductEngagement.index()] < 4.0,
            "{means:?}"
        );
    }

    #[test]
    fn a_customers_answers_do_not_depend_on_the_sample_size() {
        let (slots, records) = population(500);
        let few = conduct(&slots, &records, &[0.3], 20, 5, 260).unwrap();
        let many = conduct(&slots, &records, &[0.3], 400, 5, 260).unwrap();
        for r in &few.respondents {
            let same = many.respondents.iter().find(|m| m.slot == r.slot).unwrap();
            assert_eq!(same.answers, r.answers);
        }
    }

    #[test]
    fn a_constant_population_answers_at_its_level() {
        let records = vec![
            Customer {
                satisfaction: 0.5,
                firm: 0,
                ..Customer::EMPTY
            };
            50
        ];
        let slots: Vec<u32> = (0..50).collect();
        let survey = conduct(&slots, &records, &[0.0], 50, 3, 260).unwrap();
        let sat = Construct::Satisfaction.index();
        assert_eq!(survey.norms.sd[sat], 0.0);
        let mean = survey.item_means()[sat];
        assert!((mean - 4.0).abs() < 0.3, "mean {mean}");
    }

    #[test]
    fn alpha_of_identical_items_is_one_and_of_noise_is_low() {
        let x: Vec<f64> = (0..100).map(|i| f64::from(i % 7)).collect();
        assert!((cronbach_alpha(&[x.clone(), x.clone(), x.clone()]) - 1.0).abs() < 1e-12);
        let mut rng = rng::stream(2, Purpose::Design, 0, 0);
        let noise: Vec<Vec<f64>> = (0..3)
            .map(|_| (0..2000).map(|_| f64::from(rng::unit(&mut rng))).collect())
            .collect();
        assert!(cronbach_alpha(&noise).abs() < 0.15);
        assert!(cronbach_alpha(&[x]).is_nan());
    }
}
