#!/usr/bin/env Rscript
# Fits the cross-lagged panel model (panel.lav, written by `cocreate survey --waves`) to panel
# surveys (panel.csv, long format) with lavaan, one directory per seed, prints the fit and the
# standardized lagged paths, and checks in each the causal direction the model's own structure
# predicts (docs/ODD.md, "Panel surveys"), at every lag:
#   - product engagement drives later emotional value: PE -> EV positive, p < 0.05 (a week of
#     product engagement teaches functional and emotional value, ODD 7.4);
#   - participation does not drive later engagement or experience value: PVC -> PE, EV, SV not
#     positive and significant (its encounters move no construct much, and it is almost a trait);
#   - experience value does not raise later participation beyond last year's: EV -> PVC and
#     SV -> PVC not positive and significant (on the agents' states they are negative).
# Exits with status 1 unless every check holds in at least --min-pass of the directories
# (default: all but one).
#
# Composite scores: the mean of a construct's answered items at a wave (reverse-keyed items,
# `keyed` = "-" in codebook.csv, recoded as 8 - answer). Respondents lost to attrition keep
# their earlier waves (full-information ML).
#
# Usage: Rscript scripts/fit-panel.R [--min-pass K] PANEL_DIR [PANEL_DIR ...]
suppressPackageStartupMessages(library(lavaan))

args <- commandArgs(trailingOnly = TRUE)
min_pass <- NA
dirs <- character(0)
i <- 1
while (i <= length(args)) {
  if (args[i] == "--min-pass") {
    min_pass <- as.integer(args[i + 1]); i <- i + 1
  } else {
    dirs <- c(dirs, args[i])
  }
  i <- i + 1
}
if (length(dirs) < 1) {
  cat("usage: Rscript scripts/fit-panel.R [--min-pass K] PANEL_DIR [PANEL_DIR ...]\n",
      file = stderr())
  quit(status = 2)
}
if (is.na(min_pass)) min_pass <- max(1, length(dirs) - 1)
constructs <- c("PE", "EV", "SV", "PVC")

# The failed checks of one panel survey (character(0) if all hold).
check_dir <- function(dir) {
  long <- read.csv(file.path(dir, "panel.csv"))
  codebook <- read.csv(file.path(dir, "codebook.csv"))
  model <- paste0(paste(readLines(file.path(dir, "panel.lav")), collapse = "\n"), "\n")
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
  cat(sprintf("\n== %s: cross-lagged panel model, %d respondents, waves %s, interviewed %s ==\n",
              dir, nrow(wide), paste(waves, collapse = ","),
              paste(table(scores$wave), collapse = ",")))
  fit <- sem(model, data = wide, missing = "ml", fixed.x = FALSE)
  if (!lavInspect(fit, "converged")) return("the panel model did not converge")
  print(round(fitMeasures(fit, c("chisq", "df", "pvalue", "cfi", "rmsea", "srmr")), 3))
  std <- standardizedSolution(fit)
  paths <- std[std$op == "~", c("lhs", "op", "rhs", "est.std", "se", "z", "pvalue")]
  print(paths, digits = 3, row.names = FALSE)
  failures <- character(0)
  path <- function(to, from) paths[paths$lhs == to & paths$rhs == from, ]
  positive <- function(row) nrow(row) == 1 && row$est.std > 0 && row$pvalue < 0.05
  for (w in waves[-1]) {
    before <- w - 1
    label <- function(from, to) sprintf("%s_%d -> %s_%d", from, before, to, w)
    row <- path(paste0("EV_", w), paste0("PE_", before))
    if (!positive(row)) {
      failures <- c(failures, sprintf("%s: beta = %.3f, p = %.3g; expected positive, p < 0.05",
                                      label("PE", "EV"), row$est.std, row$pvalue))
    }
    for (pair in list(c("PVC", "PE"), c("PVC", "EV"), c("PVC", "SV"), c("EV", "PVC"),
                      c("SV", "PVC"))) {
      row <- path(paste0(pair[2], "_", w), paste0(pair[1], "_", before))
      if (nrow(row) != 1 || positive(row)) {
        failures <- c(failures, sprintf("%s: beta = %.3f, p = %.3g; the model predicts no positive effect",
                                        label(pair[1], pair[2]), row$est.std, row$pvalue))
      }
    }
  }
  if (length(failures) == 0) cat("all checks hold\n") else cat(paste0("  fails: ", failures, "\n"), sep = "")
  failures
}

results <- lapply(dirs, check_dir)
held <- sum(sapply(results, length) == 0)
cat(sprintf("\ncausal direction recovered in %d of %d panels (need %d)\n", held, length(dirs),
            min_pass))
if (held < min_pass) {
  cat("panel: FAIL\n")
  quit(status = 1)
}
cat("panel: the causal direction of the model is recovered\n")
