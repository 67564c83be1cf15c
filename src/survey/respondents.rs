//! Respondent behaviour: the stage between a respondent's true latent scores and the Likert
//! answers they give, with the imperfections of real survey data (docs/ODD.md, "Survey
//! measurement model", "Respondent behaviour").
//!
//! Every part can be switched off; with all of them off ([`Settings::CLEAN`]) the answers are
//! exactly those of the plain measurement model, draw for draw. The parts:
//! - the questionnaire: item-specific loadings and intercepts drawn around the construct's, and
//!   optionally one reverse-keyed item per construct ([`Questionnaire`]);
//! - person-level response styles: acquiescence, extreme and midpoint responding;
//! - a common-method factor shared by all of a respondent's items on one occasion;
//! - careless responding on one occasion: straight-lining, random or patterned answers;
//! - item nonresponse: completely at random, and at random depending on one construct.
//!
//! Draws are keyed by purpose so that switching one part on or off leaves every other draw in
//! place: measurement error from (seed, `SurveyError`, week, slot) as before; the questionnaire
//! from (seed, `SurveyItems`); style traits from (seed, `SurveyPerson`, first wave's week,
//! slot), so a panel member keeps them across waves; the occasion (carelessness, method factor,
//! nonresponse) from (seed, `SurveyOccasion`, week, slot).

use rand_distr::{Distribution, StandardNormal};

use super::constructs::{self, CONSTRUCTS, Construct, ITEMS};
use crate::model::rng::{self, Purpose};

/// Number of items of the questionnaire.
pub const ITEM_COUNT: usize = CONSTRUCTS * ITEMS;

/// The answer code of an item the respondent did not answer.
pub const MISSING: u8 = 0;

/// Mean loading of a construct's items when loadings are drawn (`loading_sd` > 0): the middle of
/// the fixed loadings (0.85, 0.80, 0.75).
pub const MEAN_LOADING: f64 = 0.80;
/// Range drawn loadings are clamped to.
pub const LOADING_RANGE: (f64, f64) = (0.40, 0.95);

/// The respondent behaviour of a survey, resolved from a preset and explicit settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Share of respondents who give one answer to every item (long strings).
    pub straight_lining: f64,
    /// Share of respondents who answer every item uniformly at random.
    pub random: f64,
    /// Share of respondents who answer in a zigzag pattern (1, 2, …, 7, 6, …).
    pub patterned: f64,
    /// Standard deviation across persons of the acquiescence shift, in scale points.
    pub acquiescence_sd: f64,
    /// Standard deviation across persons of the log of the extreme-responding stretch.
    pub extreme_sd: f64,
    /// Scale of the half-normal widening of the midpoint category, in scale points.
    pub midpoint_sd: f64,
    /// Share of each item's continuous-response variance due to the common-method factor.
    pub method_share: f64,
    /// Probability that an item is skipped, completely at random.
    pub missing_mcar: f64,
    /// Further skip probability at latent score 0 of `missing_construct` (falls linearly to 0
    /// at score 1): disengaged customers skip more.
    pub missing_mar: f64,
    /// The construct whose latent score drives the skips at random.
    pub missing_construct: Construct,
    /// Standard deviation of item loadings around [`MEAN_LOADING`]; 0 keeps the fixed loadings.
    pub loading_sd: f64,
    /// Standard deviation of item intercepts, in scale points; 0 keeps the fixed offsets.
    pub intercept_sd: f64,
    /// The third item of every construct is worded in reverse.
    pub reverse_keyed: bool,
}

impl Settings {
    /// Today's idealised respondents: every part off.
    pub const CLEAN: Settings = Settings {
        straight_lining: 0.0,
        random: 0.0,
        patterned: 0.0,
        acquiescence_sd: 0.0,
        extreme_sd: 0.0,
        midpoint_sd: 0.0,
        method_share: 0.0,
        missing_mcar: 0.0,
        missing_mar: 0.0,
        missing_construct: Construct::ProductEngagement,
        loading_sd: 0.0,
        intercept_sd: 0.0,
        reverse_keyed: false,
    };

