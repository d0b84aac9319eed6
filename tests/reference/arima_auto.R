# Reference fixtures for arima:auto, the model choice of forecast::auto.arima.
#
# What: for each case, forecast::auto.arima(y, xreg, seasonal.test = "ocsb", approximation = FALSE)
# with xreg = the kit's design columns other than the intercept and time (the interruption terms,
# seasonal terms and covariates; as Schaffer et al. 2021 pass step and ramp): d by KPSS
# (ndiffs), D by OCSB (nsdiffs), then the stepwise search by AICc, every candidate fitted by
# stats::arima(method = "CSS-ML"). The script records every model the search tried, in order,
# with its AICc (null where auto.arima set it to Inf: a failed fit, a root near the unit circle or a
# negative variance), read from auto.arima's own `results` matrix by a trace() exit hook; the
# KPSS statistics of each differencing step (urca::ur.kpss as ndiffs calls it); the OCSB test
# (forecast:::ocsb.test as nsdiffs calls it); and the chosen fit's coefficients, ARMA parameters,
# log-likelihood and AIC, from the chosen model refitted by forecast::Arima (method = "CSS-ML") with
# optim.control = list(reltol = 1e-12, maxit = 10000); the search itself runs with auto.arima's defaults. Writes tests/reference/arima_auto.json; the C# tests read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/arima_auto.R
#
# Needs forecast (r-cran-forecast, which brings urca) and jsonlite. Data are read from the folder
# in ITS_DATA (default data); the synthetic series use fixed seeds. The output is deterministic.

suppressPackageStartupMessages({
  library(jsonlite)
  library(forecast)
})

data_dir <- Sys.getenv("ITS_DATA", "data")
out_file <- file.path("tests", "reference", "arima_auto.json")
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

# auto.arima with its `results` matrix (every model tried: p, d, q, P, D, Q, constant, ic) kept.
auto_arima <- forecast::auto.arima
trace("auto_arima", exit = quote(assign("search_results", results, envir = .GlobalEnv)), print = FALSE)

# The chosen model is refitted with a tight optimiser (auto.arima's fits stop at optim's default
# reltol, 1.5e-8) for the coefficients the kit must reproduce.
control <- list(reltol = 1e-12, maxit = 10000)

period_of <- function(frequency) switch(frequency, month = 12L, quarter = 4L, year = 1L)

# ndiffs(x, test = "kpss")'s statistics, step by step.
kpss_steps <- function(x, max_d = 2) {
  x <- c(na.omit(c(x)))
  stats <- numeric(0)
  if (forecast:::is.constant(x)) return(stats)
  d <- 0
  repeat {
    k <- urca::ur.kpss(x, type = "mu", use.lag = trunc(3 * sqrt(length(x)) / 13))
    stats <- c(stats, k@teststat)
    p <- approx(k@cval[1, ], c(0.10, 0.05, 0.025, 0.01), xout = k@teststat, rule = 2)$y
    if (!(p < 0.05) || d >= max_d) break
    d <- d + 1
    x <- diff(x)
    if (forecast:::is.constant(x)) break
  }
  stats
}

tolerances <- list(
  default = tolerance(1e-8, "closed forms (KPSS, OCSB) from the same data"),
  arima_search.candidates.aicc = tolerance(2e-5, "auto.arima's fits stop at optim's default reltol (1.5e-8), short of the maximum the kit reaches"),
  arima_search.chosen.aicc = tolerance(2e-5, "auto.arima's fits stop at optim's default reltol (1.5e-8), short of the maximum the kit reaches"),
  coefficients = tolerance(2e-4, "both optimisers stop near the optimum", floor = 1e-3),
  coefficients.std_error = tolerance(2e-3, "numerical Hessians at slightly different optima"),
  error_parameters = tolerance(1e-4, "both optimisers stop near the optimum", floor = 1e-3),
  log_likelihood = tolerance(1e-7, "both optimisers stop near the optimum"),
  aic = tolerance(1e-7, "both optimisers stop near the optimum"))

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

