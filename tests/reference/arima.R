# Reference fixtures for regression with ARIMA(p, d, q) errors (exact Gaussian ML).
#
# What: fits every case below with stats::arima(method = "ML") and writes the results, together
# with the inline data of each case (outcome and design columns), to tests/reference/arima.json.
# The C# tests read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/arima.R
# Data are read from the folder in the environment variable ITS_DATA (default data, the repository's own copies),
# which must hold sicily.csv and prop99_smoking.csv.
#
# The design X is the kit's (intercept first, Stata itsa time coding, Fourier terms), built as in
# gaussian.R's make_design. R's arima gets the columns other than the intercept as xreg, with
# include.mean = (d == 0): for d = 0 R's "intercept" is the kit's intercept; for d >= 1 R drops
# the mean and the kit leaves the intercept column out.
#
# R's default optim tolerance (reltol ~ 1.5e-8) leaves the optimum loose in the 5th-6th digit;
# the fixture tightens it to reltol = 1e-12, maxit = 10000 so the reference optimum is precise.
# The covariance is R's vcov(fit): the inverse of optim's numerical Hessian.
#
# Only base R, stats and jsonlite are used. The output is deterministic.

suppressPackageStartupMessages(library(jsonlite))

data_dir <- Sys.getenv("ITS_DATA", unset = "data")
out_file <- file.path("tests", "reference", "arima.json")

# Series and design with the kit's time coding, shared with the other fixture scripts.
source(file.path("tests", "reference", "design.R"))
its_design <- function(periods, interruption, fourier = 0L) {
  series <- make_series(if (nchar(periods[1]) == 4) "year" else "month", periods, NULL)
  make_design(series, interruption, "level+slope", if (fourier > 0) paste0("fourier:", fourier) else "none", character(0))
}

control <- list(reltol = 1e-12, maxit = 10000)

# Fit y on X (intercept first) with ARIMA(p, d, q) errors as the kit defines it.
fit_arima <- function(y, X, p, d, q) {
  xreg <- X[, -1, drop = FALSE]
  arima(y, order = c(p, d, q), xreg = xreg, include.mean = (d == 0), method = "ML",
        optim.control = control)
}

# AICc as forecast::Arima: aic + 2 k (k + 1) / (n - k - 1), k = estimated parameters + 1.
aicc <- function(fit) {
  k <- sum(fit$mask) + 1
  fit$aic + 2 * k * (k + 1) / (fit$nobs - k - 1)
}

collected_warnings <- character(0)

run_case <- function(name, frequency, periods, y, X, p, d, q) {
  fit <- withCallingHandlers(fit_arima(y, X, p, d, q), warning = function(w) {
    collected_warnings <<- c(collected_warnings, paste0(name, ": ", conditionMessage(w)))
    invokeRestart("muffleWarning")
  })
  stopifnot(fit$code == 0)
  cf <- coef(fit)
  se <- sqrt(diag(vcov(fit)))
  narma <- p + q
  reg <- if (d == 0) colnames(X) else colnames(X)[-1]
  stopifnot(identical(names(cf)[narma + seq_along(reg)], reg))
  phi <- unname(cf[seq_len(p)])
  theta <- unname(cf[p + seq_len(q)])
  list(
    name = name,
    frequency = frequency, periods = periods, y = y,
    terms = colnames(X),
    x = lapply(seq_len(ncol(X)), function(j) unname(X[, j])),
    order = c(p, d, q),
    call = sprintf(paste0('arima(y, order = c(%d, %d, %d), xreg = X[, -1], include.mean = %s, ',
                          'method = "ML", optim.control = list(reltol = 1e-12, maxit = 10000))'),
                   p, d, q, if (d == 0) "TRUE" else "FALSE"),
    n = fit$nobs,
    coefficients = lapply(seq_along(reg), function(i) list(
      term = reg[i], estimate = unname(cf[narma + i]), std_error = unname(se[narma + i]))),
    phi = I(phi), theta = I(theta),
    phi_se = I(unname(se[seq_len(p)])), theta_se = I(unname(se[p + seq_len(q)])),
    sigma2 = fit$sigma2, loglik = fit$loglik, aic = fit$aic, aicc = aicc(fit))
}

