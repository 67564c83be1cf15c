#!/usr/bin/env Rscript
# Evaluates two careless-responding screens (scripts/screen.R, the ones fit-sem.R --screen
# applies) against the ground truth of `cocreate survey` (latent.csv: careless, careless_kind):
# long-string analysis (the longest run of identical consecutive answers, skipped items passed
# over; Johnson 2005; Meade & Craig 2012) and Mahalanobis distance (D^2 of a respondent's
# answered items from the sample's means, p < .001 against chi-square with as many df as items
# answered). Prints, per screen, how many
# respondents it flags, and how many of each kind of careless respondent it finds.
#
# Usage: Rscript scripts/screen-careless.R SURVEY_DIR [LONG_STRING_CUTOFF]
#   LONG_STRING_CUTOFF  flag respondents whose longest run is at least this long (default 15,
#                       half of the 30 items)
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) {
  cat("usage: Rscript scripts/screen-careless.R SURVEY_DIR [LONG_STRING_CUTOFF]\n",
      file = stderr())
  quit(status = 2)
}
dir <- args[1]
cutoff <- if (length(args) >= 2) as.numeric(args[2]) else 15
answers <- read.csv(file.path(dir, "survey.csv"))
truth <- read.csv(file.path(dir, "latent.csv"))
if (!"careless_kind" %in% names(truth)) {
  cat("latent.csv has no ground truth: survey with the `typical` preset (the default)\n")
  quit(status = 2)
}

here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1]))
source(file.path(here, "screen.R"))
flags <- careless_screens(answers[, read.csv(file.path(dir, "codebook.csv"))$item], cutoff)

screens <- list(flags$long_string, flags$mahalanobis)
names(screens) <- c(sprintf("long-string >= %g", cutoff), "Mahalanobis D^2, p < .001")
kinds <- c("straight_lining", "random", "patterned", "none")
cat(sprintf("%d respondents: %s\n", nrow(truth),
            paste(sprintf("%s %d", kinds, sapply(kinds, function(k) sum(truth$careless_kind == k))),
                  collapse = ", ")))
for (name in names(screens)) {
  flagged <- screens[[name]]
  found <- sapply(kinds, function(k) {
    who <- truth$careless_kind == k
    sprintf("%s %d/%d (%.0f%%)", k, sum(flagged & who), sum(who), 100 * mean(flagged[who]))
  })
  precision <- if (sum(flagged) > 0) 100 * mean(truth$careless[flagged] == 1) else NA
  cat(sprintf("%s: flags %d; finds %s; %.0f%% of the flagged are careless\n",
              name, sum(flagged), paste(found, collapse = ", "), precision))
}
