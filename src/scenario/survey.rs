//! The `[survey]` table: how the respondents of `cocreate survey` behave (a preset, `clean` or
//! `typical`, and any of its rates set explicitly) and the weeks of a panel survey. Resolved
//! into [`crate::survey::Settings`]; every value is checked with its allowed range.

use serde::{Deserialize, Serialize};

use super::diagnostics;
use crate::survey::{Construct, Settings};

/// Preset respondent behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Idealised respondents: the plain measurement model.
    Clean,
    /// Rates from the literature (docs/ODD.md, "Respondent behaviour").
    #[default]
    Typical,
}

/// The `[survey]` table as written: a preset and optional explicit values that replace the
/// preset's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SurveySpec {
    pub preset: Preset,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub straight_lining: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub random: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patterned: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acquiescence_sd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extreme_sd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub midpoint_sd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method_share: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_mcar: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_mar: Option<f64>,
    /// Code of the construct driving skips at random (`PE`, `II`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_construct: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loading_sd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intercept_sd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverse_keyed: Option<bool>,
    /// Weeks of a panel survey's waves, increasing (empty: a cross-sectional survey).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waves: Vec<u32>,
}

/// Upper bounds of the numeric keys (lower bound 0 for all).
const LIMITS: [(&str, f64); 11] = [
    ("straight_lining", 1.0),
    ("random", 1.0),
    ("patterned", 1.0),
    ("acquiescence_sd", 3.0),
    ("extreme_sd", 2.0),
    ("midpoint_sd", 3.0),
    ("method_share", 0.9),
    ("missing_mcar", 1.0),
    ("missing_mar", 1.0),
    ("loading_sd", 0.5),
    ("intercept_sd", 3.0),
];

impl SurveySpec {
    fn values(&self) -> [Option<f64>; 11] {
        [
            self.straight_lining,
            self.random,
            self.patterned,
            self.acquiescence_sd,
            self.extreme_sd,
            self.midpoint_sd,
            self.method_share,
            self.missing_mcar,
            self.missing_mar,
            self.loading_sd,
            self.intercept_sd,
        ]
    }