# Automatic choice without forecast::auto.arima: every (p, q) in 0..max_order with the same
# fit, keep the smallest AICc. Fits that fail are left out (none do for the cases below).
run_auto <- function(name, frequency, periods, y, X, d, max_order = 3L) {
  grid <- list()
  for (p in 0:max_order) for (q in 0:max_order) {
    fit <- tryCatch(suppressWarnings(fit_arima(y, X, p, d, q)), error = function(e) NULL)
    grid[[length(grid) + 1]] <- list(p = p, q = q,
                                     aicc = if (is.null(fit)) NULL else aicc(fit),
                                     loglik = if (is.null(fit)) NULL else fit$loglik)
  }
  values <- vapply(grid, function(g) if (is.null(g$aicc)) Inf else g$aicc, 0)
  best <- grid[[which.min(values)]]
  margin <- sort(values)[2] - sort(values)[1]
  list(name = name, frequency = frequency, periods = periods, y = y, terms = colnames(X),
       x = lapply(seq_len(ncol(X)), function(j) unname(X[, j])),
       d = d, max_p = max_order, max_q = max_order, p = best$p, q = best$q,
       margin = margin, grid = grid)
}

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

# 1. California, Proposition 99: annual cigarette sales 1970-2000, interruption 1989.
ca <- california(data_dir)
ca_periods <- period_labels("year", 1970L, 1L, 31L)
ca_X <- its_design(ca_periods, "1989")
for (o in list(c(1, 0, 0), c(2, 0, 0), c(1, 1, 0))) {
  add(run_case(sprintf("california_arima%d%d%d", o[1], o[2], o[3]), "year", ca_periods,
               ca$cigsale, ca_X, o[1], o[2], o[3]))
}

# 2. Sicily acute coronary events per 100,000 standardised population, Fourier K = 2.
sicily <- read.csv(file.path(data_dir, "sicily.csv"))
sicily <- sicily[order(sicily$year, sicily$month), ]
sic_periods <- sprintf("%04d-%02d", sicily$year, sicily$month)
stopifnot(identical(sic_periods, period_labels("month", 2002L, 1L, 59L)))
sic_y <- sicily$aces / sicily$stdpop * 100000
sic_X <- its_design(sic_periods, "2005-01", fourier = 2L)
for (o in list(c(1, 0, 0), c(1, 0, 1))) {
  add(run_case(sprintf("sicily_fourier2_arima%d%d%d", o[1], o[2], o[3]), "month", sic_periods,
               sic_y, sic_X, o[1], o[2], o[3]))
}

# 3. Synthetic monthly series, 96 months from 2016-01, interruption 2020-01, ARMA(1, 1) errors
# (phi 0.5, theta 0.3, innovation sd 1) with a 200-month burn-in; rounded to 6 decimals.
set.seed(20200101)
syn_periods <- period_labels("month", 2016L, 1L, 96L)
syn_X <- its_design(syn_periods, "2020-01")
burn <- 200
u <- rnorm(96 + burn)
e <- numeric(96 + burn)
e[1] <- u[1]
for (i in 2:(96 + burn)) e[i] <- 0.5 * e[i - 1] + u[i] + 0.3 * u[i - 1]
syn_y <- round(unname(50 + 0.1 * syn_X[, "time"] - 3 * syn_X[, "level1"] -
                      0.2 * syn_X[, "slope1"] + e[burn + 1:96]), 6)
for (o in list(c(1, 0, 1), c(2, 0, 0))) {
  add(run_case(sprintf("synthetic_arma11_arima%d%d%d", o[1], o[2], o[3]), "month", syn_periods,
               syn_y, syn_X, o[1], o[2], o[3]))
}

auto <- list(
  run_auto("synthetic_arma11_auto_d0", "month", syn_periods, syn_y, syn_X, 0L),
  run_auto("california_auto_d1", "year", ca_periods, ca$cigsale, ca_X, 1L))

fixture <- list(
  description = paste("Reference results for regression with ARIMA errors (exact ML),",
                      "generated by tests/reference/arima.R"),
  generated_with = list(r = R.version.string,
                        jsonlite = as.character(packageVersion("jsonlite"))),
  cases = cases,
  auto = auto)

writeLines(toJSON(fixture, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                  pretty = TRUE), out_file, useBytes = TRUE)
cat("Wrote", length(cases), "cases and", length(auto), "automatic choices to", out_file, "\n")
for (a in auto) cat(sprintf("  %-30s p = %d, q = %d (AICc margin %.4g)\n", a$name, a$p, a$q, a$margin))
if (length(collected_warnings)) {
  cat("Warnings:\n")
  cat(paste0("  ", unique(collected_warnings), "\n"), sep = "")
}
