#!/usr/bin/env Rscript
# Fits the structural model of Huang & Suo (2021) (model.lav, written by `cocreate survey`) to
# simulated respondents (survey.csv) with lavaan, prints the fit measures and standardized
# paths, and exits with status 1 unless the model converges and the key paths have the
# expected sign and are significant: PE -> FV, PE -> EV, PE -> SV, EV -> PVC, SV -> PVC
# positive with p < 0.05.
#
# Usage: Rscript scripts/fit-sem.R SURVEY_DIR [--extended]
#   --extended  also fits the optional block of model.lav (lines starting "#+ "): empowerment,
#               self-efficacy, satisfaction and loyalty (reported, not checked).
suppressPackageStartupMessages(library(lavaan))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) {
  cat("usage: Rscript scripts/fit-sem.R SURVEY_DIR [--extended]\n", file = stderr())
  quit(status = 2)
}
dir <- args[1]
extended <- "--extended" %in% args
data <- read.csv(file.path(dir, "survey.csv"))
model_lines <- readLines(file.path(dir, "model.lav"))
# Skipped items (empty cells, under the `typical` respondent behaviour): two-stage ML
# (Savalei & Bentler 2009; EM moments, then ML) keeps every respondent and, unlike casewise
# full-information ML, fits the 42-item extended model in seconds; complete data are fitted as
# before.
sem_missing <- if (anyNA(data)) "two.stage" else "listwise"

fit_model <- function(lines, label) {
  # lavaan strips a comment only up to a newline: end the text with one.
  fit <- sem(paste0(paste(lines, collapse = "\n"), "\n"), data = data,
             missing = sem_missing)
  cat(sprintf("\n== %s: %d respondents, lavaan %s ==\n", label, nrow(data),
              as.character(packageVersion("lavaan"))))
  converged <- lavInspect(fit, "converged")
  cat("converged:", converged, "\n")
  if (!converged) {
    return(list(fit = fit, converged = FALSE, paths = NULL))
  }
  measures <- fitMeasures(fit, c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr"))
  print(round(measures, 3))
  std <- standardizedSolution(fit)
  loadings <- std[std$op == "=~", c("lhs", "rhs", "est.std")]
  cat("\nstandardized loadings: min", round(min(loadings$est.std), 3),
      "max", round(max(loadings$est.std), 3), "\n")
  paths <- std[std$op == "~", c("lhs", "op", "rhs", "est.std", "se", "z", "pvalue")]
  cat("\nstandardized structural paths:\n")
  print(paths, digits = 3, row.names = FALSE)
  list(fit = fit, converged = TRUE, paths = paths)
}

core <- fit_model(model_lines, "Huang & Suo (2021) model")
failures <- character(0)
if (!core$converged) {
  failures <- c(failures, "the model did not converge")
} else {
  expected <- list(c("FV", "PE"), c("EV", "PE"), c("SV", "PE"), c("PVC", "EV"), c("PVC", "SV"))
  for (path in expected) {
    row <- core$paths[core$paths$lhs == path[1] & core$paths$rhs == path[2], ]
    label <- sprintf("%s -> %s", path[2], path[1])
    if (nrow(row) != 1) {
      failures <- c(failures, sprintf("%s: path missing from the model", label))
    } else if (!(row$est.std > 0 && row$pvalue < 0.05)) {
      failures <- c(failures, sprintf("%s: beta = %.3f, p = %.3g (expected positive, p < 0.05)",
                                      label, row$est.std, row$pvalue))
    } else {
      cat(sprintf("PASS: %s positive and significant (beta = %.3f, p = %.3g)\n",
                  label, row$est.std, row$pvalue))
    }
  }
}

if (extended) {
  lines <- sub("^#\\+ ", "", model_lines)
  invisible(fit_model(lines, "extended model (Fuller et al. 2009 block)"))
}

if (length(failures) > 0) {
  cat(paste0("FAIL: ", failures, "\n"), sep = "")
  quit(status = 1)
}
cat("sem: all key paths as expected\n")
