#!/usr/bin/env Rscript
# The truth behind a panel design: for panel surveys (`cocreate survey --waves ...`, one
# directory per seed), least squares, standardised, of each construct's latent score at wave
# w + 1 on all four at wave w (panel_latent.csv, members present at both waves), and the
# variance inflation factors of the four wave-w scores. Prints, per lag (first, second), the
# range over the directories of the paths the model's causal structure predicts (PE -> EV,
# PE -> PVC positive; EV -> PVC, SV -> PVC negative; PVC -> PE, EV, SV about 0), their t
# statistics, EV's autoregression and EV's VIF, and in how many directories every predicted
# sign is significant (|t| > 1.96) at both lags. docs/ODD.md ("Choice of lag") chose the panel
# design from this, before fitting any answers. Not a check.
#
# Usage: Rscript scripts/panel-lags.R PANEL_DIR [PANEL_DIR ...]
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) {
  cat("usage: Rscript scripts/panel-lags.R PANEL_DIR [PANEL_DIR ...]\n", file = stderr())
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
held <- tapply(weakest > 1.96, r$dir, all)
cat(sprintf("every predicted sign significant at every lag in %d of %d panels (weakest t %.2f)\n",
            sum(held), length(held), min(weakest)))
