# Reference fixture for the meta-analysis of unit estimates in a panel summary (Its.Batch.PanelSummary).
#
# What: fixed-effect (inverse-variance) and DerSimonian-Laird random-effects pooling of unit
# estimates with their standard errors, by metafor::rma(yi, sei = sei, method = "FE") and
# method = "DL", written to tests/reference/meta.json: the pooled estimates, SEs, 95% CIs, tau^2,
# Cochran's Q and I^2 (percent).
#
# How to run (from the repository root):
#   Rscript tests/reference/meta.R
#
# Cases: heterogeneous level changes of 12 units (tau^2 > 0); homogeneous estimates whose Q is
# below its df (tau^2 truncated at 0); two units. Inputs are fixed numbers, so the output is
# deterministic. Needs metafor (Debian r-cran-metafor) and jsonlite.

suppressPackageStartupMessages({ library(metafor); library(jsonlite) })

cases <- list(
  list(name = "heterogeneous",
       yi = c(12.1, 8.4, 15.2, -2.3, 9.9, 20.5, 4.4, 11.0, 7.7, 13.3, 0.8, 16.6),
       sei = c(2.1, 3.4, 2.8, 4.0, 1.9, 5.2, 2.2, 3.1, 2.6, 1.7, 3.9, 4.4)),
  list(name = "homogeneous",
       yi = c(0.51, 0.49, 0.50, 0.52, 0.48, 0.50),
       sei = c(0.10, 0.12, 0.08, 0.15, 0.11, 0.09)),
  list(name = "two units", yi = c(-1.2, 2.5), sei = c(0.8, 1.1))
)

source(file.path("tests", "reference", "fixture.R"))

pooled <- function(fit) list(estimate = as.numeric(fit$beta), std_error = fit$se, ci = c(fit$ci.lb, fit$ci.ub))

out <- lapply(cases, function(case) {
  fe <- rma(yi = case$yi, sei = case$sei, method = "FE")
  dl <- rma(yi = case$yi, sei = case$sei, method = "DL")
  fixture_case(
    case$name, kind = "meta-analysis",
    call = 'metafor::rma(yi, sei = sei, method = "FE"); metafor::rma(yi, sei = sei, method = "DL")',
    data = list(estimates = case$yi, std_errors = case$sei),
    spec = NULL,
    expected = list(fixed_effect = pooled(fe), random_effects = pooled(dl), tau2 = dl$tau2, q = dl$QE, i2 = dl$I2),
    # Closed forms: only rounding separates them (the fixture prints 15 digits).
    tolerance = list(default = tolerance(1e-10, "closed form: only rounding separates them")))
})

write_fixture(file.path("tests", "reference", "meta.json"), "meta.R",
  "Fixed-effect and DerSimonian-Laird pooling of unit estimates (metafor::rma); see meta.R",
  list(r = R.version.string, metafor = as.character(packageVersion("metafor"))),
  out)
