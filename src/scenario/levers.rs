//! The levers of a firm, in words: for every per-firm scenario key, a short name for charts,
//! what it *is* in a real firm in one plain sentence, its unit and its allowed range. Defaults
//! are not written here: they are read from the model's own `Firm::default()`, so that a
//! changed default changes the reference.
//!
//! This one table feeds `docs/PARAMETERS.md` ([`reference_markdown`], checked to be current by a
//! test), the short axis names of sweep charts ([`short_name`]) and can feed the model's config
//! documentation. The ranges are checked against `Config::validate` by a test.

use crate::model::config::Firm;

/// One per-firm key (relative to `firms.N.`).
#[derive(Debug, Clone, Copy)]
pub struct Lever {
    pub key: &'static str,
    /// Short name for axis titles, e.g. "technology reliability".
    pub short: &'static str,
    /// What it is in a real firm, in one plain sentence.
    pub meaning: &'static str,
    pub unit: &'static str,
    /// Allowed range as written for readers, e.g. "0–1".
    pub range: &'static str,
    /// Bounds checked against validation (inclusive; `None`: unbounded above).
    pub bounds: (f64, Option<f64>),
}

const fn lever(
    key: &'static str,
    short: &'static str,
    meaning: &'static str,
    unit: &'static str,
    range: &'static str,
    bounds: (f64, Option<f64>),
) -> Lever {
    Lever {
        key,
        short,
        meaning,
        unit,
        range,
        bounds,
    }
}

const P: &str = "probability";
const UNIT: (f64, Option<f64>) = (0.0, Some(1.0));

/// Every numeric per-firm key, in the order of the scenario file.
pub const LEVERS: [Lever; 28] = [
    lever(
        "share",
        "initial share",
        "The share of the market's initial customers that start as this firm's customers.",
        "share of customers",
        "0–1 (shares of all firms sum to 1)",
        UNIT,
    ),
    lever(
        "initial_quality",
        "initial quality",
        "How good the product or service is at the start, as customers experience it.",
        "score 0–1",
        "0–1",
        UNIT,
    ),
    lever(
        "initial_reputation",
        "initial reputation",
        "What the market expects of the firm at the start: new customers' expectations are set by it.",
        "score 0–1",
        "0–1",
        UNIT,
    ),
    lever(
        "policy.incentive",
        "incentives",
        "The probability that a customer's successful contribution (an idea, an answer, a review) is rewarded, e.g. with points, a voucher or a discount.",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "policy.feedback_solicitation",
        "feedback solicitation",
        "The probability that an attentive employee asks the customer for feedback in an encounter.",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "policy.act_on_feedback",
        "acting on feedback",
        "The probability that a successful contribution the firm heard is actually implemented (and the product improves).",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "policy.recognition",
        "recognition",
        "The probability that a successful contribution is publicly acknowledged, e.g. a thank-you, a badge or a mention.",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "policy.surprise_delight",
        "surprise and delight",
        "The probability that an encounter includes an unexpected extra, such as a free upgrade or a personal gesture.",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "policy.service_recovery",
        "service recovery",
        "The probability that a complaint gets a good recovery: an apology, a fix and fair compensation.",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "policy.complaint_outlets",
        "complaint outlets",
        "How easy it is to complain to the firm (hotline, form, chat): the probability that an aggrieved, fully empowered customer complains.",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "policy.tech_reliability",
        "technology reliability",
        "The probability that the firm's platform or technology works in an encounter (1 minus the failure rate).",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "policy.training",
        "staff training",
        "How intensively employees are trained each week: at 1, every week closes 1% of the gap to the ideal employee, at the cost `costs.training` per employee.",
        "intensity 0–1",
        "0–1",
        UNIT,
    ),
    lever(
        "policy.defensiveness",
        "defensiveness",
        "The probability that a complaint that gets no recovery is met with a confrontational answer instead of silence.",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "policy.staffing",
        "staffing",
        "How many frontline employees the firm has per 1000 customer slots of its initial share.",
        "employees per 1000 slots",
        "0–1000, at least one employee",
        (0.0, Some(1000.0)),
    ),
    lever(
        "staff.helpfulness",
        "staff helpfulness",
        "How helpful a newly hired employee is on average.",
        "trait mean 0–1",
        "0–1",
        UNIT,
    ),
    lever(
        "staff.empathy",
        "staff empathy",
        "How empathic a newly hired employee is on average.",
        "trait mean 0–1",
        "0–1",
        UNIT,
    ),
    lever(
        "staff.politeness",
        "staff politeness",
        "How polite a newly hired employee is on average.",
        "trait mean 0–1",
        "0–1",
        UNIT,
    ),
    lever(
        "staff.responsiveness",
        "staff responsiveness",
        "How quickly a newly hired employee responds on average.",
        "trait mean 0–1",
        "0–1",
        UNIT,
    ),
    lever(
        "staff.rudeness",
        "staff rudeness",
        "How likely an employee at normal morale is to be rude to a customer in an encounter.",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "staff.indifference",
        "staff indifference",
        "How likely an employee at normal morale is to be indifferent (not listening, not helping) in an encounter.",
        P,
        "0–1",
        UNIT,
    ),
    lever(
        "staff.spread",
        "staff variation",
        "How much employees differ from each other around the averages above (a standard deviation).",
        "standard deviation",
        "0–0.5",
        (0.0, Some(0.5)),
    ),
    lever(
        "staff.capacity",
        "staff capacity",
        "How many encounters an employee handles per week before work pressure sets in and conduct suffers.",
        "encounters per week",
        "more than 0",
        (f64::MIN_POSITIVE, None),
    ),
    lever(
        "staff.initial_morale",
        "initial morale",
        "The morale of a new hire, and the level morale returns to when nothing happens.",
        "score 0–1",
        "0–1",
        UNIT,
    ),
    lever(
        "costs.price",
        "price",
        "What an active customer pays per week at loyalty 0 (a fully loyal customer pays twice as much).",
        "money per customer per week",
        "0 or more",
        (0.0, None),
    ),
    lever(
        "costs.incentive",
        "incentive cost",
        "What one reward paid to a contributing customer costs.",
        "money per reward",
        "0 or more",
        (0.0, None),
    ),
    lever(
        "costs.recovery",
        "recovery cost",
        "What one service recovery (apology, fix, compensation) costs.",
        "money per recovery",
        "0 or more",
        (0.0, None),
    ),
    lever(
        "costs.training",
        "training cost",
        "What training costs per employee per week at training intensity 1.",
        "money per employee per week",
        "0 or more",
        (0.0, None),
    ),
    lever(
        "costs.wage",
        "wage",
        "What one employee costs per week.",
        "money per employee per week",
        "0 or more",
        (0.0, None),
    ),
];

