//! Experiment layer: replications, seeds, parallelism, summaries and regimes.
