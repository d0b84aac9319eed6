# Reference fixtures for the count models of interrupted time series: Poisson, quasi-Poisson and
# negative binomial regression with a log link and a log-population offset.
#
# What: fits every case below with R (glm, MASS::glm.nb, sandwich, lmtest) and writes the results,
# with the input data of each case, to tests/reference/glm.json. The C# tests read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/glm.R
# Data are read from the folder in ITS_DATA (default data, the repository's own copies), which must hold sicily.csv.
# The output is deterministic.
#
# Conventions (as the kit): Wald z inference for every count model (lmtest::coeftest on a glm uses
# df = Inf; the Lopez Bernal et al. 2017 tutorial and Stata glm report z intervals), so
# quasi-Poisson p values and CIs are the z ones, not summary.glm's t. IRLS is run to
# epsilon = 1e-12 so that R's answer is the optimum, not an early stop.

suppressPackageStartupMessages({
  library(MASS)
  library(sandwich)
  library(lmtest)
  library(jsonlite)
})

data_dir <- Sys.getenv("ITS_DATA", unset = "data")
out_file <- file.path("tests", "reference", "glm.json")
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

control <- glm.control(epsilon = 1e-12, maxit = 5000)  # glm.nb alternates up to maxit times

fit_family <- function(y, X, offset, family, control) {
  switch(family,
    poisson = glm(y ~ X - 1, family = poisson, offset = offset, control = control),
    quasipoisson = glm(y ~ X - 1, family = quasipoisson, offset = offset, control = control),
    negbin = glm.nb(y ~ X - 1 + offset(offset), control = control))
}

covariance <- function(fit, errors) {
  if (errors == "ols") return(list(V = vcov(fit), lag = NULL))
  if (errors %in% c("hc0", "hc1", "hc2", "hc3")) return(list(V = vcovHC(fit, type = toupper(errors)), lag = NULL))
  if (errors == "newey:auto") {
    lag <- floor(bwNeweyWest(fit, prewhite = FALSE))
    return(list(V = NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = TRUE), lag = lag))
  }
  if (errors == "newey:r-default") return(list(V = NeweyWest(fit), lag = floor(bwNeweyWest(fit))))
  lag <- as.integer(sub("newey:", "", errors))
  list(V = NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = TRUE), lag = lag)
}

# The R call behind each covariance (lag is the one used).
covariance_call <- function(errors, lag) {
  if (errors == "ols") return("vcov(fit)")
  if (errors %in% c("hc0", "hc1", "hc2", "hc3")) return(sprintf('vcovHC(fit, type = "%s")', toupper(errors)))
  if (errors == "newey:r-default") return("NeweyWest(fit)")
  sprintf("NeweyWest(fit, lag = %d, prewhite = FALSE, adjust = TRUE)", lag)
}

quad <- function(g, V) as.numeric(t(g) %*% V %*% g)

# Effects on the count scale at horizons K after the first interruption: fitted and
# counterfactual counts include the offset of that month; relative change exp(d) - 1 with the
# transformed z interval; absolute change by the delta method.
count_effects <- function(X, offset, periods, first_row, horizons, b, V) {
  z <- qnorm(0.975)
  icol <- interruption_columns(X)
  lapply(horizons, function(K) {
    r <- first_row + K
    x <- X[r, ]; xcf <- x; xcf[icol] <- 0
    fitted <- exp(sum(x * b) + offset[r]); cf <- exp(sum(xcf * b) + offset[r])
    g <- x - xcf; d <- sum(g * b); dse <- sqrt(quad(g, V))
    ase <- sqrt(quad(fitted * x - cf * xcf, V))
    list(periods_after = K, period = periods[r], fitted = fitted, counterfactual = cf,
         exposure = exp(offset[r]), absolute = fitted - cf, absolute_se = ase,
         absolute_ci = I(c(fitted - cf - z * ase, fitted - cf + z * ase)),
         relative = exp(d) - 1, relative_ci = I(exp(c(d - z * dse, d + z * dse)) - 1))
  })
}