run_case <- function(name, series, y_fit, interruption, seasonality = "none", covariates = character(0),
                     transform = "none", transition = 0L) {
  X <- make_design(series, interruption, "level+slope", seasonality, covariates)
  m <- period_of(series$frequency)
  y <- y_fit
  if (transition > 0) y[transition_rows(series, interruption, transition)] <- NA
  xreg <- X[, !(colnames(X) %in% c("intercept", "time")), drop = FALSE]
  yt <- ts(y, frequency = m)
  auto <- suppressWarnings(auto_arima(yt, xreg = xreg, seasonal.test = "ocsb", approximation = FALSE))
  results <- search_results[!is.na(search_results[, 1]), , drop = FALSE]
  order <- arimaorder(auto)
  d <- order[["d"]]; D <- if (length(order) > 3) order[["D"]] else 0L
  seasonal <- if (length(order) > 3) order[c("P", "D", "Q")] else c(0L, 0L, 0L)
  constant <- results[which.min(results[, 8]), 7] == 1
  fit <- Arima(yt, order = order[c("p", "d", "q")], seasonal = seasonal, xreg = xreg,
               include.mean = constant && d + D == 0, include.drift = constant && d + D == 1,
               method = "CSS-ML", optim.control = control)
  stopifnot(fit$loglik >= auto$loglik - 1e-6, isTRUE(all.equal(names(coef(fit)), names(coef(auto)))))
  candidates <- lapply(seq_len(nrow(results)), function(i) {
    r <- results[i, ]
    list(p = r[1], d = r[2], q = r[3], seasonal_p = r[4], seasonal_d = r[5], seasonal_q = r[6],
         constant = r[7] == 1, aicc = if (is.finite(r[8])) r[8] else NULL)
  })
  best <- which.min(results[, 8])
  # Each candidate refitted as auto.arima fitted it, for the smallest modulus of its AR and MA roots.
  near <- vapply(seq_len(nrow(results)), function(i) {
    r <- results[i, ]
    f <- forecast:::myarima(yt, order = r[1:3], seasonal = r[4:6], constant = r[7] == 1, ic = "aicc", xreg = xreg)
    if (is.null(f$model)) return(NA_real_)
    roots <- c(if (any(abs(f$model$phi) > 1e-8)) Mod(polyroot(c(1, -f$model$phi))),
               if (any(abs(f$model$theta) > 1e-8)) Mod(polyroot(c(1, f$model$theta))))
    if (length(roots)) min(roots) else Inf
  }, 0)
  case_tolerances <- tolerances
  for (i in which(!is.na(near) & near < 1.02 & seq_along(near) != best)) {
    r <- results[i, ]
    label <- sprintf("arima_search.candidates[%d,%d,%d:%d,%d,%d%s].aicc", r[1], r[2], r[3], r[4], r[5], r[6], if (r[7] == 1) " constant" else "")
    case_tolerances[[label]] <- not_compared(sprintf(
      "R's fit has a root of modulus %.4f: this close to the unit circle R's Gardner (1980) initial state covariance and where its optimiser stops decide the AICc, and whether it is kept", near[i]))
  }
  # The residuals the tests see, as auto.arima computes them.
  xx <- y
  ok <- !is.na(y)
  xx[ok] <- residuals(lm(y[ok] ~ xreg[ok, , drop = FALSE]))
  ocsb <- NULL
  if (m > 1 && length(xx) > 2 * m && !anyNA(xx)) {
    o <- forecast:::ocsb.test(ts(xx, frequency = m), maxlag = 3, lag.method = "AIC")
    ocsb <- list(statistic = unname(o$statistics), critical = o$critical, lags = o$lag.order)
    stopifnot((o$statistics > o$critical) == (D == 1) || D == 0)
  }
  dx <- if (D > 0) diff(xx, lag = m, differences = D) else xx
  # Coefficients under the kit's names: drift is the kit's time (its slope on 1..n is time's on 0..n-1).
  cf <- coef(fit)
  se <- sqrt(diag(fit$var.coef))
  arma_names <- c(sprintf("phi%d", seq_len(order[["p"]])), sprintf("theta%d", seq_len(order[["q"]])),
                  if (length(order) > 3) c(sprintf("sar%d", seq_len(order[["P"]])), sprintf("sma%d", seq_len(order[["Q"]]))))
  narma <- length(arma_names)
  reg <- names(cf)[seq_along(cf) > narma]
  kit <- ifelse(reg == "drift", "time", reg)
  kit_order <- order(match(kit, colnames(X)))
  spec <- list(interruptions = I(interruption), impact = "level+slope", seasonality = seasonality,
               transform = transform, errors = "arima:auto")
  if (length(covariates)) spec$covariates <- I(covariates)
  if (transition > 0) spec$transition <- transition
  fixture_case(
    name, kind = "model",
    call = sprintf('auto.arima(ts(y, frequency = %d), xreg = X[, c(%s)], seasonal.test = "ocsb", approximation = FALSE); the chosen model refitted by Arima(..., method = "CSS-ML", optim.control = list(reltol = 1e-12, maxit = 10000))',
                   m, paste(sprintf('"%s"', colnames(xreg)), collapse = ", ")),
    data = list(series = series),
    spec = spec,
    expected = list(
      coefficients = coefficient_rows(kit[kit_order], unname(cf[narma + kit_order]), unname(se[narma + kit_order])),
      error_parameters = as.list(setNames(unname(cf[seq_len(narma)]), arma_names)),
      log_likelihood = fit$loglik, aic = fit$aic,
      arima_search = list(period = m, kpss = I(kpss_steps(dx)), ocsb = ocsb, candidates = candidates,
                          chosen = candidates[[best]])),
    tolerance = case_tolerances)
}

