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

out <- lapply(cases, function(case) {
  fe <- rma(yi = case$yi, sei = case$sei, method = "FE")
  dl <- rma(yi = case$yi, sei = case$sei, method = "DL")
  list(name = case$name, call = "metafor::rma(yi, sei = sei, method = 'FE' / 'DL')",
       yi = case$yi, sei = case$sei,
       fixed = list(estimate = as.numeric(fe$beta), se = fe$se, ci_lower = fe$ci.lb, ci_upper = fe$ci.ub),
       random = list(estimate = as.numeric(dl$beta), se = dl$se, ci_lower = dl$ci.lb, ci_upper = dl$ci.ub,
                     tau2 = dl$tau2, q = dl$QE, i2 = dl$I2))
})

writeLines(toJSON(list(generated_with = list(r = R.version.string, metafor = as.character(packageVersion("metafor"))),
                       cases = out), auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path("tests", "reference", "meta.json"))