    /// Rates from the literature (docs/ODD.md, "Respondent behaviour", gives each source).
    pub const TYPICAL: Settings = Settings {
        straight_lining: 0.03,
        random: 0.07,
        patterned: 0.01,
        acquiescence_sd: 0.30,
        extreme_sd: 0.25,
        midpoint_sd: 0.30,
        method_share: 0.11,
        missing_mcar: 0.01,
        missing_mar: 0.04,
        missing_construct: Construct::ProductEngagement,
        loading_sd: 0.07,
        intercept_sd: 0.25,
        reverse_keyed: false,
    };

    /// Whether every part is off, so that the answers are those of the plain model.
    pub fn is_clean(&self) -> bool {
        *self == Settings::CLEAN
    }

    /// Share of careless respondents of any kind.
    pub fn careless(&self) -> f64 {
        self.straight_lining + self.random + self.patterned
    }
}

/// Every item's loading, intercept offset and keying.
#[derive(Debug, Clone, PartialEq)]
pub struct Questionnaire {
    pub loading: [f64; ITEM_COUNT],
    pub offset: [f64; ITEM_COUNT],
    pub reversed: [bool; ITEM_COUNT],
}

impl Questionnaire {
    /// The questionnaire of a survey with `settings` and replication seed `seed`: the fixed
    /// loadings and offsets of the plain model unless their spreads are positive, then drawn
    /// from (seed, `SurveyItems`) in item order (loading, then intercept).
    pub fn new(settings: &Settings, seed: u64) -> Questionnaire {
        let mut loading = [0.0; ITEM_COUNT];
        let mut offset = [0.0; ITEM_COUNT];
        let mut reversed = [false; ITEM_COUNT];
        let mut rng = rng::stream(seed, Purpose::SurveyItems, 0, 0);
        for i in 0..ITEM_COUNT {
            let j = i % ITEMS;
            let a: f64 = StandardNormal.sample(&mut rng);
            let b: f64 = StandardNormal.sample(&mut rng);
            loading[i] = if settings.loading_sd > 0.0 {
                (MEAN_LOADING + settings.loading_sd * a).clamp(LOADING_RANGE.0, LOADING_RANGE.1)
            } else {
                constructs::LOADINGS[j]
            };
            offset[i] = if settings.intercept_sd > 0.0 {
                settings.intercept_sd * b
            } else {
                constructs::OFFSETS[j]
            };
            reversed[i] = settings.reverse_keyed && j == ITEMS - 1;
        }
        Questionnaire {
            loading,
            offset,
            reversed,
        }
    }
}

/// Wording of a construct's third item when it is reverse-keyed (`reverse_keyed`): the
/// negation of its usual wording, so that agreeing means a low score.
pub fn reversed_wording(construct: Construct) -> &'static str {
    match construct {
        Construct::ProductEngagement => {
            "I rarely spend time on the firm's products in the community."
        }
        Construct::InterpersonalInteraction => {
            "I seldom stay in touch with members I have met in the community."
        }
        Construct::Functional => "The community does not help me get more out of the product.",
        Construct::Emotional => "Interacting in the community often annoys or bores me.",
        Construct::Social => "The community does not make me feel connected to other people.",
        Construct::Participation => "I do not intend to contribute to the community in the future.",
        Construct::Empowerment => "The firm ignores what customers say in this community.",
        Construct::SelfEfficacy => "Contributing ideas to the firm is difficult for me.",
        Construct::Satisfaction => "I am disappointed with my experience of this firm.",
        Construct::Loyalty => "I would readily switch to another firm for products of this kind.",
    }
}

/// How a careless respondent answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Careless {
    /// Answered attentively.
    No,
    /// One answer to every item.
    StraightLining,
    /// Uniformly random answers.
    Random,
    /// A zigzag pattern 1, 2, …, 7, 6, …, 1, 2, … from a random starting point.
    Patterned,
}

