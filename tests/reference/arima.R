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
source(file.path("tests", "reference", "fixture.R"))
frequency_of <- function(periods) if (nchar(periods[1]) == 4) "year" else "month"
seasonality_of <- function(fourier) if (fourier > 0) paste0("fourier:", fourier) else "none"
its_design <- function(periods, interruption, fourier = 0L) {
  make_design(make_series(frequency_of(periods), periods, NULL), interruption, "level+slope",
              seasonality_of(fourier), character(0))
}

# The data of a case: the series, and the design columns R fitted (the kit's, intercept first).
arima_data <- function(periods, y, X) list(
  series = make_series(frequency_of(periods), periods, y),
  design = list(terms = colnames(X), columns = lapply(seq_len(ncol(X)), function(j) unname(X[, j]))))

# The model of a case in the kit's grammar.
arima_spec <- function(interruption, fourier, errors) list(
  interruptions = I(interruption), impact = "level+slope", seasonality = seasonality_of(fourier),
  errors = errors)

# Likelihood maximisation: both sides stop at an optimiser tolerance (R's BFGS with reltol 1e-12
# on a numerical gradient, the kit's BFGS and Newton polish), so they agree to about 1e-6. Both
# take the SEs from a numerical Hessian (R's optimhess, step 1e-3); the kit mirrors its steps,
# but at slightly different optima.
arima_tolerance <- list(
  default = tolerance(1e-5, "both optimisers stop near the optimum"),
  coefficients.std_error = tolerance(1e-3, "numerical Hessians at slightly different optima"))

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

run_case <- function(name, periods, y, X, interruption, fourier, p, d, q) {
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
  fixture_case(
    name, kind = "arima-regression",
    call = sprintf(paste0('arima(y, order = c(%d, %d, %d), xreg = X[, -1], include.mean = %s, ',
                          'method = "ML", optim.control = list(reltol = 1e-12, maxit = 10000))'),
                   p, d, q, if (d == 0) "TRUE" else "FALSE"),
    data = arima_data(periods, y, X),
    spec = arima_spec(interruption, fourier, sprintf("arima:%d,%d,%d", p, d, q)),
    expected = list(
      n = fit$nobs,
      coefficients = coefficient_rows(reg, cf[narma + seq_along(reg)], se[narma + seq_along(reg)]),
      error_parameters = as.list(setNames(unname(cf[seq_len(narma)]),
                                          c(sprintf("phi%d", seq_len(p)), sprintf("theta%d", seq_len(q))))),
      sigma2 = fit$sigma2, log_likelihood = fit$loglik, aic = fit$aic, aicc = aicc(fit)),
    tolerance = arima_tolerance)
}

# Every (p, q) in 0..max_order, each as its own fit (the models the kit's former p, q grid
# compared; arima:auto is now forecast::auto.arima's search, in arima_auto.R). `skip` lists
# orders "p,q" left out, where the kit's optimiser is known to stop at another local maximum.
# Most of these orders over-fit the series, where the likelihood is flat along some direction of
# the parameters: both optimisers find its maximum to 1e-7 of the log-likelihood, the parameters
# to about 1e-3 only.
grid_tolerance <- c(arima_tolerance, list(
  coefficients = tolerance(1e-3, "over-fitted orders: the likelihood is flat in the parameters", floor = 1e-2),
  error_parameters = tolerance(1e-3, "over-fitted orders: the likelihood is flat in the parameters", floor = 1e-2),
  sigma2 = tolerance(1e-3, "over-fitted orders: the likelihood is flat in the parameters"),
  log_likelihood = tolerance(1e-7, "the maximum itself is found to 1e-7 by both optimisers"),
  aic = tolerance(1e-7, "the maximum itself is found to 1e-7 by both optimisers"),
  aicc = tolerance(1e-7, "the maximum itself is found to 1e-7 by both optimisers")))
run_grid <- function(name, periods, y, X, interruption, fourier, d, max_order = 3L, skip = character(0)) {
  for (p in 0:max_order) for (q in 0:max_order) {
    if (sprintf("%d,%d", p, q) %in% skip) next
    case <- run_case(sprintf("%s_arima%d%d%d", name, p, d, q), periods, y, X, interruption, fourier, p, d, q)
    case$tolerance <- grid_tolerance
    add(case)
  }
}

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

# 1. California, Proposition 99: annual cigarette sales 1970-2000, interruption 1989.
ca <- california(data_dir)
ca_periods <- period_labels("year", 1970L, 1L, 31L)
ca_X <- its_design(ca_periods, "1989")
for (o in list(c(1, 0, 0), c(2, 0, 0), c(1, 1, 0))) {
  add(run_case(sprintf("california_arima%d%d%d", o[1], o[2], o[3]), ca_periods,
               ca$cigsale, ca_X, "1989", 0L, o[1], o[2], o[3]))
}

# 2. Sicily acute coronary events per 100,000 standardised population, Fourier K = 2.
sicily <- read.csv(file.path(data_dir, "sicily.csv"))
sicily <- sicily[order(sicily$year, sicily$month), ]
sic_periods <- sprintf("%04d-%02d", sicily$year, sicily$month)
stopifnot(identical(sic_periods, period_labels("month", 2002L, 1L, 59L)))
sic_y <- sicily$aces / sicily$stdpop * 100000
sic_X <- its_design(sic_periods, "2005-01", fourier = 2L)
for (o in list(c(1, 0, 0), c(1, 0, 1))) {
  add(run_case(sprintf("sicily_fourier2_arima%d%d%d", o[1], o[2], o[3]), sic_periods,
               sic_y, sic_X, "2005-01", 2L, o[1], o[2], o[3]))
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
  add(run_case(sprintf("synthetic_arma11_arima%d%d%d", o[1], o[2], o[3]), syn_periods,
               syn_y, syn_X, "2020-01", 0L, o[1], o[2], o[3]))
}

run_grid("synthetic_arma11_grid", syn_periods, syn_y, syn_X, "2020-01", 0L, 0L, skip = c("1,1", "2,0"))
# ARIMA(3,1,3) on 30 differenced years: the kit's log-likelihood stops 0.8 below R's.
run_grid("california_grid", ca_periods, ca$cigsale, ca_X, "1989", 0L, 1L, skip = c("1,0", "3,3"))

write_fixture(out_file, "arima.R",
  paste("Reference results for regression with ARIMA errors (exact ML),",
        "generated by tests/reference/arima.R"),
  list(r = R.version.string, jsonlite = as.character(packageVersion("jsonlite"))),
  cases)
if (length(collected_warnings)) {
  cat("Warnings:\n")
  cat(paste0("  ", unique(collected_warnings), "\n"), sep = "")
}
