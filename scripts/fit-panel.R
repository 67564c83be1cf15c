#!/usr/bin/env Rscript
# Fits the cross-lagged panel model (panel.lav, written by `cocreate survey --waves`) to a panel
# survey (panel.csv, long format) with lavaan, prints the fit and the standardized lagged paths,
# and exits with status 1 unless the model converges and the cross-lagged paths show the causal
# direction the model's own structure predicts (docs/ODD.md, "Panel surveys"):
#   - participation drives later product engagement: PVC -> PE positive with p < 0.05 at every
#     lag (an encounter happens only when the customer takes part);
#   - experience value does not drive later participation: EV -> PVC and SV -> PVC not
#     positive and significant at any lag (participation is almost a trait; ODD).
#
# Composite scores: the mean of a construct's answered items at a wave (reverse-keyed items,
# `keyed` = "-" in codebook.csv, recoded as 8 - answer). Respondents lost to attrition keep
# their earlier waves (full-information ML).
#
# Usage: Rscript scripts/fit-panel.R PANEL_DIR
suppressPackageStartupMessages(library(lavaan))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) {
  cat("usage: Rscript scripts/fit-panel.R PANEL_DIR\n", file = stderr())
  quit(status = 2)
}
dir <- args[1]
long <- read.csv(file.path(dir, "panel.csv"))
codebook <- read.csv(file.path(dir, "codebook.csv"))
model <- paste0(paste(readLines(file.path(dir, "panel.lav")), collapse = "\n"), "\n")
constructs <- c("PE", "EV", "SV", "PVC")

if ("keyed" %in% names(codebook)) {
  for (item in codebook$item[codebook$keyed == "-"]) long[[item]] <- 8 - long[[item]]
}
scores <- data.frame(respondent = long$respondent, wave = long$wave)
for (c in constructs) {
  items <- codebook$item[codebook$construct == c]
  x <- rowMeans(long[, items], na.rm = TRUE)
  x[is.nan(x)] <- NA
  scores[[c]] <- x
}
waves <- sort(unique(scores$wave))
wide <- data.frame(respondent = sort(unique(scores$respondent)))
for (w in waves) {
  part <- scores[scores$wave == w, ]
  for (c in constructs) {
    wide[[paste0(c, "_", w)]] <- part[[c]][match(wide$respondent, part$respondent)]
  }
}
cat(sprintf("\n== cross-lagged panel model: %d respondents, waves %s, interviewed %s ==\n",
            nrow(wide), paste(waves, collapse = ","),
            paste(table(scores$wave), collapse = ",")))
fit <- sem(model, data = wide, missing = "ml", fixed.x = FALSE)
converged <- lavInspect(fit, "converged")
cat("converged:", converged, "\n")
if (!converged) {
  cat("FAIL: the panel model did not converge\n")
  quit(status = 1)
}
print(round(fitMeasures(fit, c("chisq", "df", "pvalue", "cfi", "rmsea", "srmr")), 3))
std <- standardizedSolution(fit)
paths <- std[std$op == "~", c("lhs", "op", "rhs", "est.std", "se", "z", "pvalue")]
cat("\nstandardized lagged paths:\n")
print(paths, digits = 3, row.names = FALSE)

failures <- character(0)
path <- function(to, from) paths[paths$lhs == to & paths$rhs == from, ]
for (w in waves[-1]) {
  before <- w - 1
  row <- path(paste0("PE_", w), paste0("PVC_", before))
  label <- sprintf("PVC_%d -> PE_%d", before, w)
  if (nrow(row) == 1 && row$est.std > 0 && row$pvalue < 0.05) {
    cat(sprintf("PASS: %s positive and significant (beta = %.3f, p = %.3g)\n",
                label, row$est.std, row$pvalue))
  } else {
    failures <- c(failures, sprintf("%s: expected positive, p < 0.05", label))
  }
  for (source in c("EV", "SV")) {
    row <- path(paste0("PVC_", w), paste0(source, "_", before))
    label <- sprintf("%s_%d -> PVC_%d", source, before, w)
    if (nrow(row) == 1 && !(row$est.std > 0 && row$pvalue < 0.05)) {
      cat(sprintf("PASS: %s not positive and significant (beta = %.3f, p = %.3g)\n",
                  label, row$est.std, row$pvalue))
    } else {
      failures <- c(failures, sprintf("%s: beta = %.3f, p = %.3g; the model predicts no positive effect",
                                      label, row$est.std, row$pvalue))
    }
  }
}
if (length(failures) > 0) {
  cat(paste0("FAIL: ", failures, "\n"), sep = "")
  quit(status = 1)
}
cat("panel: the causal direction of the model is recovered\n")