impl Careless {
    /// The `careless_kind` of `latent.csv`.
    pub fn label(self) -> &'static str {
        match self {
            Careless::No => "none",
            Careless::StraightLining => "straight_lining",
            Careless::Random => "random",
            Careless::Patterned => "patterned",
        }
    }
}

/// Person-level response-style traits, stable across waves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Styles {
    /// Shift toward agreement, in scale points.
    pub acquiescence: f64,
    /// Log of the stretch of responses away from the midpoint (negative: toward it).
    pub extreme: f64,
    /// Widening of the midpoint category beyond ±0.5, in scale points (≥ 0).
    pub midpoint: f64,
}

impl Styles {
    pub const NONE: Styles = Styles {
        acquiescence: 0.0,
        extreme: 0.0,
        midpoint: 0.0,
    };

    /// Draws a person's styles from (seed, `SurveyPerson`, `first_week`, slot).
    pub fn draw(settings: &Settings, seed: u64, first_week: u32, slot: u32) -> Styles {
        let mut rng = rng::stream(
            seed,
            Purpose::SurveyPerson,
            u64::from(first_week),
            u64::from(slot),
        );
        let a: f64 = StandardNormal.sample(&mut rng);
        let e: f64 = StandardNormal.sample(&mut rng);
        let m: f64 = StandardNormal.sample(&mut rng);
        Styles {
            acquiescence: settings.acquiescence_sd * a,
            extreme: settings.extreme_sd * e,
            midpoint: settings.midpoint_sd * m.abs(),
        }
    }
}

/// What actually happened behind a respondent's answers on one occasion: the ground truth a
/// screening method or a remedy is tested against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Truth {
    pub careless: Careless,
    pub styles: Styles,
    /// The respondent's common-method factor score (standard normal).
    pub method: f64,
    /// Items the respondent did not answer.
    pub removed: [bool; ITEM_COUNT],
}

impl Truth {
    pub const NONE: Truth = Truth {
        careless: Careless::No,
        styles: Styles::NONE,
        method: 0.0,
        removed: [false; ITEM_COUNT],
    };
}

/// The zigzag 1, 2, …, 7, 6, …, 2 (period 12), at position `k`.
pub fn zigzag(k: usize) -> u8 {
    let p = k % 12;
    (if p <= 6 { p + 1 } else { 13 - p }) as u8
}

/// A continuous response on the agreement scale turned into an answer by a respondent with
/// `styles`: acquiescence shifts it, extreme responding stretches it about the midpoint 4,
/// midpoint responding widens the band answered 4; then rounding and clamping to 1..=7.
pub fn styled(response: f64, styles: &Styles) -> u8 {
    let shifted = response + styles.acquiescence;
    let stretched = 4.0 + (shifted - 4.0) * styles.extreme.exp();
    if (stretched - 4.0).abs() < 0.5 + styles.midpoint {
        return 4;
    }
    super::likert(stretched)
}

/// Everything a respondent needs to answer on one occasion.
pub struct Occasion<'a> {
    pub settings: &'a Settings,
    pub questionnaire: &'a Questionnaire,
    pub norms: &'a super::Norms,
    pub seed: u64,
    /// Week of this interview.
    pub week: u32,
}

