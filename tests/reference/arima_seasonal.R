# Reference fixtures for regression with seasonal ARIMA(p, d, q)(P, D, Q)[s] errors (exact Gaussian ML).
#
# What: fits every case below with stats::arima(method = "ML", seasonal = list(order, period)) and
# writes the results, with the inline data of each case (outcome and design columns), to
# tests/reference/arima_seasonal.json. The C# tests read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/arima_seasonal.R
#
# The series are simulated with fixed seeds (no data files). The design X is the kit's (intercept
# first, Stata itsa time coding). R's arima gets the columns other than the intercept as xreg, with
# include.mean = (d + D == 0): with differencing R drops the mean and the kit leaves the intercept
# column out. The seasonal period is 12 for monthly and 4 for quarterly series.
#
# With (1 - B)(1 - B^12) the time column differences to zero, which makes R's arima fail, so the
# ARIMA(2,1,0)(0,1,1)[12] case takes only the step and ramp regressors (Schaffer et al. 2021's
# worked example); its design is R's, the model's own design would add time.
#
# base R, stats and jsonlite compute the numbers; forecast (r-cran-forecast) only cross-checks that
# forecast::Arima gives the same fits. The output is deterministic.

suppressPackageStartupMessages(library(jsonlite))

out_file <- file.path("tests", "reference", "arima_seasonal.json")
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

# As arima.R: both optimisers stop near the optimum; SEs from numerical Hessians at slightly
# different optima.
arima_tolerance <- list(
  default = tolerance(1e-5, "both optimisers stop near the optimum"),
  coefficients.std_error = tolerance(1e-3, "numerical Hessians at slightly different optima"))

control <- list(reltol = 1e-12, maxit = 10000)
period_of <- function(frequency) switch(frequency, month = 12L, quarter = 4L)

aicc <- function(fit) {
  k <- sum(fit$mask) + 1
  fit$aic + 2 * k * (k + 1) / (fit$nobs - k - 1)
}

run_case <- function(name, frequency, periods, y, X, interruption, order, seasonal) {
  s <- period_of(frequency)
  differenced <- order[2] + seasonal[2] > 0
  fit <- arima(y, order = order, seasonal = list(order = seasonal, period = s),
               xreg = X[, -1, drop = FALSE], include.mean = !differenced, method = "ML",
               optim.control = control)
  stopifnot(fit$code == 0)
  cf <- coef(fit)
  se <- sqrt(diag(vcov(fit)))
  narma <- sum(order[-2]) + sum(seasonal[-2])
  reg <- if (differenced) colnames(X)[-1] else colnames(X)
  stopifnot(identical(names(cf)[narma + seq_along(reg)], reg))
  arma_names <- c(sprintf("phi%d", seq_len(order[1])), sprintf("theta%d", seq_len(order[3])),
                  sprintf("sar%d", seq_len(seasonal[1])), sprintf("sma%d", seq_len(seasonal[3])))
  fixture_case(
    name, kind = "arima-regression",
    call = sprintf(paste0('arima(y, order = c(%d, %d, %d), seasonal = list(order = c(%d, %d, %d), period = %d), ',
                          'xreg = X[, -1], include.mean = %s, method = "ML", ',
                          'optim.control = list(reltol = 1e-12, maxit = 10000))'),
                   order[1], order[2], order[3], seasonal[1], seasonal[2], seasonal[3], s,
                   if (differenced) "FALSE" else "TRUE"),
    data = list(series = make_series(frequency, periods, y),
                design = list(terms = colnames(X), columns = lapply(seq_len(ncol(X)), function(j) unname(X[, j])))),
    spec = list(interruptions = I(interruption), impact = "level+slope", seasonality = "none",
                errors = sprintf("arima:%d,%d,%d:%d,%d,%d", order[1], order[2], order[3],
                                 seasonal[1], seasonal[2], seasonal[3])),
    expected = list(
      n = fit$nobs,
      coefficients = coefficient_rows(reg, cf[narma + seq_along(reg)], se[narma + seq_along(reg)]),
      error_parameters = as.list(setNames(unname(cf[seq_len(narma)]), arma_names)),
      sigma2 = fit$sigma2, log_likelihood = fit$loglik, aic = fit$aic, aicc = aicc(fit)),
    tolerance = arima_tolerance)
}

its_design <- function(frequency, periods, interruption) {
  make_design(make_series(frequency, periods, NULL), interruption, "level+slope", "none", character(0))
}

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

