#!/usr/bin/env Rscript
# Compares estimators of the cross-lagged panel model (PE, EV, SV, PVC; waves w -> w + 1) on
# panel surveys (`cocreate survey --waves ...`) with the truth on the same respondents: least
# squares, standardised, of each construct's latent score at wave w + 1 on all four at wave w
# (panel_latent.csv, members present at both waves). Not a check: it prints, per directory, the
# estimator's standardised paths next to the truth and whether fit-panel.R's checks hold
# (PE -> EV positive, p < .05; no positive significant PVC -> PE, EV, SV or EV, SV -> PVC).
# docs/ODD.md ("Panel surveys") reports what it found.
#
# Estimators (--estimator):
#   composite  the composite-score CLPM of panel.lav (what fit-panel.R fits)
#   alpha      reliability-corrected single-indicator latent CLPM (Bollen 1989; Coffman &
#              MacCallum 2005): each construct-wave is a latent variable whose composite is its
#              one indicator, loading 1, error variance fixed at (1 - alpha) x variance, with
#              Cronbach's alpha per construct and wave
#   omega      the same with McDonald's omega (one-factor model per construct and wave)
#   simplex    the single-indicator model with each construct's error variance free and equal
#              across waves (quasi-simplex; Wiley & Wiley 1970)
#   ar2        the composite CLPM plus second-order autoregressions (wave 1 -> wave 3)
#   twostep    items as indicators, loadings and residual variances fixed from a per-wave
#              four-factor CFA (slow: about a minute per panel)
#   croon      regression factor scores of that CFA, their covariances corrected by Croon (2002),
#              then least squares on the corrected matrix (point estimates only)
# Options:
#   --screen         drop interviews flagged by scripts/screen.R (long-string, Mahalanobis), per wave
#   --oracle-careless  drop the interviews latent.csv marks careless (uses the truth)
#   --oracle-method    partial the true method factor out of each composite (uses the truth)
#
# Usage: Rscript scripts/panel-estimators.R --estimator NAME [options] PANEL_DIR [PANEL_DIR ...]
suppressPackageStartupMessages(library(lavaan))

args <- commandArgs(trailingOnly = TRUE)
estimator <- "composite"
screen <- FALSE
oracle_careless <- FALSE
oracle_method <- FALSE
dirs <- character(0)
i <- 1
while (i <= length(args)) {
  a <- args[i]
  if (a == "--estimator") {
    estimator <- args[i + 1]; i <- i + 1
  } else if (a == "--screen") {
    screen <- TRUE
  } else if (a == "--oracle-careless") {
    oracle_careless <- TRUE
  } else if (a == "--oracle-method") {
    oracle_method <- TRUE
  } else {
    dirs <- c(dirs, a)
  }
  i <- i + 1
}
known <- c("composite", "alpha", "omega", "simplex", "ar2", "twostep", "croon")
if (length(dirs) < 1 || !(estimator %in% known)) {
  cat("usage: Rscript scripts/panel-estimators.R --estimator {", paste(known, collapse = "|"),
      "} [--screen] [--oracle-careless] [--oracle-method] PANEL_DIR ...\n", file = stderr())
  quit(status = 2)
}
script_dir <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(script_dir, "screen.R"))
cs <- c("PE", "EV", "SV", "PVC")
checked <- list(c("PVC", "PE"), c("PVC", "EV"), c("PVC", "SV"), c("EV", "PVC"), c("SV", "PVC"))
shown <- list(c("PE", "EV"), c("PE", "PVC"), c("EV", "PVC"), c("SV", "PVC"), c("PVC", "PVC"),
              c("PVC", "PE"), c("PVC", "EV"), c("PVC", "SV"))

cronbach <- function(x) {
  x <- x[complete.cases(x), , drop = FALSE]
  k <- ncol(x)
  k / (k - 1) * (1 - sum(apply(x, 2, var)) / var(rowSums(x)))
}
mcdonald <- function(x) {
  d <- as.data.frame(x); names(d) <- paste0("i", seq_len(ncol(d)))
  f <- cfa(paste("f =~", paste(names(d), collapse = " + ")), data = d, missing = "ml", std.lv = TRUE)
  p <- parameterEstimates(f)
  l <- p$est[p$op == "=~"]
  e <- p$est[p$op == "~~" & p$lhs == p$rhs & p$lhs != "f"]
  sum(l)^2 / (sum(l)^2 + sum(e))
}

# Standardised least squares on the latent scores: data frame lag, to, from, b, t.
truth <- function(latent) {
  waves <- sort(unique(latent$wave))
  out <- list()
  for (w in waves[-length(waves)]) {
    m <- merge(latent[latent$wave == w, c("respondent", cs)],
               latent[latent$wave == w + 1, c("respondent", cs)],
               by = "respondent", suffixes = c("_0", "_1"))
    for (to in cs) {
      f <- lm(scale(m[[paste0(to, "_1")]]) ~ scale(m$PE_0) + scale(m$EV_0) + scale(m$SV_0) +
                scale(m$PVC_0))
      s <- summary(f)$coefficients[-1, ]
      for (k in 1:4) out[[length(out) + 1]] <- data.frame(lag = w, to = to, from = cs[k],
                                                          b = s[k, 1], t = s[k, 3])
    }
  }
  do.call(rbind, out)
}

