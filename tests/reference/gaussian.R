# Reference fixtures for the Gaussian (linear) interrupted-time-series models.
#
# What: fits every case below with R (lm + sandwich/lmtest, and a small Prais-Winsten /
# Cochrane-Orcutt routine written after the Stata manual) and writes the results, together with
# the input data of each case, to tests/reference/gaussian.json. The C# tests read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/gaussian.R
# Data are read from the folder in the environment variable ITS_DATA (default data, the repository's own copies),
# which must hold sicily.csv and prop99_smoking.csv.
#
# The output is deterministic: synthetic series use fixed seeds, nothing time-dependent is
# written, and running the script twice gives a byte-identical file.
#
# Only base R, stats, sandwich, lmtest and jsonlite are used.

suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
  library(jsonlite)
})

data_dir <- Sys.getenv("ITS_DATA", unset = "data")
out_file <- file.path("tests", "reference", "gaussian.json")

# Collect warnings instead of letting them scroll by; they are printed at the end.
collected_warnings <- character(0)

# Series, design and time coding: shared with the other fixture scripts.
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

# ---------------------------------------------------------------------------------------------
# Fitting by error model
# ---------------------------------------------------------------------------------------------

# Prais-Winsten and Cochrane-Orcutt as Stata `prais`: see prais.R.
source(file.path("tests", "reference", "prais.R"))

# Fit one error model. Returns coefficients, covariance, residual df and model-specific extras.
fit_errors <- function(fit, y, X, errors) {
  base <- list(coef = coef(fit), df = fit$df.residual, n = nobs(fit),
               sigma = summary(fit)$sigma, loglik = as.numeric(logLik(fit)), aic = AIC(fit),
               rho = NULL, iterations = NULL, lag = NULL)
  if (errors == "ols") {
    base$vcov <- vcov(fit)
  } else if (errors %in% c("hc0", "hc1", "hc2", "hc3")) {
    base$vcov <- vcovHC(fit, type = toupper(errors))
  } else if (errors == "newey:auto") {
    # Stata-style NW with an automatic (Newey-West 1994) lag, no prewhitening.
    lag <- floor(bwNeweyWest(fit, prewhite = FALSE))
    base$vcov <- NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = TRUE)
    base$lag <- lag
  } else if (errors == "newey:r-default") {
    # R's defaults: automatic lag on prewhitened scores, VAR(1) prewhitening, no n/(n-k).
    base$vcov <- NeweyWest(fit)
    base$lag <- floor(bwNeweyWest(fit))
  } else if (startsWith(errors, "newey:")) {
    # Stata `newey, lag(L)`: Bartlett weights, no prewhitening, n/(n-k) small-sample scaling.
    lag <- as.integer(sub("newey:", "", errors))
    base$vcov <- NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = TRUE)
    base$lag <- lag
  } else if (errors %in% c("prais", "cochrane-orcutt")) {
    pw <- prais_fit(y, X, corc = errors == "cochrane-orcutt")
    if (!pw$converged) collected_warnings <<- c(collected_warnings, "prais: no convergence")
    base <- list(coef = pw$coef, vcov = pw$vcov, df = pw$df, n = pw$n, sigma = pw$sigma,
                 loglik = NULL, aic = NULL, rho = pw$rho, iterations = pw$iterations, lag = NULL)
  } else stop("unknown errors ", errors)
  names(base$coef) <- colnames(X)
  dimnames(base$vcov) <- list(colnames(X), colnames(X))
  base
}