impl Occasion<'_> {
    /// The answers (1..=7, [`MISSING`] if skipped) and the truth behind them of the customer in
    /// `slot` with latent scores `latent` and response styles `styles`.
    pub fn answer(
        &self,
        slot: u32,
        latent: &[f64; CONSTRUCTS],
        styles: &Styles,
    ) -> ([u8; ITEM_COUNT], Truth) {
        let settings = self.settings;
        let week = u64::from(self.week);
        let mut errors = rng::stream(self.seed, Purpose::SurveyError, week, u64::from(slot));
        if settings.is_clean() {
            return (super::answers(latent, self.norms, &mut errors), Truth::NONE);
        }
        let mut occasion = rng::stream(self.seed, Purpose::SurveyOccasion, week, u64::from(slot));
        // Fixed order of occasion draws: kind, its parameter, method factor, 30 skips.
        let u = f64::from(rng::unit(&mut occasion));
        let parameter = rng::index(&mut occasion, 12);
        let method: f64 = StandardNormal.sample(&mut occasion);
        let careless = if u < settings.straight_lining {
            Careless::StraightLining
        } else if u < settings.straight_lining + settings.random {
            Careless::Random
        } else if u < settings.careless() {
            Careless::Patterned
        } else {
            Careless::No
        };
        let keep = (1.0 - settings.method_share).sqrt();
        let share = settings.method_share.sqrt();
        let q = self.questionnaire;
        let mut out = [0u8; ITEM_COUNT];
        for (c, &score) in latent.iter().enumerate() {
            let level = 1.0 + 6.0 * self.norms.mean[c];
            let z = self.norms.z(c, score);
            for j in 0..ITEMS {
                let i = c * ITEMS + j;
                // The measurement error is drawn for every item, careless or not, so the
                // stream stays aligned with the plain model's.
                let error: f64 = StandardNormal.sample(&mut errors);
                let loading = q.loading[i];
                let mut inner = loading * z + (1.0 - loading * loading).sqrt() * error;
                if settings.method_share > 0.0 {
                    inner = keep * inner + share * method;
                }
                let mut response = level + q.offset[i] + constructs::ITEM_SD * inner;
                if q.reversed[i] {
                    response = 8.0 - response;
                }
                out[i] = match careless {
                    Careless::No => styled(response, styles),
                    Careless::StraightLining => 4 + (parameter % 4) as u8,
                    Careless::Random => 1 + rng::index(&mut errors, 7) as u8,
                    Careless::Patterned => zigzag(parameter as usize + i),
                };
            }
        }
        let skip = skip_probability(settings, latent);
        let mut removed = [false; ITEM_COUNT];
        for (answer, gone) in out.iter_mut().zip(removed.iter_mut()) {
            if f64::from(rng::unit(&mut occasion)) < skip {
                *answer = MISSING;
                *gone = true;
            }
        }
        (
            out,
            Truth {
                careless,
                styles: *styles,
                method,
                removed,
            },
        )
    }
}