/// The lever of a scenario key such as `firms.0.policy.tech_reliability`, if it is one.
pub fn lever_of(key: &str) -> Option<&'static Lever> {
    let rest = key.strip_prefix("firms.")?;
    let (_, rest) = rest.split_once('.')?;
    LEVERS.iter().find(|l| l.key == rest)
}

/// Last parts of a key that do not name anything on their own (`customers.vindictiveness.mean`).
const GENERIC_PARTS: [&str; 6] = ["mean", "sd", "min", "max", "low", "high"];

/// A short readable name for a scenario key: the lever's short name (with the firm number when
/// it is not firm 0), or the key's last part with underscores as spaces (the last two when the
/// last is generic: `customers.vindictiveness.mean` → "vindictiveness mean").
pub fn short_name(key: &str) -> String {
    if let Some(lever) = lever_of(key) {
        let firm = key.split('.').nth(1).unwrap_or("0");
        return if firm == "0" {
            lever.short.to_owned()
        } else {
            format!("{} (firm {firm})", lever.short)
        };
    }
    let mut parts = key.rsplit('.');
    let last = parts.next().unwrap_or(key);
    match parts.next() {
        Some(owner) if GENERIC_PARTS.contains(&last) => format!("{owner} {last}"),
        _ => last.to_owned(),
    }
    .replace('_', " ")
}

/// The default value of a lever, read from the model's `Firm::default()`.
pub fn default_value(lever: &Lever) -> Option<f64> {
    let value = toml::Value::try_from(Firm::default()).ok()?;
    let mut node = &value;
    for part in lever.key.split('.') {
        node = node.get(part)?;
    }
    node.as_float()
        .or_else(|| node.as_integer().map(|i| i as f64))
}

