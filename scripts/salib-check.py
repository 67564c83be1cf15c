#!/usr/bin/env python3
"""Recomputes a Morris or Sobol sweep's indices with SALib from its points.csv and compares
them with cocreate's sensitivity.csv (one firm). Not part of CI: it needs SALib
(`python3 -m venv /tmp/venv && /tmp/venv/bin/pip install SALib pandas`).

Usage: salib-check.py DIR [DIR...]   (each DIR a finished `cocreate sweep` output directory)

Point estimates (Morris mu, mu*, sigma; Sobol S1, ST) must agree to floating-point precision.
The bootstrap intervals agree only in distribution (different random draws); the script prints
the ratio of cocreate's half-widths to SALib's.
"""
import sys

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol


def check(directory):
    points = pd.read_csv(f"{directory}/points.csv")
    ours = pd.read_csv(f"{directory}/sensitivity.csv")
    kind = "morris" if "mu_star" in ours.columns else "sobol"
    factors = list(ours["factor"].unique())
    problem = {
        "num_vars": len(factors),
        "names": factors,
        "bounds": [[points[f].min(), points[f].max()] for f in factors],
    }
    worst, ratios = 0.0, []
    for outcome in ours["outcome"].unique():
        column = "share_virtuous" if outcome == "share_virtuous" else f"{outcome}_mean"
        y = points[column].to_numpy(dtype=float)
        mine = ours[ours["outcome"] == outcome].set_index("factor")
        if kind == "morris":
            x = points[factors].to_numpy(dtype=float)
            result = morris.analyze(problem, x, y, num_levels=4, num_resamples=1000, seed=1)
            names, conf = ["mu", "mu_star", "sigma"], "mu_star_conf"
        else:
            if np.var(y) == 0:
                continue
            result = sobol.analyze(problem, y, calc_second_order=False, num_resamples=1000, seed=1)
            names, conf = ["S1", "ST"], "ST_conf"
        for name in names:
            for factor, theirs in zip(factors, result[name]):
                worst = max(worst, abs(mine.loc[factor, name] - theirs) / (1 + abs(theirs)))
        ratios += [a / b for a, b in zip(mine.loc[factors, conf], result[conf]) if b > 0]
    print(
        f"{directory} ({kind}): largest relative difference of point estimates {worst:.1e}; "
        f"bootstrap half-widths cocreate/SALib from {min(ratios):.2f} to {max(ratios):.2f}"
    )
    return worst < 1e-9


if __name__ == "__main__":
    sys.exit(0 if all([check(d) for d in sys.argv[1:]]) else 1)
