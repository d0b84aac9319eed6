# The R coverage numbers that PropertyTests.Known_parameters_are_recovered cites for its bands:
# the coverage of the 95% CI of the slope change by Newey-West (lag 3, Stata scaling) and by
# Stata's Prais-Winsten, on the test's own design.
#
# Design (as PropertyTests.Simulate with n = 96, breakAt = 48): months from 2016-01, interruption
# at month 48 (2020-01), y_t = 50 + 0.3 t - 3 [t >= 48] - 0.2 (t - 48) [t >= 48]
# + 2 sin(2 pi (t mod 12 + 1) / 12) + u_t, with AR(1) noise u, rho = 0.4, unit innovations and a
# stationary start. The model is the kit's: level and slope change, one Fourier pair
# (seasonality fourier:1), t intervals on the residual df. 2,000 replicates from a fixed seed.
#
# How to run (from the repository root):   Rscript tests/reference/property-coverage.R [replicates]
# Prints the coverage of each estimator with its Monte Carlo SE. Needs sandwich.

suppressPackageStartupMessages(library(sandwich))
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "prais.R"))

args <- commandArgs(trailingOnly = TRUE)
replicates <- if (length(args)) as.integer(args[1]) else 2000L
n <- 96L
rho <- 0.4
slope_change <- -0.2

periods <- period_labels("month", 2016L, 1L, n)
X <- make_design(make_series("month", periods, NULL), "2020-01", "level+slope", "fourier:1", character(0))
t <- 0:(n - 1)
mean_y <- 50 + 0.3 * t + ifelse(t >= 48, -3 + slope_change * (t - 48), 0) + 2 * sin(2 * pi * (t %% 12 + 1) / 12)

# The slope change's estimate, SE and residual df by each estimator.
estimators <- list(
  "newey:3" = function(y) {
    fit <- lm(y ~ X - 1)
    V <- NeweyWest(fit, lag = 3, prewhite = FALSE, adjust = TRUE)
    list(b = unname(coef(fit)[4]), se = sqrt(V[4, 4]), df = fit$df.residual)
  },
  prais = function(y) {
    fit <- prais_fit(y, X)
    list(b = unname(fit$coef["slope1"]), se = sqrt(fit$vcov["slope1", "slope1"]), df = fit$df)
  })
stopifnot(colnames(X)[4] == "slope1")

set.seed(20240701)
covered <- setNames(numeric(length(estimators)), names(estimators))
for (r in seq_len(replicates)) {
  u <- numeric(n)
  u[1] <- rnorm(1) / sqrt(1 - rho^2)
  for (i in 2:n) u[i] <- rho * u[i - 1] + rnorm(1)
  y <- mean_y + u
  for (m in names(estimators)) {
    f <- estimators[[m]](y)
    covered[m] <- covered[m] + (abs(f$b - slope_change) <= qt(0.975, f$df) * f$se)
  }
}
for (m in names(estimators)) {
  p <- covered[m] / replicates
  cat(sprintf("%-8s covers the slope change in %.1f%% of %d replicates (Monte Carlo SE %.1f points)\n",
              m, 100 * p, replicates, 100 * sqrt(p * (1 - p) / replicates)))
}