# R expression that produces the covariance, recorded as "call" in the fixture.
call_string <- function(outcome, X, subset_rows, errors, lag) {
  rhs <- paste(colnames(X)[-1], collapse = " + ")
  sub <- if (length(subset_rows)) sprintf(", subset = -c(%s)", paste(subset_rows, collapse = ", ")) else ""
  lmc <- sprintf("lm(%s ~ %s%s)", outcome, rhs, sub)
  switch(errors,
         "ols" = lmc,
         "hc0" = , "hc1" = , "hc2" = , "hc3" = sprintf('vcovHC(%s, type = "%s")', lmc, toupper(errors)),
         "newey:auto" = sprintf("NeweyWest(fit <- %s, lag = floor(bwNeweyWest(fit, prewhite = FALSE)), prewhite = FALSE, adjust = TRUE) [lag = %d]", lmc, lag),
         "newey:r-default" = sprintf("NeweyWest(fit <- %s) [lag = floor(bwNeweyWest(fit)) = %d]", lmc, lag),
         "prais" = sprintf("prais_fit(y, X, corc = FALSE) [Stata prais; X from %s]", lmc),
         "cochrane-orcutt" = sprintf("prais_fit(y, X, corc = TRUE) [Stata prais, corc; X from %s]", lmc),
         sprintf("NeweyWest(%s, lag = %d, prewhite = FALSE, adjust = TRUE)", lmc, lag))
}

# ---------------------------------------------------------------------------------------------
# Diagnostics on the OLS residuals of the design
# ---------------------------------------------------------------------------------------------

diagnostics <- function(fit) {
  r <- residuals(fit)
  n <- length(r)
  k <- length(coef(fit))
  L <- min(12, n - 1)
  dw <- dwtest(fit)
  bg <- list()
  for (p in 1:12) {
    if (n - k - p < 1) next  # the auxiliary regression has no residual df left
    chi <- bgtest(fit, order = p, type = "Chisq")
    f <- bgtest(fit, order = p, type = "F")
    bg[[length(bg) + 1]] <- list(
      order = p, chisq = unname(chi$statistic), chisq_df = unname(chi$parameter),
      chisq_p_value = chi$p.value, f = unname(f$statistic),
      f_df1 = unname(f$parameter[1]), f_df2 = unname(f$parameter[2]), f_p_value = f$p.value)
  }
  lb <- Box.test(r, lag = L, type = "Ljung-Box")
  bp <- Box.test(r, lag = L, type = "Box-Pierce")
  list(
    durbin_watson = list(statistic = unname(dw$statistic), p_value = dw$p.value),
    breusch_godfrey = bg,
    ljung_box = list(lag = L, statistic = unname(lb$statistic), p_value = lb$p.value),
    box_pierce = list(lag = L, statistic = unname(bp$statistic), p_value = bp$p.value),
    acf = I(as.vector(acf(r, lag.max = L, plot = FALSE)$acf)[-1]),
    pacf = I(as.vector(pacf(r, lag.max = L, plot = FALSE)$acf)))
}

# ---------------------------------------------------------------------------------------------
# Effects at horizons and post-period trends
# ---------------------------------------------------------------------------------------------

quad_se <- function(g, V) sqrt(as.numeric(t(g) %*% V %*% g))

# Effects K periods after the first interruption, on the full design (transition rows included).
effects_at <- function(X, periods, first_row, horizons, b, V, df, transform) {
  cc <- qt(0.975, df)
  lapply(horizons, function(K) {
    row <- first_row + K
    stopifnot(row <= nrow(X))
    x <- X[row, ]
    xcf <- x
    xcf[interruption_columns(X)] <- 0
    g <- x - xcf
    if (transform == "none") {
      fitted <- sum(x * b); cf <- sum(xcf * b)
      abs_se <- quad_se(g, V)
      rel <- fitted / cf - 1
      # Delta method for a ratio of two linear predictions (Zhang et al. 2009).
      rel_se <- quad_se(x / cf - fitted / cf^2 * xcf, V)
      rel_ci <- rel + c(-1, 1) * cc * rel_se
    } else {
      fitted <- exp(sum(x * b)); cf <- exp(sum(xcf * b))  # original scale, no smearing
      abs_se <- quad_se(fitted * x - cf * xcf, V)
      d <- sum(g * b)
      rel <- exp(d) - 1
      rel_se <- NULL
      rel_ci <- exp(d + c(-1, 1) * cc * quad_se(g, V)) - 1  # transformed CI of the log ratio
    }
    absolute <- fitted - cf
    list(periods_after = K, period = periods[row], fitted = fitted, counterfactual = cf,
         absolute = absolute, absolute_se = abs_se,
         absolute_ci = absolute + c(-1, 1) * cc * abs_se,
         relative = rel, relative_se = rel_se, relative_ci = rel_ci)
  })
}