# Regressions of every construct at wave w on all four at wave w - 1, residuals covarying.
lagged <- function(waves, prefix, second_order = FALSE) {
  m <- ""
  for (w in waves[-1]) {
    for (c in cs) {
      rhs <- paste(sprintf("%s%s_%d", prefix, cs, w - 1), collapse = " + ")
      if (second_order && w > waves[2]) rhs <- paste0(rhs, sprintf(" + %s%s_%d", prefix, c, w - 2))
      m <- paste0(m, sprintf("%s%s_%d ~ %s\n", prefix, c, w, rhs))
    }
    for (a in 1:3) for (b in (a + 1):4) {
      m <- paste0(m, sprintf("%s%s_%d ~~ %s%s_%d\n", prefix, cs[a], w, prefix, cs[b], w))
    }
  }
  m
}

# Per-wave four-factor CFA of the 12 items: lambda, theta, psi and implied covariance.
wave_cfa <- function(items_of, d) {
  model <- paste(sapply(cs, function(c) sprintf("%s =~ %s", c, paste(items_of[[c]], collapse = " + "))),
                 collapse = "\n")
  f <- cfa(model, data = d, missing = "ml", std.lv = TRUE)
  est <- lavInspect(f, "est")
  list(lambda = est$lambda, theta = est$theta, psi = est$psi,
       sigma = lavInspect(f, "implied")$cov)
}

# Standardised paths (lhs, rhs, est, p) of one panel by one estimator, or NULL if not converged.
estimate <- function(long, items_of, waves) {
  scores <- data.frame(respondent = long$respondent, wave = long$wave)
  reliability <- list()
  for (c in cs) {
    x <- rowMeans(long[, items_of[[c]]], na.rm = TRUE)
    x[is.nan(x)] <- NA
    if (oracle_method) {
      for (w in waves) {
        r <- long$wave == w & !is.na(x)
        x[r] <- residuals(lm(x[r] ~ long$.method[r])) + mean(x[r])
      }
    }
    scores[[c]] <- x
    for (w in waves) {
      part <- long[long$wave == w, items_of[[c]]]
      reliability[[paste0(c, "_", w)]] <- switch(estimator, omega = mcdonald(part), cronbach(part))
    }
  }
  wide <- data.frame(respondent = sort(unique(scores$respondent)))
  for (w in waves) {
    part <- scores[scores$wave == w, ]
    for (c in cs) wide[[paste0(c, "_", w)]] <- part[[c]][match(wide$respondent, part$respondent)]
  }
  if (estimator == "croon") return(croon(long, items_of, waves))
  prefix <- ""
  m <- ""
  if (estimator %in% c("alpha", "omega", "simplex")) {
    prefix <- "L"
    for (w in waves) for (c in cs) {
      v <- paste0(c, "_", w)
      variance <- var(wide[[v]], na.rm = TRUE)
      error <- if (estimator == "simplex") {
        sprintf("e%s*%s + start(%.5f)*%s", c, v, 0.2 * variance, v)
      } else {
        sprintf("%.6f*%s", (1 - reliability[[v]]) * variance, v)
      }
      m <- paste0(m, sprintf("L%s =~ 1*%s\n%s ~~ %s\n", v, v, v, error))
    }
  } else if (estimator == "twostep") {
    items <- unlist(items_of)
    wide_items <- data.frame(respondent = wide$respondent)
    for (w in waves) {
      part <- long[long$wave == w, ]
      for (it in items) wide_items[[paste0(it, "_", w)]] <- part[[it]][match(wide$respondent, part$respondent)]
      fit <- wave_cfa(items_of, part[, items])
      for (c in cs) {
        lam <- fit$lambda[items_of[[c]], c]
        m <- paste0(m, sprintf("%s_%d =~ %s\n", c, w,
                               paste(sprintf("%.5f*%s_%d", lam, items_of[[c]], w), collapse = " + ")))
        for (it in items_of[[c]]) {
          m <- paste0(m, sprintf("%s_%d ~~ %.5f*%s_%d\n", it, w, fit$theta[it, it], it, w))
        }
      }
    }
    wide <- wide_items
  }
  m <- paste0(m, lagged(waves, prefix, second_order = estimator == "ar2"))
  fit <- tryCatch(suppressWarnings(sem(m, data = wide, missing = "ml", fixed.x = FALSE)),
                  error = function(e) NULL)
  if (is.null(fit) || !lavInspect(fit, "converged")) return(NULL)
  if (any(diag(lavInspect(fit, "cov.lv")) < 0)) return(NULL)
  s <- standardizedSolution(fit)
  s <- s[s$op == "~", ]
  data.frame(lhs = sub("^L", "", s$lhs), rhs = sub("^L", "", s$rhs), est = s$est.std, p = s$pvalue)
}