# 1. Monthly, 120 months from 2012-01, interruption 2018-01: SARIMA(2,1,0)(0,1,1)[12] errors
# (ar 0.4, -0.2; sma -0.6), step -5 and ramp -0.3 from the interruption; rounded to 6 decimals.
set.seed(20210301)
m_periods <- period_labels("month", 2012L, 1L, 120L)
m_X <- its_design("month", m_periods, "2018-01")
noise <- as.numeric(filter(c(rep(0, 12), rnorm(300 + 12)), c(1, rep(0, 11), -0.6), sides = 1))[-(1:12)]
u <- diffinv(diffinv(as.numeric(filter(noise[1:300], c(0.4, -0.2), method = "recursive")), 12), 1)
u <- tail(u, 120)
sar_y <- round(100 + 5 * sin(2 * pi * (1:120) / 12) - 5 * m_X[, "level1"] - 0.3 * m_X[, "slope1"] + u, 6)
add(run_case("monthly_sarima210_011", "month", m_periods, sar_y,
             m_X[, c("intercept", "level1", "slope1")], "2018-01", c(2, 1, 0), c(0, 1, 1)))

# 2. Monthly, 108 months from 2015-01, interruption 2020-01: AR(1) x seasonal AR(1) errors
# (phi 0.5, Phi 0.4), trend 0.1, level -3, slope -0.2.
set.seed(20150101)
a_periods <- period_labels("month", 2015L, 1L, 108L)
a_X <- its_design("month", a_periods, "2020-01")
burn <- 240
w <- rnorm(108 + burn)
v <- numeric(108 + burn)
for (i in seq_along(w)) {
  v[i] <- w[i] + (if (i > 1) 0.5 * v[i - 1] else 0) + (if (i > 12) 0.4 * v[i - 12] else 0) -
    (if (i > 13) 0.2 * v[i - 13] else 0)
}
ar_y <- round(unname(50 + 0.1 * a_X[, "time"] - 3 * a_X[, "level1"] - 0.2 * a_X[, "slope1"] + v[burn + 1:108]), 6)
add(run_case("monthly_sarima100_100", "month", a_periods, ar_y, a_X, "2020-01", c(1, 0, 0), c(1, 0, 0)))

# 3. The same monthly series with ARIMA(0,1,1) errors, level and slope (time becomes the drift).
add(run_case("monthly_arima011", "month", a_periods, ar_y, a_X, "2020-01", c(0, 1, 1), c(0, 0, 0)))

# 4. Quarterly, 64 quarters from 2005-Q1, interruption 2013-Q1: AR(1) x seasonal AR(1)[4] errors
# (phi 0.4, Phi 0.5).
set.seed(20050101)
q_periods <- period_labels("quarter", 2005L, 1L, 64L)
q_X <- its_design("quarter", q_periods, "2013-Q1")
w <- rnorm(64 + burn)
v <- numeric(64 + burn)
for (i in seq_along(w)) {
  v[i] <- w[i] + (if (i > 1) 0.4 * v[i - 1] else 0) + (if (i > 4) 0.5 * v[i - 4] else 0) -
    (if (i > 5) 0.2 * v[i - 5] else 0)
}
q_y <- round(unname(20 + 0.05 * q_X[, "time"] + 2 * q_X[, "level1"] + 0.1 * q_X[, "slope1"] + v[burn + 1:64]), 6)
add(run_case("quarterly_sarima100_100", "quarter", q_periods, q_y, q_X, "2013-Q1", c(1, 0, 0), c(1, 0, 0)))

# forecast::Arima fits the same models: Schaffer et al.'s call on case 1, and case 3 with
# forecast's drift (its coefficient on 1..n is the kit's on time = 0..n-1).
fa <- forecast::Arima(ts(sar_y, start = c(2012, 1), frequency = 12), order = c(2, 1, 0), seasonal = c(0, 1, 1),
                      xreg = m_X[, c("level1", "slope1")], method = "ML", optim.control = control)
stopifnot(isTRUE(all.equal(unname(coef(fa)), unlist(unname(c(cases[[1]]$expected$error_parameters,
  vapply(cases[[1]]$expected$coefficients, `[[`, 0, "estimate")))), tolerance = 1e-8)))
fd <- forecast::Arima(ts(ar_y, start = c(2015, 1), frequency = 12), order = c(0, 1, 1), include.drift = TRUE,
                      xreg = a_X[, c("level1", "slope1")], method = "ML", optim.control = control)
stopifnot(isTRUE(all.equal(unname(coef(fd)[c("drift", "level1", "slope1")]),
  vapply(cases[[3]]$expected$coefficients, `[[`, 0, "estimate"), tolerance = 1e-6)))