# Trend after interruption j: time + slope1 + ... + slope_j.
post_trend <- function(b, V, df, transform) {
  nm <- names(b)
  J <- sum(grepl("^slope[0-9]+$", nm))
  cc <- qt(0.975, df)
  lapply(seq_len(J), function(j) {
    g <- as.numeric(nm %in% c("time", paste0("slope", seq_len(j))))
    est <- sum(g * b)
    se <- quad_se(g, V)
    ci <- est + c(-1, 1) * cc * se
    # percent per period only for log models; null (the kit must leave it out) otherwise
    list(interruption = j, estimate = est, std_error = se, ci = ci,
         percent = if (transform == "log") 100 * (exp(est) - 1) else NULL,
         percent_ci = if (transform == "log") 100 * (exp(ci) - 1) else NULL)
  })
}

# ---------------------------------------------------------------------------------------------
# Case runner
# ---------------------------------------------------------------------------------------------

# Fit one case and assemble its JSON record (inputs, specification, results).
run_case_inner <- function(name, series, outcome, interruptions, impact = "level+slope",
                           seasonality = "none", transform = "none", transition = 0L,
                           covariates = character(0), errors, horizons) {
  X <- make_design(series, interruptions, impact, seasonality, covariates)
  y_all <- if (transform == "log") log(series$y) else series$y
  drop <- transition_rows(series, interruptions, transition)
  keep <- setdiff(seq_along(y_all), drop)
  y <- y_all[keep]
  Xf <- X[keep, , drop = FALSE]
  # lm on the design columns; the intercept column is supplied by the formula.
  d <- data.frame(Xf[, -1, drop = FALSE], check.names = FALSE)
  d$.y <- y
  fit <- lm(.y ~ ., data = d)
  stopifnot(max(abs(model.matrix(fit) - Xf)) == 0)  # lm uses exactly our design
  res <- fit_errors(fit, y, Xf, errors)
  b <- res$coef; V <- res$vcov; df <- res$df
  se <- sqrt(diag(V))
  tstat <- b / se
  cc <- qt(0.975, df)
  first_row <- match(interruptions[1], series$periods)
  autoregressive <- errors %in% c("prais", "cochrane-orcutt")
  fixture_case(
    name, kind = "model", call = call_string(outcome, X, drop, errors, res$lag),
    data = list(series = series[c("frequency", "periods", "y", "covariates")]),
    spec = list(interruptions = as.list(interruptions), impact = impact, seasonality = seasonality,
                transform = transform, transition = transition, covariates = as.list(covariates),
                family = "gaussian", errors = errors, effects_at = as.list(horizons)),
    expected = list(
      n = res$n, df_residual = df,
      coefficients = coefficient_rows(names(b), b, se, tstat,
                                      2 * pt(abs(tstat), df, lower.tail = FALSE),
                                      b - cc * se, b + cc * se),
      vcov = matrix_rows(V),
      sigma = res$sigma, log_likelihood = res$loglik, aic = res$aic,
      error_parameters = if (is.null(res$rho)) setNames(list(), character(0)) else list(rho = res$rho),
      lag = res$lag,
      diagnostics = diagnostics(fit),
      effects = effects_at(X, series$periods, first_row, horizons, b, V, df, transform),
      post_trends = post_trend(b, V, df, transform)),
    tolerance = gaussian_tolerance(autoregressive))
}

