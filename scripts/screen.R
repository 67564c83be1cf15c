# Careless-responding screens from the answers alone (no ground truth), shared by
# scripts/screen-careless.R (which scores them against latent.csv) and scripts/fit-sem.R --screen
# (which drops the flagged respondents before fitting, as a careful study does):
#   long-string analysis: the longest run of identical consecutive answers in questionnaire
#     order, skipped items passed over (Johnson 2005; Meade & Craig 2012);
#   Mahalanobis distance: D^2 of a respondent's answered items from the sample's means, with
#     the pairwise-complete covariance, p against chi-square with as many df as items answered
#     (Meade & Craig 2012; Curran 2016).
# Source it and call careless_screens(items) with the item columns of survey.csv.

longest_run <- function(x) {
  x <- x[!is.na(x)]
  if (length(x) == 0) return(0)
  max(rle(x)$lengths)
}

careless_screens <- function(items, long_string_cutoff = 15, mahalanobis_alpha = 0.001) {
  items <- as.matrix(items)
  long_string <- apply(items, 1, longest_run)
  centre <- colMeans(items, na.rm = TRUE)
  covariance <- cov(items, use = "pairwise.complete.obs")
  mahalanobis_p <- sapply(seq_len(nrow(items)), function(i) {
    seen <- !is.na(items[i, ])
    d <- items[i, seen] - centre[seen]
    d2 <- as.numeric(t(d) %*% solve(covariance[seen, seen], d))
    pchisq(d2, df = sum(seen), lower.tail = FALSE)
  })
  list(long_string = long_string >= long_string_cutoff,
       mahalanobis = mahalanobis_p < mahalanobis_alpha)
}