run_case <- function(name, series, offset_name, interruptions, impact, seasonality, family, errors, effects_at,
                     maxit = 5000L, tolerances = count_tolerance) {
  control <- glm.control(epsilon = 1e-12, maxit = maxit)
  X <- make_design(series, interruptions, impact, seasonality, character(0))
  y <- series$y
  offset <- log(series$covariates[[offset_name]])
  fit <- fit_family(y, X, offset, family, control)
  cv <- covariance(fit, errors)
  ct <- coeftest(fit, vcov. = cv$V, df = Inf)
  b <- coef(fit); names(b) <- colnames(X)
  z <- qnorm(0.975)
  pearson <- sum(residuals(fit, type = "pearson")^2)
  first_row <- match(interruptions[1], series$periods)
  model_call <- switch(family,
    negbin = sprintf("glm.nb(y ~ X - 1 + offset(log(pop)), control = glm.control(epsilon = 1e-12, maxit = %d))", maxit),
    sprintf("glm(y ~ X - 1, family = %s, offset = log(pop), control = glm.control(epsilon = 1e-12, maxit = %d))", family, maxit))
  deviance_residuals <- residuals(fit, type = "deviance")
  ljung_box <- Box.test(deviance_residuals, lag = 12, type = "Ljung-Box")
  family_parameters <- switch(family,
    negbin = list(theta = fit$theta, theta_se = fit$SE.theta),
    quasipoisson = list(dispersion = summary(fit)$dispersion),
    setNames(list(), character(0)))
  fixture_case(
    name, kind = "model",
    call = sprintf("fit <- %s; coeftest(fit, vcov. = %s, df = Inf)", model_call, covariance_call(errors, cv$lag)),
    data = list(series = series),
    spec = list(interruptions = I(interruptions), impact = impact, seasonality = seasonality,
                offset = offset_name, family = family, errors = errors, effects_at = I(effects_at)),
    expected = list(
      n = length(y), df_residual = fit$df.residual,
      coefficients = lapply(coefficient_rows(colnames(X), b, ct[, 2], ct[, 3], ct[, 4], b - z * ct[, 2], b + z * ct[, 2]),
                            function(row) c(row, list(df = NULL))),
      vcov = matrix_rows(cv$V),
      family_parameters = family_parameters,
      log_likelihood = if (family == "quasipoisson") NULL else as.numeric(logLik(fit)),
      aic = if (family == "quasipoisson") NULL else AIC(fit),
      lag = cv$lag,
      diagnostics = list(
        deviance = deviance(fit), pearson_chisq = pearson,
        acf = I(as.numeric(acf(deviance_residuals, lag.max = 12, plot = FALSE)$acf[-1])),
        ljung_box = list(lag = 12L, statistic = unname(ljung_box$statistic), p_value = ljung_box$p.value)),
      effects = count_effects(X, offset, series$periods, first_row, effects_at, b, cv$V)),
    tolerance = tolerances)
}

# IRLS on both sides runs to a relative deviance change of 1e-12, and theta's Newton iteration on
# top of it: estimates agree far below 1e-6 relative. MASS::theta.ml takes the information one
# Newton step before its stop (|step| < 1.2e-4), the kit at the optimum: the SE of theta agrees
# to 1e-5 only.
count_tolerance <- list(
  default = tolerance(1e-6, "IRLS to a relative deviance change of 1e-12 on both sides"),
  coefficients.p_value = tolerance(1e-6, "z p values compared down to 1e-8", floor = 1e-8),
  vcov = tolerance(1e-6, "a covariance 0 up to rounding is compared on the scale of the largest variance",
                   scale = "largest_variance"),
  family_parameters.theta_se = tolerance(1e-5, "MASS::theta.ml's information is one Newton step before its optimum"))

sicily <- read.csv(file.path(data_dir, "sicily.csv"))
sicily_series <- make_series("month", sprintf("%04d-%02d", sicily$year, sicily$month), sicily$aces, list(stdpop = sicily$stdpop))

cases <- list()
add <- function(...) cases[[length(cases) + 1]] <<- run_case(...)