# Closed forms (OLS, HC, Newey-West, diagnostics) are the same arithmetic as R up to rounding;
# iterated fits (Prais-Winsten, Cochrane-Orcutt) stop at a tolerance on rho on both sides. The
# diagnostics are always of the OLS residuals, so always closed forms. p values of the
# diagnostics are compared relative to max(p, 1e-8): R's Box.test reports 1 - pchisq, which is 0
# where the kit's direct upper tail gives 1e-17.
gaussian_tolerance <- function(autoregressive) {
  fit <- if (autoregressive) tolerance(1e-6, "iterated: both sides stop at a tolerance on rho")
         else tolerance(1e-8, "closed form: the same arithmetic as R up to rounding")
  closed <- tolerance(1e-8, "closed form: the same arithmetic as R up to rounding")
  p <- tolerance(1e-8, "R's 1 - pchisq is 0 where the kit's upper tail is 1e-17", floor = 1e-8)
  list(default = fit,
       vcov = tolerance(fit$relative, "a covariance 0 up to rounding is compared on the scale of the largest variance",
                        scale = "largest_variance"),
       diagnostics = closed,
       diagnostics.durbin_watson.p_value = p,
       diagnostics.breusch_godfrey.chisq_p_value = p,
       diagnostics.breusch_godfrey.f_p_value = p,
       diagnostics.ljung_box.p_value = p,
       diagnostics.box_pierce.p_value = p)
}

# Run a case, recording any R warning with the case name.
run_case <- function(name, ...) {
  withCallingHandlers(
    run_case_inner(name, ...),
    warning = function(w) {
      collected_warnings <<- c(collected_warnings, paste0(name, ": ", conditionMessage(w)))
      invokeRestart("muffleWarning")
    })
}

# ---------------------------------------------------------------------------------------------
# Data and cases
# ---------------------------------------------------------------------------------------------

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

# 1. California, Proposition 99 (Linden 2015, Stata itsa single-group example).
ca <- california(data_dir)
ca_series <- make_series("year", period_labels("year", 1970L, 1L, 31L), ca$cigsale)
for (e in c("ols", "hc0", "hc1", "hc2", "hc3", "newey:0", "newey:1", "newey:3", "newey:auto",
            "newey:r-default", "prais", "cochrane-orcutt")) {
  add(run_case(paste0("california_levelslope_", e), ca_series, "cigsale", "1989",
               errors = e, horizons = c(0, 5, 11)))
}
add(run_case("california_level_newey:1", ca_series, "cigsale", "1989", impact = "level",
             errors = "newey:1", horizons = c(0, 5, 11)))
add(run_case("california_slope_ols", ca_series, "cigsale", "1989", impact = "slope",
             errors = "ols", horizons = c(0, 5, 11)))
add(run_case("california_two_interruptions_newey:2", ca_series, "cigsale", c("1989", "1995"),
             errors = "newey:2", horizons = c(0, 6, 11)))

# Linden (2015) published Stata `newey, lag(1)` results, to 4 decimals.
linden <- cases[[which(vapply(cases, `[[`, "", "name") == "california_levelslope_newey:1")]]
linden_est <- vapply(linden$expected$coefficients, `[[`, 0, "estimate")
linden_se <- vapply(linden$expected$coefficients, `[[`, 0, "std_error")
stopifnot(
  all.equal(round(linden_est, 4), c(132.2258, -1.7795, -20.0581, -1.4947), tolerance = 1e-12),
  all.equal(round(linden_se, 4), c(4.2531, 0.3834, 4.7244, 0.4368), tolerance = 1e-12))
cat("Linden (2015) check passed: estimates", format(round(linden_est, 4)),
    "SE", format(round(linden_se, 4)), "\n")

# 2. Sicily acute coronary events per 100,000 standardised population (Lopez Bernal et al. 2017).
sicily <- read.csv(file.path(data_dir, "sicily.csv"))
sicily <- sicily[order(sicily$year, sicily$month), ]
sic_periods <- sprintf("%04d-%02d", sicily$year, sicily$month)
stopifnot(identical(sic_periods, period_labels("month", 2002L, 1L, 59L)))
sic_series <- make_series("month", sic_periods, sicily$aces / sicily$stdpop * 100000)
for (e in c("ols", "newey:3", "prais")) {
  add(run_case(paste0("sicily_fourier2_", e), sic_series, "rate", "2005-01",
               seasonality = "fourier:2", errors = e, horizons = c(0, 11, 22)))
}
for (e in c("newey:auto", "newey:r-default")) {
  add(run_case(paste0("sicily_month_", e), sic_series, "rate", "2005-01",
               seasonality = "month", errors = e, horizons = c(0, 11, 22)))
}
add(run_case("sicily_log_fourier2_newey:2", sic_series, "log(rate)", "2005-01",
             seasonality = "fourier:2", transform = "log", errors = "newey:2",
             horizons = c(0, 11, 22)))