/// `docs/PARAMETERS.md`: the lever reference, generated from [`LEVERS`] and the defaults.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Parameter reference: the levers of a firm\n\n\
         <!-- Generated from src/scenario/levers.rs and the model's defaults; do not edit by hand.\n\
         Regenerate with `UPDATE_PARAMETERS=1 cargo test --lib levers`. -->\n\n\
         Every key below belongs to a firm: write it in a scenario under `[[firms]]`, or set it with\n\
         `--set firms.N.KEY=VALUE` (N = 0 for the first firm). The model's other parameters\n\
         (population, customers, network, market, behaviour) are listed with their sources in\n\
         [ODD.md](ODD.md), section \"Parameters\".\n\n\
         | key | what it is in a real firm | unit | range | default |\n|---|---|---|---|---|\n",
    );
    for lever in &LEVERS {
        let default = default_value(lever).map_or_else(|| "–".to_owned(), |v| format!("{v}"));
        out.push_str(&format!(
            "| `firms.N.{}` | **{}**: {} | {} | {} | {} |\n",
            lever.key, lever.short, lever.meaning, lever.unit, lever.range, default
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Override, Scenario, Source};

    #[test]
    fn every_numeric_firm_key_has_a_lever_and_every_lever_a_default() {
        let firm = toml::Value::try_from(Firm::default()).unwrap();
        let mut keys = Vec::new();
        for (name, value) in firm.as_table().unwrap() {
            match value {
                toml::Value::Table(table) => {
                    for (inner, v) in table {
                        if v.is_float() || v.is_integer() {
                            keys.push(format!("{name}.{inner}"));
                        }
                    }
                }
                v if v.is_float() || v.is_integer() => keys.push(name.clone()),
                _ => {}
            }
        }
        for key in &keys {
            assert!(
                LEVERS.iter().any(|l| l.key == key),
                "{key} has no entry in LEVERS"
            );
        }
        assert_eq!(
            keys.len(),
            LEVERS.len(),
            "LEVERS lists keys the model lacks"
        );
        for lever in &LEVERS {
            assert!(default_value(lever).is_some(), "{}", lever.key);
        }
    }

    fn loads(key: &str, value: f64) -> bool {
        let set = |k: &str, v: f64| Override {
            key: k.to_owned(),
            value: toml::Value::Float(v),
            raw: format!("{k}={v}"),
        };
        let mut overrides = vec![set(&format!("firms.0.{key}"), value)];
        if key == "policy.staffing" {
            // Keep at least one employee at the bottom of the range.
            overrides.push(set("population.capacity", 1.0e6));
            overrides.push(set("population.initial", 1.0e3));
        }
        let overrides: Vec<Override> = overrides
            .into_iter()
            .map(|o| match o.key.as_str() {
                "population.capacity" | "population.initial" => Override {
                    value: toml::Value::Integer(o.value.as_float().unwrap() as i64),
                    ..o
                },
                _ => o,
            })
            .collect();
        Scenario::load(&Source::baseline(), &overrides).is_ok()
    }

    #[test]
    fn ranges_agree_with_validation() {
        for lever in &LEVERS {
            if lever.key == "share" {
                continue; // shares must also sum to 1 over the firms
            }
            let (lo, hi) = lever.bounds;
            if lo > f64::MIN_POSITIVE {
                assert!(loads(lever.key, lo), "{} = {lo} should be valid", lever.key);
            }
            assert!(
                !loads(lever.key, lo - 0.01),
                "{} below {lo} should be invalid",
                lever.key
            );
            if let Some(hi) = hi {
                if lever.key != "policy.staffing" {
                    assert!(loads(lever.key, hi), "{} = {hi} should be valid", lever.key);
                }
                assert!(
                    !loads(lever.key, hi + 0.01),
                    "{} above {hi} should be invalid",
                    lever.key
                );
            }
        }
    }

    #[test]
    fn short_names_replace_dotted_keys() {
        assert_eq!(
            short_name("firms.0.policy.tech_reliability"),
            "technology reliability"
        );
        assert_eq!(
            short_name("firms.1.staff.rudeness"),
            "staff rudeness (firm 1)"
        );
        assert_eq!(short_name("behaviour.loss_aversion"), "loss aversion");
        assert_eq!(
            short_name("customers.vindictiveness.mean"),
            "vindictiveness mean"
        );
        assert_eq!(short_name("mean"), "mean");
    }

    #[test]
    fn the_committed_parameter_reference_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/PARAMETERS.md");
        let generated = reference_markdown();
        if std::env::var_os("UPDATE_PARAMETERS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/PARAMETERS.md is out of date: regenerate it with \
             `UPDATE_PARAMETERS=1 cargo test --lib levers`"
        );
    }
}
