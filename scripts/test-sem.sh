#!/usr/bin/env bash
# SEM check: fits the structural model of Huang & Suo (2021) with lavaan to 502 simulated
# respondents (their sample size; `--preset clean`: answers without respondent misbehaviour)
# of the baseline and of scenarios/virtuous.toml, for five master
# seeds each (`cocreate survey --seed`), and fails unless, in at least 4 of the 5 seeds of each
# scenario, every finding of the study holds (scripts/fit-sem.R):
#   (a) PE -> FV, EV, SV positive, p < .05;
#   (b) II -> EV, SV positive, p < .05, and II -> FV not significant (p >= .05);
#   (c) EV, SV -> PVC positive, p < .05, and FV -> PVC not significant (p >= .05);
#   (d) the indirect effects II -> EV/SV -> PVC and PE -> EV/SV -> PVC positive, p < .05;
#   and the fit: CFI >= .95, RMSEA <= .06, SRMR <= .08.
# The seeds are 1-5 by default (SEM_SEEDS="..." to try others); they were not picked: the model
# was calibrated so that any five seeds pass (docs/ODD.md, "Survey measurement model").
#
# Installs R and lavaan from Debian's packages if Rscript or lavaan is missing (needs root).
# Uses the release binary that `cargo test --release` built (builds it if missing).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/cocreate
SEEDS=${SEM_SEEDS:-1 2 3 4 5}

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

status=0
# 1. The model's structure, measured cleanly (`--preset clean`: no careless respondents, response
#    styles, method factor or skipped items): all four findings and good fit.
for scenario in baseline virtuous; do
    dirs=()
    for seed in $SEEDS; do
        out="$TMP/$scenario/seed$seed"
        "$BIN" survey "scenarios/$scenario.toml" --respondents 502 --seed "$seed" --quiet \
            --preset clean --out "$out"
        dirs+=("$out")
    done
    extended=()
    [[ $scenario == baseline ]] && extended=(--extended)
    Rscript scripts/fit-sem.R --label "$scenario" "${extended[@]}" "${dirs[@]}" || status=1
done

# The checks of typical (messy) respondents and of the cross-lagged panel model were derived for
# the model before issue 11 and do not hold for the rewritten week yet (issue 15, open: under
# `typical`, common-method variance and careless answers make II -> FV significant and hide
# II -> EV; the panel prediction must be derived again). scripts/fit-sem.R --acceptable-fit and
# scripts/fit-panel.R are kept for that work; they are not part of this check until then.
exit $status