# 1. California, Proposition 99 (annual, n = 31): ARIMA(1,1,0) with drift.
ca <- california(data_dir)
ca_series <- make_series("year", period_labels("year", 1970L, 1L, 31L), ca$cigsale)
add(run_case("california", ca_series, ca$cigsale, "1989"))

# 2-4. The kit's CHSI outpatient visits (synthetic, calibrated; monthly, n = 47), log scale:
# alone, with the Spring Festival covariate, and with a 3-month washout (NA; OCSB cannot run).
sanming <- read.csv(file.path(data_dir, "sanming_monthly.csv"))
chsi <- sanming[sanming$institution_type == "chsi", ]
chsi_series <- make_series("month", chsi$month, chsi$outpatient_visits, list(spring_festival = chsi$spring_festival))
add(run_case("chsi_log_visits", chsi_series, log(chsi$outpatient_visits), "2017-10", transform = "log"))
add(run_case("chsi_log_visits_spring_festival", chsi_series, log(chsi$outpatient_visits), "2017-10",
             covariates = "spring_festival", transform = "log"))
add(run_case("chsi_log_visits_washout3", chsi_series, log(chsi$outpatient_visits), "2017-10", transform = "log", transition = 3L))

# 5-6. Sicily acute coronary events, log rate (monthly, n = 59): with Fourier terms (K = 2) and without.
sicily <- read.csv(file.path(data_dir, "sicily.csv"))
sicily <- sicily[order(sicily$year, sicily$month), ]
rate <- sicily$aces / sicily$stdpop * 100000
sic_series <- make_series("month", sprintf("%04d-%02d", sicily$year, sicily$month), rate)
add(run_case("sicily_log_fourier2", sic_series, log(rate), "2005-01", seasonality = "fourier:2", transform = "log"))
add(run_case("sicily_log", sic_series, log(rate), "2005-01", transform = "log"))

# 7. Synthetic monthly (n = 120) with SARIMA(2,1,0)(0,1,1)[12] errors, step -5 and ramp -0.3
# (arima_seasonal.R's series).
set.seed(20210301)
m_periods <- period_labels("month", 2012L, 1L, 120L)
m_X <- make_design(make_series("month", m_periods, NULL), "2018-01", "level+slope", "none", character(0))
noise <- as.numeric(filter(c(rep(0, 12), rnorm(300 + 12)), c(1, rep(0, 11), -0.6), sides = 1))[-(1:12)]
u <- tail(diffinv(diffinv(as.numeric(filter(noise[1:300], c(0.4, -0.2), method = "recursive")), 12), 1), 120)
sar_y <- round(100 + 5 * sin(2 * pi * (1:120) / 12) - 5 * m_X[, "level1"] - 0.3 * m_X[, "slope1"] + u, 6)
add(run_case("synthetic_sarima_month", make_series("month", m_periods, sar_y), sar_y, "2018-01"))

# 8. Synthetic quarterly (n = 64): a seasonal random walk with a level and slope change.
set.seed(20050101)
q_periods <- period_labels("quarter", 2005L, 1L, 64L)
q_X <- make_design(make_series("quarter", q_periods, NULL), "2013-Q1", "level+slope", "none", character(0))
e <- rnorm(68)
srw <- numeric(68)
for (i in 5:68) srw[i] <- srw[i - 4] + e[i]
q_y <- round(30 + 2 * q_X[, "level1"] + 0.1 * q_X[, "slope1"] + srw[5:68] + 0.5 * cumsum(rnorm(64, 0, 0.3)), 6)
add(run_case("synthetic_seasonal_walk_quarter", make_series("quarter", q_periods, q_y), q_y, "2013-Q1"))

write_fixture(out_file, "arima_auto.R",
  "Reference arima:auto choices (forecast::auto.arima with seasonal.test = \"ocsb\", approximation = FALSE), generated by tests/reference/arima_auto.R",
  list(r = R.version.string, forecast = as.character(packageVersion("forecast")),
       urca = as.character(packageVersion("urca")), jsonlite = as.character(packageVersion("jsonlite"))),
  cases)