# Croon's correction of regression factor-score covariances, lag by lag (members at both waves).
croon <- function(long, items_of, waves) {
  items <- unlist(items_of)
  scores <- list(); product <- list(); error <- list()
  for (w in waves) {
    d <- long[long$wave == w, ]
    fit <- wave_cfa(items_of, d[, items])
    weights <- fit$psi %*% t(fit$lambda) %*% solve(fit$sigma)
    x <- as.matrix(d[, items])
    x <- sweep(x, 2, colMeans(x, na.rm = TRUE))
    x[is.na(x)] <- 0
    s <- x %*% t(weights)
    colnames(s) <- paste0(cs, "_", w)
    scores[[w]] <- data.frame(respondent = d$respondent, s)
    product[[w]] <- weights %*% fit$lambda
    error[[w]] <- weights %*% fit$theta %*% t(weights)
  }
  out <- list()
  for (w in waves[-1]) {
    m <- merge(scores[[w - 1]], scores[[w]], by = "respondent")
    v <- cov(m[, -1])
    a <- 1:4; b <- 5:8
    pa <- solve(product[[w - 1]]); pb <- solve(product[[w]])
    corrected <- matrix(0, 8, 8)
    corrected[a, a] <- pa %*% (v[a, a] - error[[w - 1]]) %*% t(pa)
    corrected[b, b] <- pb %*% (v[b, b] - error[[w]]) %*% t(pb)
    corrected[a, b] <- pa %*% v[a, b] %*% t(pb)
    corrected[b, a] <- t(corrected[a, b])
    r <- cov2cor(corrected)
    for (k in 1:4) {
      beta <- solve(r[a, a], r[a, 4 + k])
      out[[length(out) + 1]] <- data.frame(lhs = paste0(cs[k], "_", w),
                                           rhs = paste0(cs, "_", w - 1), est = beta, p = NA)
    }
  }
  do.call(rbind, out)
}

held <- 0
for (dir in dirs) {
  long <- read.csv(file.path(dir, "panel.csv"))
  codebook <- read.csv(file.path(dir, "codebook.csv"))
  latent <- read.csv(file.path(dir, "panel_latent.csv"))
  if ("keyed" %in% names(codebook)) {
    for (item in codebook$item[codebook$keyed == "-"]) long[[item]] <- 8 - long[[item]]
  }
  items_of <- lapply(setNames(cs, cs), function(c) codebook$item[codebook$construct == c])
  waves <- sort(unique(long$wave))
  row <- match(paste(long$respondent, long$wave), paste(latent$respondent, latent$wave))
  long$.method <- latent$method_factor[row]
  drop <- rep(FALSE, nrow(long))
  if (oracle_careless) drop <- drop | latent$careless[row] == 1
  if (screen) {
    for (w in waves) {
      r <- which(long$wave == w)
      flags <- careless_screens(long[r, codebook$item])
      drop[r] <- drop[r] | flags$long_string | flags$mahalanobis
    }
  }
  long[drop, codebook$item] <- NA
  long <- long[rowSums(!is.na(long[, unlist(items_of)])) > 0, ]
  paths <- estimate(long, items_of, waves)
  cat(sprintf("\n== %s: estimator %s%s%s%s ==\n", dir, estimator, if (screen) ", screened" else "",
              if (oracle_careless) ", true careless dropped" else "",
              if (oracle_method) ", true method factor partialled out" else ""))
  if (is.null(paths)) {
    cat("did not converge (or negative latent variances)\n")
    next
  }
  tr <- truth(latent)
  ok <- TRUE
  positive <- function(r) nrow(r) == 1 && !is.na(r$p) && r$est > 0 && r$p < 0.05
  for (w in waves[-1]) {
    for (pair in shown) {
      r <- paths[paths$lhs == paste0(pair[2], "_", w) & paths$rhs == paste0(pair[1], "_", w - 1), ]
      t <- tr[tr$lag == w - 1 & tr$to == pair[2] & tr$from == pair[1], ]
      cat(sprintf("  lag %d  %-3s -> %-3s  estimate %+7.3f  p %s | truth %+.3f (t %+.1f)\n", w - 1,
                  pair[1], pair[2], r$est, if (is.na(r$p)) "  -  " else sprintf("%.3f", r$p), t$b, t$t))
    }
    r <- paths[paths$lhs == paste0("EV_", w) & paths$rhs == paste0("PE_", w - 1), ]
    if (!positive(r)) ok <- FALSE
    for (pair in checked) {
      r <- paths[paths$lhs == paste0(pair[2], "_", w) & paths$rhs == paste0(pair[1], "_", w - 1), ]
      if (positive(r)) ok <- FALSE
    }
  }
  if (estimator == "croon") {
    cat("  (no p-values: the checks are not evaluated)\n")
  } else {
    cat(if (ok) "  fit-panel.R's checks hold\n" else "  fit-panel.R's checks fail\n")
    held <- held + ok
  }
}
if (estimator != "croon") cat(sprintf("\nchecks hold in %d of %d panels\n", held, length(dirs)))