# ---------------------------------------------------------------------------------------------
# The ITS model with ARIMA errors (kind "model": the kit builds its own design from the spec)
# ---------------------------------------------------------------------------------------------
#
# Transition (washout) periods are NA in y, which stats::arima treats as missing observations of
# the exact likelihood. With differencing (d + D >= 1) the terms the differencing annihilates
# (always the intercept; time when d = D = 1) are not estimated, and the kit anchors the level to
# the model's Kalman predictions of u = y - X b (src/Its/Effects/LevelAnchor.cs): before the
# interruption the one-step predictions (KalmanRun), from it on the forecast from the pre-period
# rows (KalmanForecast), the counterfactual being that forecast with the interruption terms
# removed. The effects below are computed that way here, from R's own filter.

quad_se <- function(g, V) sqrt(as.numeric(t(g) %*% V %*% g))

# Kalman one-step predictions (rows 1..m) and forecasts (rows m+1..n) of a series observed on its
# first m rows, under the fitted model's expanded phi, theta and Delta (R's makeARIMA, kappa 1e6).
kalman_path <- function(fit, v, m, n) {
  mod <- makeARIMA(fit$model$phi, fit$model$theta, fit$model$Delta, kappa = 1e6)
  run <- KalmanRun(v[seq_len(m)], mod, update = TRUE)
  c(v[seq_len(m)] - run$resid, KalmanForecast(n - m, attr(run, "mod"))$pred)
}

its_case <- function(name, frequency, periods, y, X, interruption, order, seasonal, transition, horizons,
                     impact = "level+slope", window = NULL) {
  s <- period_of(frequency)
  first_row <- match(interruption, periods)
  y_na <- y
  if (transition > 0) y_na[first_row + seq_len(transition) - 1] <- NA
  delta_len <- order[2] + s * seasonal[2]
  # The columns the differencing leaves non-zero, as the kit keeps them.
  keep <- if (delta_len == 0) seq_len(ncol(X)) else which(apply(X, 2, function(col) {
    dcol <- col
    if (order[2] > 0) dcol <- diff(dcol, 1, order[2])
    if (seasonal[2] > 0) dcol <- diff(dcol, s, seasonal[2])
    max(abs(dcol)) > 1e-10 * max(1, abs(col))
  }))
  Xk <- X[, keep, drop = FALSE]
  differenced <- delta_len > 0
  xreg <- if (differenced) Xk else Xk[, -1, drop = FALSE]
  fit <- arima(y_na, order = order, seasonal = list(order = seasonal, period = s), xreg = xreg,
               include.mean = !differenced, method = "ML", optim.control = control)
  stopifnot(fit$code == 0)
  narma <- sum(order[-2]) + sum(seasonal[-2])
  cf <- coef(fit)
  b <- unname(cf[narma + seq_len(ncol(Xk))])
  V <- unname(vcov(fit)[narma + seq_len(ncol(Xk)), narma + seq_len(ncol(Xk))])
  se <- sqrt(diag(V))
  arma_names <- c(sprintf("phi%d", seq_len(order[1])), sprintf("theta%d", seq_len(order[3])),
                  sprintf("sar%d", seq_len(seasonal[1])), sprintf("sma%d", seq_len(seasonal[3])))
  interrupt <- interruption_columns(Xk)
  n <- nrow(Xk)
  m <- first_row - 1
  # c_i and A_i of the anchor: the predictions of y and of each column; none without differencing.
  if (differenced) {
    const <- kalman_path(fit, y, m, n)
    A <- sapply(seq_len(ncol(Xk)), function(j) kalman_path(fit, Xk[, j], m, n))
  } else {
    const <- rep(0, n)
    A <- matrix(0, n, ncol(Xk))
  }
  effects <- lapply(horizons, function(K) {
    row <- first_row + K
    x <- Xk[row, ] - A[row, ]
    xcf <- Xk[row, ]
    xcf[interrupt] <- 0
    xcf <- xcf - A[row, ]
    fitted <- sum(x * b) + const[row]
    cfv <- sum(xcf * b) + const[row]
    list(periods_after = K, period = periods[row], fitted = fitted, counterfactual = cfv,
         absolute = fitted - cfv, absolute_se = quad_se(x - xcf, V),
         relative = fitted / cfv - 1, relative_se = quad_se(x / cfv - fitted / cfv^2 * xcf, V))
  })
  # The cumulative effect over window[1]..window[2]: the sums of the anchored rows, their
  # gradients in b the sums of x_i - A_i and xcf_i - A_i (delta method).
  sum_effect <- NULL
  if (!is.null(window)) {
    rows <- first_row + window[1]:window[2]
    xs <- Xk[rows, , drop = FALSE] - A[rows, , drop = FALSE]
    xcfs <- Xk[rows, , drop = FALSE]
    xcfs[, interrupt] <- 0
    xcfs <- xcfs - A[rows, , drop = FALSE]
    F <- sum(xs %*% b + const[rows]); U <- sum(xcfs %*% b + const[rows])
    gF <- colSums(xs); gU <- colSums(xcfs)
    sum_effect <- list(from = window[1], to = window[2], fitted = F, counterfactual = U, absolute = F - U,
                       absolute_se = quad_se(gF - gU, V), relative = F / U - 1,
                       relative_se = quad_se(gF / U - gU * F / U^2, V))
  }
  expected <- list(
      n = fit$nobs,
      coefficients = coefficient_rows(colnames(Xk), b, se),
      error_parameters = as.list(setNames(unname(cf[seq_len(narma)]), arma_names)),
      log_likelihood = fit$loglik, aic = fit$aic,
      effects = effects)
  if (!is.null(sum_effect)) expected$cumulative <- sum_effect
  spec <- list(interruptions = I(interruption), impact = impact, seasonality = "none",
                transition = transition, effects_at = I(horizons),
                errors = if (sum(seasonal) > 0)
                  sprintf("arima:%d,%d,%d:%d,%d,%d", order[1], order[2], order[3], seasonal[1], seasonal[2], seasonal[3])
                else sprintf("arima:%d,%d,%d", order[1], order[2], order[3]))
  if (!is.null(window)) spec$cumulative <- sprintf("%d:%d", window[1], window[2])
  fixture_case(
    name, kind = "model",
    call = sprintf(paste0('arima(y, order = c(%d, %d, %d), seasonal = list(order = c(%d, %d, %d), period = %d), ',
                          'xreg = X[, keep]%s, include.mean = %s, method = "ML"), y NA in the %d transition %s(s); ',
                          'effects from KalmanRun / KalmanForecast of makeARIMA(fit$model$phi, fit$model$theta, fit$model$Delta)'),
                   order[1], order[2], order[3], seasonal[1], seasonal[2], seasonal[3], s,
                   if (differenced) "" else "[, -1]", if (differenced) "FALSE" else "TRUE", transition, frequency),
    data = list(series = make_series(frequency, periods, y)),
    spec = spec,
    expected = expected,
    tolerance = arima_tolerance)
}

