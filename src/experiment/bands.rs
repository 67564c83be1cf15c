//! Per-tick bands across replications: for each firm, metric and tick, the mean and the 95%
//! confidence interval of the mean.
//!
//! Replications are added one at a time (Welford's update), so memory holds one accumulator per
//! (firm, metric, tick) however many replications there are. Add replications in replication
//! order to keep results identical across thread counts.

use super::Replication;
use super::stats::Estimate;
use crate::model::FirmTick;

#[derive(Debug, Clone, Copy, Default)]
struct Welford {
    n: u32,
    mean: f64,
    m2: f64,
}

impl Welford {
    fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / f64::from(self.n);
        self.m2 += delta * (x - self.mean);
    }

    fn estimate(&self) -> Estimate {
        let n = self.n as usize;
        match n {
            0 => Estimate::of([]),
            1 => Estimate::of([self.mean]),
            _ => Estimate::with_t_interval(n, self.mean, (self.m2 / (n - 1) as f64).sqrt()),
        }
    }
}

/// Accumulates bands of chosen [`FirmTick`] columns over replications.
#[derive(Debug, Clone)]
pub struct Bands {
    metrics: Vec<&'static str>,
    /// Index of each metric in [`FirmTick::COLUMNS`].
    columns: Vec<usize>,
    firms: usize,
    ticks: usize,
    cells: Vec<Welford>,
}

impl Bands {
    /// Empty bands of every [`FirmTick`] column for `firms` firms over `ticks` observations
    /// (ticks 0..=T is T + 1).
    pub fn new(firms: usize, ticks: usize) -> Bands {
        Bands::with_metrics(&FirmTick::COLUMNS, firms, ticks)
    }

    /// Empty bands of the given metrics (names of [`FirmTick::COLUMNS`]; unknown names are
    /// dropped).
    pub fn with_metrics(metrics: &[&'static str], firms: usize, ticks: usize) -> Bands {
        let (metrics, columns): (Vec<&'static str>, Vec<usize>) = metrics
            .iter()
            .filter_map(|m| Some((*m, FirmTick::COLUMNS.iter().position(|c| c == m)?)))
            .unzip();
        Bands {
            cells: vec![Welford::default(); firms * metrics.len() * ticks],
            metrics,
            columns,
            firms,
            ticks,
        }
    }

    pub fn metrics(&self) -> &[&'static str] {
        &self.metrics
    }

    pub fn firms(&self) -> usize {
        self.firms
    }

    /// Adds one value of one replication (metric by its index in [`Bands::metrics`]).
    pub fn add_value(&mut self, firm: usize, metric: usize, tick: usize, value: f64) {
        if firm < self.firms && metric < self.metrics.len() && tick < self.ticks {
            let cell = self.cell(firm, metric, tick);
            self.cells[cell].add(value);
        }
    }

    pub fn from_replications(replications: &[Replication], firms: usize) -> Bands {
        let ticks = replications
            .first()
            .map_or(0, |r| r.series.len() / firms.max(1));
        let mut bands = Bands::new(firms, ticks);
        for replication in replications {
            bands.add(&replication.series);
        }
        bands
    }

    /// Adds one replication's tick-major series (`series[tick * firms + firm]`).
    pub fn add(&mut self, series: &[FirmTick]) {
        for (index, observation) in series.iter().enumerate().take(self.firms * self.ticks) {
            let (tick, firm) = (index / self.firms, index % self.firms);
            let values = observation.values();
            for metric in 0..self.columns.len() {
                let cell = self.cell(firm, metric, tick);
                self.cells[cell].add(values[self.columns[metric]]);
            }
        }
    }

    fn cell(&self, firm: usize, metric: usize, tick: usize) -> usize {
        (firm * self.metrics.len() + metric) * self.ticks + tick
    }

    pub fn ticks(&self) -> usize {
        self.ticks
    }

    /// The band of one firm's metric (a [`FirmTick::COLUMNS`] name) over ticks; None for an
    /// unknown metric.
    pub fn series(&self, firm: usize, metric: &str) -> Option<Vec<Estimate>> {
        let metric = self.metrics.iter().position(|c| *c == metric)?;
        Some(
            (0..self.ticks)
                .map(|tick| self.cells[self.cell(firm, metric, tick)].estimate())
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_the_direct_estimate() {
        let values = [0.3, 0.5, 0.9, 0.1, 0.45];
        let mut w = Welford::default();
        values.iter().for_each(|&v| w.add(v));
        let direct = Estimate::of(values);
        let incremental = w.estimate();
        assert!((direct.mean - incremental.mean).abs() < 1e-12);
        assert!((direct.lo - incremental.lo).abs() < 1e-12);
    }

    #[test]
    fn bands_separate_firms_and_ticks() {
        let tick = |t: u32, loyalty: f64| FirmTick {
            tick: t,
            loyalty,
            ..FirmTick::default()
        };
        let mut bands = Bands::new(2, 2);
        bands.add(&[tick(0, 0.1), tick(0, 0.9), tick(1, 0.2), tick(1, 0.8)]);
        bands.add(&[tick(0, 0.3), tick(0, 0.7), tick(1, 0.4), tick(1, 0.6)]);
        let firm0 = bands.series(0, "loyalty").unwrap();
        let firm1 = bands.series(1, "loyalty").unwrap();
        assert!((firm0[0].mean - 0.2).abs() < 1e-12 && (firm0[1].mean - 0.3).abs() < 1e-12);
        assert!((firm1[0].mean - 0.8).abs() < 1e-12 && (firm1[1].mean - 0.7).abs() < 1e-12);
        assert!(bands.series(0, "nope").is_none());
    }
}