# The tutorial's model (Lopez Bernal et al. 2017): level change only, two Fourier pairs.
add("sicily_level_quasipoisson", sicily_series, "stdpop", "2005-01", "level", "fourier:2", "quasipoisson", "ols", c(0L, 11L, 22L))
published <- cases[[1]]$expected$coefficients[[3]]
stopifnot(published$term == "level1",
          round(exp(published$estimate), 4) == 0.8851,
          all(round(exp(published$ci), 4) == c(0.8394, 0.9332)))
add("sicily_level_poisson", sicily_series, "stdpop", "2005-01", "level", "fourier:2", "poisson", "ols", c(0L, 22L))
add("sicily_levelslope_quasipoisson", sicily_series, "stdpop", "2005-01", "level+slope", "fourier:2", "quasipoisson", "ols", c(0L, 11L, 22L))
slope_model <- cases[[3]]$expected$coefficients[[3]]
stopifnot(round(exp(slope_model$estimate), 4) == 0.8778,
          all(round(exp(slope_model$ci), 4) == c(0.8291, 0.9292)))
for (errors in c("hc0", "hc1", "hc3", "newey:2", "newey:auto", "newey:r-default"))
  add(paste0("sicily_levelslope_poisson_", errors), sicily_series, "stdpop", "2005-01", "level+slope", "fourier:2", "poisson", errors, c(0L, 11L, 22L))
add("sicily_levelslope_quasipoisson_newey:2", sicily_series, "stdpop", "2005-01", "level+slope", "fourier:2", "quasipoisson", "newey:2", c(0L, 22L))
add("sicily_levelslope_negbin", sicily_series, "stdpop", "2005-01", "level+slope", "fourier:2", "negbin", "ols", c(0L, 11L, 22L))

# Over-dispersed synthetic counts with zeros: negative binomial, theta 4, population offset.
set.seed(20240101)
n <- 60
periods <- period_labels("month", 2015, 1, n)
pop <- round(seq(5000, 6200, length.out = n))
t <- 0:(n - 1)
mu <- pop / 1000 * exp(0.2 + 0.01 * t - 0.4 * (t >= 30) - 0.02 * pmax(t - 30, 0))
counts <- rnbinom(n, size = 4, mu = mu)
synthetic <- make_series("month", periods, counts, list(pop = pop))
stopifnot(any(counts == 0))
add("synthetic_negbin", synthetic, "pop", "2017-07", "level+slope", "none", "negbin", "ols", c(0L, 12L, 29L))
add("synthetic_negbin_newey:2", synthetic, "pop", "2017-07", "level+slope", "none", "negbin", "newey:2", c(0L, 29L))
add("synthetic_poisson_hc3", synthetic, "pop", "2017-07", "level+slope", "none", "poisson", "hc3", c(0L, 29L))

# Near-Poisson counts, 2,000 months (theta 5,000: variance mu + mu^2 / 5000): theta's likelihood is flat.
# glm.nb's alternation never meets epsilon = 1e-12 in the absolute change of theta (at maxit =
# 5000 it runs for 7 minutes and ends with "alternation limit reached" at the same estimates), so
# the case stops it at 30; the kit stops when theta moves by less than 1e-8 of its SE.
set.seed(20261203)
n <- 2000
t <- 0:(n - 1)
near_pop <- rep(100000, n)
near_counts <- rnbinom(n, size = 5000, mu = 50 * exp(0.0002 * t - 0.1 * (t >= 1500)))
near_poisson <- make_series("month", period_labels("month", 1850, 1, n), near_counts, list(pop = near_pop))
add("near_poisson_negbin", near_poisson, "pop", "1975-01", "level+slope", "none", "negbin", "ols", c(0L, 499L),
    maxit = 30L, tolerances = c(count_tolerance[names(count_tolerance) != "family_parameters.theta_se"], list(
      family_parameters = tolerance(1e-4, "theta's likelihood is flat (SE about 2 x theta): R stops at its alternation limit"))))

write_fixture(out_file, "glm.R",
  "Count ITS models (glm, MASS::glm.nb) with sandwich covariances, z inference; see glm.R",
  list(r = R.version.string, mass = as.character(packageVersion("MASS")),
       sandwich = as.character(packageVersion("sandwich")), lmtest = as.character(packageVersion("lmtest")),
       jsonlite = as.character(packageVersion("jsonlite"))),
  cases)