# 5. Schaffer et al. (2021)'s model through the ITS spec: ARIMA(2,1,0)(0,1,1)[12], where the
# differencing removes the intercept and time and leaves the step and the ramp.
m_full <- its_design("month", m_periods, "2018-01")
add(its_case("its_sarima210_011", "month", m_periods, sar_y, m_full, "2018-01", c(2, 1, 0), c(0, 1, 1), 0L, c(0L, 12L, 47L),
             window = c(0L, 23L)))

# 6. A washout of 3 months with AR(1) x seasonal AR(1) errors (no differencing).
add(its_case("its_sarima100_100_washout", "month", a_periods, ar_y, a_X, "2020-01", c(1, 0, 0), c(1, 0, 0), 3L, c(3L, 20L)))

# 7. A washout of 2 months with ARIMA(0,1,1) errors and a slope change only: time is the drift,
# and its forecast from the pre-period enters the anchor. (With d = 1 a level change differences
# to a pulse at the interruption, which the washout hides: R's arima then fails to start, and the
# kit refuses the model.)
add(its_case("its_arima011_washout", "month", a_periods, ar_y, a_X[, c("intercept", "time", "slope1")], "2020-01",
             c(0, 1, 1), c(0, 0, 0), 2L, c(2L, 27L), impact = "slope", window = c(2L, 13L)))

# 8. The quarterly series with a washout of one quarter and ARIMA(1,0,0)(0,1,1)[4] errors.
add(its_case("its_quarterly_sarima100_011_washout", "quarter", q_periods, q_y, q_X, "2013-Q1", c(1, 0, 0), c(0, 1, 1), 1L, c(1L, 23L)))

write_fixture(out_file, "arima_seasonal.R",
  paste("Reference results for regression with seasonal ARIMA errors (exact ML),",
        "generated by tests/reference/arima_seasonal.R"),
  list(r = R.version.string, jsonlite = as.character(packageVersion("jsonlite")),
       forecast = as.character(packageVersion("forecast"))),
  cases)