/// Probability that a respondent with latent scores `latent` skips an item.
pub fn skip_probability(settings: &Settings, latent: &[f64; CONSTRUCTS]) -> f64 {
    settings.missing_mcar
        + settings.missing_mar * (1.0 - latent[settings.missing_construct.index()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::Norms;

    fn norms() -> Norms {
        Norms {
            mean: [0.5; CONSTRUCTS],
            sd: [0.1; CONSTRUCTS],
        }
    }

    #[test]
    fn zigzag_walks_up_and_down_the_scale() {
        let walk: Vec<u8> = (0..14).map(zigzag).collect();
        assert_eq!(walk, [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 2]);
    }

    #[test]
    fn styles_shift_stretch_and_widen_the_midpoint() {
        let none = Styles::NONE;
        assert_eq!(styled(5.2, &none), 5);
        let agree = Styles {
            acquiescence: 0.6,
            ..none
        };
        assert_eq!(styled(5.2, &agree), 6);
        let extreme = Styles {
            extreme: 0.5,
            ..none
        };
        assert_eq!(styled(5.6, &extreme), 7);
        let middle = Styles {
            midpoint: 0.8,
            ..none
        };
        assert_eq!(styled(5.2, &middle), 4);
        assert_eq!(styled(2.8, &middle), 4);
        assert_eq!(styled(2.6, &none), 3);
    }

    #[test]
    fn clean_settings_give_the_plain_models_answers() {
        let settings = Settings::CLEAN;
        let q = Questionnaire::new(&settings, 3);
        assert_eq!(q.loading[..3], constructs::LOADINGS);
        assert_eq!(q.offset[..3], constructs::OFFSETS);
        let norms = norms();
        let occasion = Occasion {
            settings: &settings,
            questionnaire: &q,
            norms: &norms,
            seed: 3,
            week: 100,
        };
        let latent = [0.55; CONSTRUCTS];
        let (answers, truth) = occasion.answer(17, &latent, &Styles::NONE);
        let mut errors = rng::stream(3, Purpose::SurveyError, 100, 17);
        assert_eq!(
            answers,
            crate::survey::answers(&latent, &norms, &mut errors)
        );
        assert_eq!(truth, Truth::NONE);
    }

    #[test]
    fn careless_kinds_answer_as_their_kind() {
        let norms = norms();
        let latent = [0.5; CONSTRUCTS];
        for (kind, settings) in [
            (
                Careless::StraightLining,
                Settings {
                    straight_lining: 1.0,
                    ..Settings::CLEAN
                },
            ),
            (
                Careless::Patterned,
                Settings {
                    patterned: 1.0,
                    ..Settings::CLEAN
                },
            ),
            (
                Careless::Random,
                Settings {
                    random: 1.0,
                    ..Settings::CLEAN
                },
            ),
        ] {
            let q = Questionnaire::new(&settings, 1);
            let occasion = Occasion {
                settings: &settings,
                questionnaire: &q,
                norms: &norms,
                seed: 1,
                week: 5,
            };
            for slot in 0..50 {
                let (answers, truth) = occasion.answer(slot, &latent, &Styles::NONE);
                assert_eq!(truth.careless, kind);
                assert!(answers.iter().all(|a| (1..=7).contains(a)));
                match kind {
                    Careless::StraightLining => {
                        assert!(answers.iter().all(|&a| a == answers[0] && a >= 4));
                    }
                    Careless::Patterned => {
                        for pair in answers.windows(2) {
                            assert_eq!((i32::from(pair[0]) - i32::from(pair[1])).abs(), 1);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    proptest::proptest! {
        /// Whatever the settings and scores: answers are on the scale or missing, exactly the
        /// removed items are missing, careless kinds follow the shares, and clean-equivalent
        /// settings never change an answer.
        #[test]
        fn answers_stay_on_the_scale_and_match_the_truth(
            shares in proptest::array::uniform3(0.0..0.34f64),
            styles in proptest::array::uniform3(0.0..2.0f64),
            method in 0.0..0.9f64,
            mcar in 0.0..0.5f64,
            mar in 0.0..0.5f64,
            level in 0.0..1.0f64,
            slot in 0u32..1000,
            reverse in proptest::bool::ANY,
        ) {
            let settings = Settings {
                straight_lining: shares[0],
                random: shares[1],
                patterned: shares[2],
                acquiescence_sd: styles[0],
                extreme_sd: styles[1],
                midpoint_sd: styles[2],
                method_share: method,
                missing_mcar: mcar,
                missing_mar: mar,
                reverse_keyed: reverse,
                ..Settings::TYPICAL
            };
            let q = Questionnaire::new(&settings, 5);
            let norms = norms();
            let occasion = Occasion {
                settings: &settings,
                questionnaire: &q,
                norms: &norms,
                seed: 5,
                week: 40,
            };
            let person = Styles::draw(&settings, 5, 40, slot);
            proptest::prop_assert!(person.midpoint >= 0.0);
            let latent = [level; CONSTRUCTS];
            let (answers, truth) = occasion.answer(slot, &latent, &person);
            for (a, gone) in answers.iter().zip(truth.removed) {
                proptest::prop_assert_eq!(*a == MISSING, gone);
                proptest::prop_assert!(*a <= 7);
            }
            if settings.careless() == 0.0 {
                proptest::prop_assert_eq!(truth.careless, Careless::No);
            }
        }
    }

    #[test]
    fn drawn_items_stay_in_range_and_reverse_keying_mirrors() {
        let settings = Settings {
            reverse_keyed: true,
            ..Settings::TYPICAL
        };
        let q = Questionnaire::new(&settings, 8);
        assert!(q.loading.iter().all(|l| (0.4..=0.95).contains(l)));
        assert!(q.loading.iter().any(|&l| l != q.loading[0]));
        assert_eq!(q.reversed.iter().filter(|r| **r).count(), CONSTRUCTS);
        assert!(q.reversed[2] && !q.reversed[0]);
        assert_eq!(Questionnaire::new(&settings, 8), q);
    }
}