# AR(1) noise with a burn-in so the series starts near stationarity.
ar1 <- function(n, rho, sd, burn = 200) {
  u <- rnorm(n + burn, 0, sd)
  e <- numeric(n + burn)
  e[1] <- u[1]
  for (i in 2:(n + burn)) e[i] <- rho * e[i - 1] + u[i]
  e[burn + seq_len(n)]
}

# Synthetic values are rounded to 6 decimals so the JSON carries exactly what was fitted.
# 3. Synthetic monthly, two interruptions, monthly dummies, one covariate, AR(1) errors.
set.seed(20161001)
s3_periods <- period_labels("month", 2015L, 1L, 60L)
s3_x <- round(rnorm(60, 0, 1), 6)
s3_X <- make_design(make_series("month", s3_periods, NULL, list(x = s3_x)),
                    c("2017-07", "2019-01"), "level+slope", "none", "x")
s3_y <- round(10 + 0.05 * s3_X[, "time"] - 2 * s3_X[, "level1"] - 0.1 * s3_X[, "slope1"] +
              1 * s3_X[, "level2"] + 0.05 * s3_X[, "slope2"] +
              0.3 * sin(2 * pi * calendar_month(s3_periods) / 12) + 0.5 * s3_x +
              ar1(60, 0.5, 0.4), 6)
s3_series <- make_series("month", s3_periods, unname(s3_y), list(x = s3_x))
for (e in c("ols", "hc3", "newey:4", "newey:auto", "newey:r-default", "prais", "cochrane-orcutt")) {
  add(run_case(paste0("synthetic_two_interruptions_", e), s3_series, "y", c("2017-07", "2019-01"),
               seasonality = "month", covariates = "x", errors = e, horizons = c(0, 6, 17)))
}

# 4. Synthetic log-scale monthly series with a 2-month transition.
set.seed(20171001)
s4_periods <- period_labels("month", 2016L, 1L, 48L)
s4_X <- make_design(make_series("month", s4_periods, NULL), "2017-10", "level+slope",
                    "fourier:1", character(0))
s4_y <- round(exp(5 + 0.01 * s4_X[, "time"] + 0 * s4_X[, "level1"] - 0.008 * s4_X[, "slope1"] +
                  0.03 * s4_X[, "sin1"] + ar1(48, 0.4, 0.03)), 6)
s4_series <- make_series("month", s4_periods, unname(s4_y))
for (e in c("newey:3", "prais")) {
  add(run_case(paste0("synthetic_log_transition_", e), s4_series, "log(y)", "2017-10",
               seasonality = "fourier:1", transform = "log", transition = 2L, errors = e,
               horizons = c(0, 12, 24)))
}

# 5. Synthetic quarterly, slope-only impact, iid noise.
set.seed(20100101)
s5_periods <- period_labels("quarter", 2010L, 1L, 24L)
s5_X <- make_design(make_series("quarter", s5_periods, NULL), "2014-Q1", "slope", "none",
                    character(0))
s5_y <- round(50 + 0.5 * s5_X[, "time"] - 0.4 * s5_X[, "slope1"] + rnorm(24, 0, 1), 6)
s5_series <- make_series("quarter", s5_periods, unname(s5_y))
for (e in c("newey:2", "ols")) {
  add(run_case(paste0("synthetic_quarterly_slope_", e), s5_series, "y", "2014-Q1",
               impact = "slope", errors = e, horizons = c(0, 4)))
}

# 6. Synthetic long monthly series (n = 120), monthly dummies, AR(1) errors. With n >= 100
# lmtest::dwtest (default exact = NULL) uses its normal approximation for the DW p value.
set.seed(20200101)
s6_periods <- period_labels("month", 2010L, 1L, 120L)
s6_X <- make_design(make_series("month", s6_periods, NULL), "2015-01", "level+slope", "none",
                    character(0))
s6_y <- round(100 + 0.2 * s6_X[, "time"] - 5 * s6_X[, "level1"] - 0.3 * s6_X[, "slope1"] +
              2 * cos(2 * pi * calendar_month(s6_periods) / 12) + ar1(120, 0.3, 1.5), 6)