    /// The resolved settings, or the problems as (key path, message) pairs.
    pub fn resolve(&self, ticks: u32) -> Result<Settings, Vec<(String, String)>> {
        let mut issues = Vec::new();
        for ((key, max), value) in LIMITS.iter().zip(self.values()) {
            if let Some(x) = value
                && !(x.is_finite() && (0.0..=*max).contains(&x))
            {
                issues.push((
                    format!("survey.{key}"),
                    format!("must be between 0 and {max}, got {x}"),
                ));
            }
        }
        let base = match self.preset {
            Preset::Clean => Settings::CLEAN,
            Preset::Typical => Settings::TYPICAL,
        };
        let or = |value: Option<f64>, default: f64| value.unwrap_or(default);
        let mut settings = Settings {
            straight_lining: or(self.straight_lining, base.straight_lining),
            random: or(self.random, base.random),
            patterned: or(self.patterned, base.patterned),
            acquiescence_sd: or(self.acquiescence_sd, base.acquiescence_sd),
            extreme_sd: or(self.extreme_sd, base.extreme_sd),
            midpoint_sd: or(self.midpoint_sd, base.midpoint_sd),
            method_share: or(self.method_share, base.method_share),
            missing_mcar: or(self.missing_mcar, base.missing_mcar),
            missing_mar: or(self.missing_mar, base.missing_mar),
            missing_construct: base.missing_construct,
            loading_sd: or(self.loading_sd, base.loading_sd),
            intercept_sd: or(self.intercept_sd, base.intercept_sd),
            reverse_keyed: self.reverse_keyed.unwrap_or(base.reverse_keyed),
        };
        if let Some(code) = &self.missing_construct {
            match Construct::ALL.iter().find(|c| c.code() == code.as_str()) {
                Some(&construct) => settings.missing_construct = construct,
                None => {
                    let codes: Vec<&str> = Construct::ALL.iter().map(|c| c.code()).collect();
                    let hint = diagnostics::closest(&code.to_uppercase(), &codes)
                        .map(|c| format!(" (did you mean \"{c}\"?)"))
                        .unwrap_or_default();
                    issues.push((
                        "survey.missing_construct".to_owned(),
                        format!(
                            "unknown construct {code:?}{hint}; expected one of {}",
                            codes.join(", ")
                        ),
                    ));
                }
            }
        }
        if settings.careless() > 1.0 + 1e-12 {
            let key = ["straight_lining", "random", "patterned"]
                .into_iter()
                .zip([self.straight_lining, self.random, self.patterned])
                .filter(|(_, v)| v.is_some())
                .map(|(k, _)| k)
                .next_back()
                .unwrap_or("straight_lining");
            issues.push((
                format!("survey.{key}"),
                format!(
                    "straight_lining + random + patterned must be at most 1, got {}",
                    settings.careless()
                ),
            ));
        }
        if settings.missing_mcar + settings.missing_mar > 1.0 + 1e-12 {
            let key = if self.missing_mar.is_some() {
                "missing_mar"
            } else {
                "missing_mcar"
            };
            issues.push((
                format!("survey.{key}"),
                format!(
                    "missing_mcar + missing_mar must be at most 1, got {}",
                    settings.missing_mcar + settings.missing_mar
                ),
            ));
        }
        for (k, &week) in self.waves.iter().enumerate() {
            if week == 0 || week > ticks {
                issues.push((
                    format!("survey.waves.{k}"),
                    format!(
                        "must be a week between 1 and the scenario's ticks ({ticks}), got {week}"
                    ),
                ));
            } else if k > 0 && week <= self.waves[k - 1] {
                issues.push((
                    format!("survey.waves.{k}"),
                    format!(
                        "waves must be increasing weeks, got {week} after {}",
                        self.waves[k - 1]
                    ),
                ));
            }
        }
        if issues.is_empty() {
            Ok(settings)
        } else {
            Err(issues)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_resolve_and_explicit_values_replace_them() {
        let spec = SurveySpec::default();
        assert_eq!(spec.resolve(260), Ok(Settings::TYPICAL));
        let clean = SurveySpec {
            preset: Preset::Clean,
            ..SurveySpec::default()
        };
        assert!(clean.resolve(260).unwrap().is_clean());
        let mixed = SurveySpec {
            preset: Preset::Clean,
            method_share: Some(0.3),
            missing_construct: Some("LOY".into()),
            ..SurveySpec::default()
        };
        let settings = mixed.resolve(260).unwrap();
        assert_eq!(settings.method_share, 0.3);
        assert_eq!(settings.missing_construct, Construct::Loyalty);
        assert_eq!(settings.random, 0.0);
    }

    #[test]
    fn bad_values_are_named_with_their_range() {
        let spec = SurveySpec {
            random: Some(1.5),
            method_share: Some(f64::NAN),
            missing_construct: Some("pvx".into()),
            waves: vec![156, 100, 300],
            ..SurveySpec::default()
        };
        let issues = spec.resolve(260).unwrap_err();
        let text = format!("{issues:?}");
        assert!(text.contains("survey.random"), "{text}");
        assert!(text.contains("between 0 and 1, got 1.5"), "{text}");
        assert!(text.contains("survey.method_share"), "{text}");
        assert!(text.contains("did you mean \\\"PVC\\\""), "{text}");
        assert!(text.contains("survey.waves.1"), "{text}");
        assert!(text.contains("survey.waves.2"), "{text}");
        let too_careless = SurveySpec {
            random: Some(0.6),
            straight_lining: Some(0.6),
            ..SurveySpec::default()
        };
        let issues = too_careless.resolve(260).unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].0, "survey.random");
    }
}
