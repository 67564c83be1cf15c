#!/usr/bin/env Rscript
# The truth behind a panel design: for panel surveys (`cocreate survey --waves ...`, one
# directory per seed), least squares, standardised, of each construct's latent score at wave
# w + 1 on all four at wave w (panel_latent.csv, members present at both waves), and the
# variance inflation factors of the four wave-w scores. Prints, per lag (first, second), the
# range over the directories of the paths the model's causal structure predicts (PE -> EV,
# PE -> PVC positive; EV -> PVC, SV -> PVC negative; PVC -> PE, EV, SV about 0), their t
# statistics, EV's autoregression and EV's VIF, and in how many directories every predicted
# sign is significant (|t| > 1.96) at both lags. Then it fits the cross-lagged panel model
# (panel.lav) to the latent scores themselves, as scripts/fit-panel.R fits it to composites
# (full-information ML, attrition), and counts the directories where fit-panel.R's checks hold
# on the truth: a design whose truth fails them cannot be expected to pass them from answers.
# docs/ODD.md ("Choice of lag") chose the panel design from this, before fitting any answers.
# With --reliability R (0 < R < 1), the model is fitted instead to the latent scores plus
# independent normal error whose variance is (1 - R) / R times the score's wave-1 variance (R is
# then each score's reliability; set.seed(11) per directory), to show how much measurement
# error the checks tolerate ("Panel surveys", the last paragraphs). Not a check.
#
# Usage: Rscript scripts/panel-lags.R [--reliability R] PANEL_DIR [PANEL_DIR ...]
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
reliability <- 1
if (length(args) >= 2 && args[1] == "--reliability") {
  reliability <- as.numeric(args[2])
  args <- args[-(1:2)]
}
if (length(args) < 1 || is.na(reliability) || reliability <= 0 || reliability > 1) {
  cat("usage: Rscript scripts/panel-lags.R [--reliability R] PANEL_DIR [PANEL_DIR ...]\n",
      file = stderr())
  quit(status = 2)
}
cs <- c("PE", "EV", "SV", "PVC")
rows <- list()
for (dir in args) {
  d <- read.csv(file.path(dir, "panel_latent.csv"))
  waves <- sort(unique(d$wave))
  for (w in waves[-length(waves)]) {
    m <- merge(d[d$wave == w, c("respondent", cs)], d[d$wave == w + 1, c("respondent", cs)],
               by = "respondent", suffixes = c("_0", "_1"))
    x <- scale(as.matrix(m[, paste0(cs, "_0")]))
    colnames(x) <- cs
    row <- list(dir = dir, lag = w, n = nrow(m))
    for (to in cs) {
      f <- summary(lm(scale(m[[paste0(to, "_1")]]) ~ x))$coefficients
      for (from in cs) {
        row[[paste0(from, ">", to)]] <- f[paste0("x", from), 1]
        row[[paste0("t ", from, ">", to)]] <- f[paste0("x", from), 3]
      }
    }
    row[["VIF EV"]] <- diag(solve(cor(x)))[["EV"]]
    rows[[length(rows) + 1]] <- as.data.frame(row, check.names = FALSE)
  }
}
r <- do.call(rbind, rows)
shown <- c("PE>EV", "PE>PVC", "EV>PVC", "SV>PVC", "PVC>PE", "PVC>EV", "PVC>SV", "EV>EV",
           "t PE>EV", "t PE>PVC", "t EV>PVC", "t SV>PVC", "VIF EV")
for (lag in 1:2) {
  s <- r[r$lag == lag, ]
  if (nrow(s) == 0) next
  cat(sprintf("lag %d (waves %d -> %d), %d to %d members\n", lag, lag, lag + 1, min(s$n), max(s$n)))
  for (k in shown) cat(sprintf("  %-9s %+7.2f to %+7.2f\n", k, min(s[[k]]), max(s[[k]])))
}
weakest <- pmin(r$`t PE>EV`, r$`t PE>PVC`, -r$`t EV>PVC`, -r$`t SV>PVC`)
signs <- tapply(weakest > 1.96, r$dir, all)
cat(sprintf("every predicted sign significant at every lag in %d of %d panels (weakest t %.2f)\n",
            sum(signs), length(signs), min(weakest)))

# fit-panel.R's checks on the truth: PE -> EV positive, p < .05; no positive significant
# PVC -> PE, EV, SV or EV, SV -> PVC; at every lag.
checks <- sapply(args, function(dir) {
  d <- read.csv(file.path(dir, "panel_latent.csv"))
  model <- paste0(paste(readLines(file.path(dir, "panel.lav")), collapse = "\n"), "\n")
  waves <- sort(unique(d$wave))
  wide <- data.frame(respondent = sort(unique(d$respondent)))
  set.seed(11)
  for (c in cs) {
    scale_c <- sd(d[[c]][d$wave == waves[1]])
    for (w in waves) {
      part <- d[d$wave == w, ]
      x <- part[[c]] / scale_c + rnorm(nrow(part), 0, sqrt((1 - reliability) / reliability))
      wide[[paste0(c, "_", w)]] <- x[match(wide$respondent, part$respondent)]
    }
  }
  fit <- sem(model, data = wide, missing = "ml", fixed.x = FALSE)
  s <- standardizedSolution(fit)
  s <- s[s$op == "~", ]
  path <- function(from, to, w) s[s$lhs == paste0(to, "_", w) & s$rhs == paste0(from, "_", w - 1), ]
  failures <- character(0)
  for (w in waves[-1]) {
    p <- path("PE", "EV", w)
    if (!(p$est.std > 0 && p$pvalue < 0.05)) failures <- c(failures, sprintf("PE -> EV_%d %+.3f", w, p$est.std))
    for (pair in list(c("PVC", "PE"), c("PVC", "EV"), c("PVC", "SV"), c("EV", "PVC"), c("SV", "PVC"))) {
      p <- path(pair[1], pair[2], w)
      if (p$est.std > 0 && p$pvalue < 0.05) {
        failures <- c(failures, sprintf("%s -> %s_%d %+.3f (p %.3f)", pair[1], pair[2], w, p$est.std, p$pvalue))
      }
    }
  }
  if (length(failures) > 0) cat(sprintf("  %s: on the truth, fails %s\n", dir, paste(failures, collapse = "; ")))
  length(failures) == 0
})
cat(sprintf("fit-panel.R's checks hold on the truth%s in %d of %d panels\n",
            if (reliability < 1) sprintf(" (plus error, reliability %.2f)", reliability) else "",
            sum(checks), length(checks)))
cat(sprintf("both in %d of %d panels\n", sum(signs[args] & checks), length(checks)))