s6_series <- make_series("month", s6_periods, unname(s6_y))
for (e in c("ols", "newey:auto")) {
  add(run_case(paste0("synthetic_long_month_", e), s6_series, "y", "2015-01",
               seasonality = "month", errors = e, horizons = c(0, 12, 59)))
}

# 7. Synthetic log-scale monthly series, level-only impact, iid noise, HC1.
set.seed(20190101)
s7_periods <- period_labels("month", 2017L, 1L, 36L)
s7_X <- make_design(make_series("month", s7_periods, NULL), "2018-07", "level", "fourier:1",
                    character(0))
s7_y <- round(exp(3 + 0.005 * s7_X[, "time"] - 0.1 * s7_X[, "level1"] + 0.05 * s7_X[, "sin1"] +
                  rnorm(36, 0, 0.04)), 6)
s7_series <- make_series("month", s7_periods, unname(s7_y))
add(run_case("synthetic_level_log_hc1", s7_series, "log(y)", "2018-07", impact = "level",
             seasonality = "fourier:2", transform = "log", errors = "hc1", horizons = c(0, 6, 17)))

# 8. Synthetic quarterly series with a seasonal pattern, started in Q3 so that the seasonal
# columns follow the calendar quarter, not the row: quarter dummies and Fourier pairs of period 4.
set.seed(20120701)
s8_periods <- period_labels("quarter", 2012L, 3L, 32L)
s8_q <- calendar_quarter(s8_periods)
s8_t <- seq_along(s8_periods) - 1
s8_y <- round(80 + 0.6 * s8_t - 4 * (s8_t >= 16) - 0.3 * pmax(s8_t - 16, 0) +
              c(0, 3, -2, 5)[s8_q] + ar1(32, 0.2, 1), 6)
s8_series <- make_series("quarter", s8_periods, unname(s8_y))
# Fourier of period 4 on a series started in Q1 are forecast::fourier's columns (which count
# from the first row): the same convention, checked here once.
q1_periods <- period_labels("quarter", 2012L, 1L, 8L)
q1_X <- make_design(make_series("quarter", q1_periods, NULL), "2013-Q1", "level", "fourier:2",
                    character(0))
stopifnot(max(abs(q1_X[, c("sin1", "cos1", "cos2")] -
                  forecast::fourier(ts(rep(0, 8), frequency = 4, start = c(2012, 1)), K = 2))) < 1e-12)
for (e in c("ols", "newey:2")) {
  add(run_case(paste0("synthetic_quarterly_dummies_", e), s8_series, "y", "2016-Q3",
               seasonality = "quarter", errors = e, horizons = c(0, 4, 15)))
}
add(run_case("synthetic_quarterly_fourier2_hc3", s8_series, "y", "2016-Q3",
             seasonality = "fourier:2", errors = "hc3", horizons = c(0, 8)))
add(run_case("synthetic_quarterly_log_fourier1_newey:1", s8_series, "log(y)", "2016-Q3",
             seasonality = "fourier:1", transform = "log", errors = "newey:1", horizons = c(0, 8)))

# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

write_fixture(out_file, "gaussian.R",
  paste("Reference results for Gaussian interrupted-time-series models,",
        "generated by tests/reference/gaussian.R"),
  list(r = R.version.string,
       sandwich = as.character(packageVersion("sandwich")),
       lmtest = as.character(packageVersion("lmtest")),
       jsonlite = as.character(packageVersion("jsonlite"))),
  cases)

for (cs in cases) {
  if (!is.null(cs$expected$lag) && cs$spec$errors %in% c("newey:auto", "newey:r-default"))
    cat(sprintf("  %-45s lag %d\n", cs$name, cs$expected$lag))
  if (!is.null(cs$expected$error_parameters$rho))
    cat(sprintf("  %-45s rho %.6f\n", cs$name, cs$expected$error_parameters$rho))
}
if (length(collected_warnings)) {
  cat("Warnings:\n")
  cat(paste0("  ", unique(collected_warnings), "\n"), sep = "")
}
