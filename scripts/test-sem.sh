#!/usr/bin/env bash
# SEM check: fits the structural model of Huang & Suo (2021) with lavaan to 500 simulated
# respondents of the baseline (`cocreate survey`) and fails unless the model converges and the
# key paths are positive and significant (PE -> FV, PE -> EV, PE -> SV, EV -> PVC, SV -> PVC;
# p < 0.05). Prints the fit measures (CFI, RMSEA, SRMR) and the standardized paths.
#
# Installs R and lavaan from Debian's packages if Rscript or lavaan is missing (needs root).
# Uses the release binary that `cargo test --release` built (builds it if missing).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/cocreate

if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'library(lavaan)' >/dev/null 2>&1; then
    echo "installing R and lavaan from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends r-base-core r-cran-lavaan >/dev/null
fi

if [[ ! -x $BIN ]]; then
    cargo build --release --quiet
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$BIN" survey scenarios/baseline.toml --respondents 500 --out "$TMP/survey"
Rscript scripts/fit-sem.R "$TMP/survey" --extended

# Respondent behaviour (issue 15): the surveys above and below use the default `typical` preset
# (careless responding, response styles, common-method variance, skipped items; fit-sem.R then
# uses two-stage ML).
# Panel survey (issue 15): the same 500 respondents at weeks 156, 208 and 260 under the default
# `typical` respondent behaviour, with attrition; the cross-lagged panel model must recover the
# model's causal direction (participation drives later product engagement; experience value
# does not drive later participation: docs/ODD.md, "Panel surveys").
"$BIN" survey scenarios/baseline.toml --respondents 500 --waves 156,208,260 --out "$TMP/panel"
Rscript scripts/fit-panel.R "$TMP/panel"
