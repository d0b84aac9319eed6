# Reference fixtures for transfer-function impacts with an estimated rate (Box and Tiao 1975):
# a gradual step omega (1 - delta^(k+1)) / (1 - delta) or a decaying pulse omega delta^k, k periods
# after the interruption, beside the intercept and time.
#
# What: for each case, delta is found by profile likelihood, as the kit does it: the model with
# delta fixed is fitted at delta = 0, 0.05, ..., 0.95 and 0.999, then optimize() (Brent) runs
# between the best grid point's neighbours (tol 1e-10). Then:
#   - least squares: stats::nls from one Gauss-Newton step past the profile maximum (its
#     relative-offset test, tol 1e-6 with scaleOffset 1, is met there at once), vcov(nls)
#     (sigma^2 (J'J)^-1), or sandwich::NeweyWest on the nls fit;
#   - Poisson: glm on the design linearised at (delta-hat, omega-hat): the columns of the model's
#     gradient, so its vcov is the Fisher information of the nonlinear model (J'WJ)^-1 and its
#     coefficient of omega-hat dg/d(delta) is the step from delta-hat (checked to be below 1e-6);
#   - ARIMA errors: arima(method = "ML") on the same linearised design, vcov from its Hessian.
# Effects at horizons, cumulative effects and the long-run change omega / (1 - delta) are computed
# by hand from the nonlinear model,
# F = x0'b + omega g_k(delta) and U = x0'b (exp() of both for a log outcome or a log link), with
# the delta method on the gradient in (b, omega, delta): (x0, g_k, omega dg_k/d(delta)).
# Writes tests/reference/transfer.json; the C# tests read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/transfer.R
#
# Data are read from the folder in ITS_DATA (default data, the repository's own copies).
# Only base R, stats, sandwich and jsonlite are used. The output is deterministic.

suppressPackageStartupMessages({
  library(jsonlite)
  library(sandwich)
})

data_dir <- Sys.getenv("ITS_DATA", "data")
out_file <- file.path("tests", "reference", "transfer.json")
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

# The impact per unit of omega k periods after the interruption, and its derivative in delta.
g_value <- function(impact, d, k) {
  ifelse(k < 0, 0, if (impact == "decay") d^pmax(k, 0) else (1 - d^(pmax(k, 0) + 1)) / (1 - d))
}
g_rate <- function(impact, d, k) {
  vapply(k, function(kk) {
    if (kk < 1) return(0)
    if (impact == "decay") kk * d^(kk - 1) else sum(seq_len(kk) * d^(seq_len(kk) - 1))
  }, 0)
}

upper <- 0.999
# delta-hat: the kit's grid, then optimize between the best grid point's neighbours.
profile_rate <- function(loglik) {
  grid <- c(seq(0, 0.95, by = 0.05), upper)
  values <- vapply(grid, loglik, 0)
  best <- which.max(values)
  lo <- grid[max(best - 1, 1)]; hi <- grid[min(best + 1, length(grid))]
  found <- optimize(function(d) -loglik(d), c(lo, hi), tol = 1e-10)$minimum
  stopifnot(loglik(found) >= values[best], found > 1e-3, found < upper - 1e-3)
  found
}

quad <- function(g, V) sqrt(as.numeric(t(g) %*% V %*% g))

# Effects at horizons and a cumulative window from the nonlinear model's parameters theta =
# (b, omega, delta) and their covariance V; `log` reads both on the exp scale.
effects_of <- function(impact, X0, k, theta, V, first_row, periods, horizons, critical, log, window = NULL) {
  p <- ncol(X0)
  b <- theta[seq_len(p)]; w <- theta[p + 1]; d <- theta[p + 2]
  at <- function(row) {
    x0 <- X0[row, ]
    g <- g_value(impact, d, k[row]); gd <- g_rate(impact, d, k[row])
    eta_f <- sum(x0 * b) + w * g; eta_u <- sum(x0 * b)
    grad_f <- c(x0, g, w * gd); grad_u <- c(x0, 0, 0)
    if (log) list(f = exp(eta_f), u = exp(eta_u), gf = exp(eta_f) * grad_f, gu = exp(eta_u) * grad_u,
                  change = w * g, gchange = grad_f - grad_u)
    else list(f = eta_f, u = eta_u, gf = grad_f, gu = grad_u)
  }
  effects <- lapply(horizons, function(K) {
    e <- at(first_row + K)
    abs_se <- quad(e$gf - e$gu, V)
    out <- list(periods_after = K, period = periods[first_row + K], fitted = e$f, counterfactual = e$u,
                absolute = e$f - e$u, absolute_se = abs_se, absolute_ci = (e$f - e$u) + c(-1, 1) * critical * abs_se)
    if (log) {
      se <- quad(e$gchange, V)
      out$relative <- exp(e$change) - 1
      out$relative_ci <- exp(e$change + c(-1, 1) * critical * se) - 1
    } else {
      rel_se <- quad(e$gf / e$u - e$gu * e$f / e$u^2, V)
      out$relative <- e$f / e$u - 1
      out$relative_se <- rel_se
      out$relative_ci <- out$relative + c(-1, 1) * critical * rel_se
    }
    out
  })
  # omega / (1 - delta), gradient (0, 1 / (1 - delta), omega / (1 - delta)^2) in (b, omega, delta).
  h <- w / (1 - d)
  h_se <- quad(c(rep(0, p), 1 / (1 - d), w / (1 - d)^2), V)
  result <- list(effects = effects,
                 long_run = list(list(term = paste0(impact, "1 / (1 - rate)"), estimate = h, std_error = h_se,
                                      ci = h + c(-1, 1) * critical * h_se)))
  if (!is.null(window)) {
    rows <- first_row + window[1]:window[2]
    es <- lapply(rows, at)
    F <- sum(vapply(es, `[[`, 0, "f")); U <- sum(vapply(es, `[[`, 0, "u"))
    gF <- Reduce(`+`, lapply(es, `[[`, "gf")); gU <- Reduce(`+`, lapply(es, `[[`, "gu"))
    abs_se <- quad(gF - gU, V)
    rel <- F / U - 1; rel_se <- quad(gF / U - gU * F / U^2, V)
    result$cumulative <- list(from = window[1], to = window[2], fitted = F, counterfactual = U,
                              absolute = F - U, absolute_se = abs_se, absolute_ci = (F - U) + c(-1, 1) * critical * abs_se,
                              relative = rel, relative_se = rel_se, relative_ci = rel + c(-1, 1) * critical * rel_se)
  }
  result
}

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

sanming <- read.csv(file.path(data_dir, "sanming_monthly.csv"))
institution <- function(type) sanming[sanming$institution_type == type, ]
interruption <- "2017-10"

# The design without the impact (intercept, time) and k of every row.
base_design <- function(series) {
  X0 <- make_design(series, interruption, "level", "none", character(0))[, c("intercept", "time")]
  list(X0 = X0, k = seq_len(nrow(X0)) - match(interruption, series$periods))
}

ols_case <- function(name, type, outcome, impact, horizons, errors = "ols", lag = 0, window = NULL, transform = "none",
                     extra_tolerance = list()) {
  rows <- institution(type)
  y_raw <- rows[[outcome]]
  y <- if (transform == "log") log(y_raw) else y_raw
  series <- make_series("month", rows$month, y_raw)
  dz <- base_design(series)
  X0 <- dz$X0; k <- dz$k
  delta <- profile_rate(function(d) as.numeric(logLik(lm(y ~ X0 + g_value(impact, d, k) - 1))))
  omega <- unname(coef(lm(y ~ X0 + g_value(impact, delta, k) - 1))[3])
  # One Gauss-Newton step from the profile maximum, as the kit's linearised fit takes it; nls
  # starts there and its convergence test is met at once.
  s <- unname(coef(lm(y ~ X0 + g_value(impact, delta, k) + I(omega * g_rate(impact, delta, k)) - 1)))
  fit <- nls(y ~ drop(X0 %*% b) + w * g_value(impact, d, k),
             start = list(b = s[1:2], w = s[3], d = delta + s[4]), control = nls.control(tol = 1e-6, scaleOffset = 1))
  theta <- unname(coef(fit))
  V <- if (errors == "ols") vcov(fit) else NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = TRUE)
  V <- unname(V)
  df <- df.residual(fit)
  terms <- c("intercept", "time", paste0(impact, "1"), "rate1")
  crit <- qt(0.975, df)
  se <- sqrt(diag(V))
  first_row <- match(interruption, series$periods)
  e <- effects_of(impact, X0, k, theta, V, first_row, series$periods, horizons, crit, log = transform == "log", window = window)
  spec <- list(interruptions = I(interruption), impact = impact, seasonality = "none", transform = transform,
               errors = errors, effects_at = I(horizons))
  if (!is.null(window)) spec$cumulative <- sprintf("%d:%d", window[1], window[2])
  expected <- list(n = length(y), df_residual = df,
                   coefficients = coefficient_rows(terms, theta, se, theta / se, 2 * pt(-abs(theta / se), df),
                                                   theta - crit * se, theta + crit * se),
                   log_likelihood = as.numeric(logLik(fit)), effects = e$effects, long_run = e$long_run)
  if (!is.null(window)) expected$cumulative <- e$cumulative
  fixture_case(
    name, kind = "model",
    call = sprintf("nls(%s ~ b0 + b1 * time + w * g(d, k), start one Gauss-Newton step past the profile maximum (optimize, tol 1e-10), %s) with g the %s impact; effects by hand (delta method)",
                   if (transform == "log") sprintf("log(%s)", outcome) else outcome,
                   if (errors == "ols") "vcov(nls)" else sprintf("NeweyWest(fit, lag = %d, prewhite = FALSE, adjust = TRUE)", lag),
                   impact),
    data = list(series = series), spec = spec, expected = expected,
    tolerance = c(list(
      default = tolerance(1e-6, "both sides maximise the same profile with Brent's method to 1e-10 in delta, then take a Gauss-Newton step"),
      log_likelihood = tolerance(1e-10, "the maximum of a smooth likelihood")), extra_tolerance))
}

# Where the profile is flat in delta, the two maxima agree to about 1e-7 only (the log-likelihoods
# differ in their last digits, and one Gauss-Newton step does not close the gap on a problem with
# large residuals); a bound near 0 (estimate - 2 SE) or a p value in the tail magnifies that.
flat <- function(se) {
  reason <- sprintf("a flat profile (SE of delta %.2f): about 1e-7 in the parameters, magnified in bounds near 0 and tail p values", se)
  list(coefficients.ci = tolerance(1e-5, reason), coefficients.p_value = tolerance(1e-5, reason),
       effects.absolute_ci = tolerance(1e-5, reason), effects.relative_ci = tolerance(1e-5, reason),
       long_run = tolerance(1e-5, reason))
}

# 1-4. Least squares, Sanming: hospital admissions (gradual, with a cumulative window, and with
# Newey-West), hospital outpatient visits (decaying pulse), CHSI outpatient visits (log, gradual).
add(ols_case("hospital_admissions_gradual_ols", "hospital", "inpatient_admissions", "gradual", c(0L, 6L, 12L, 25L), window = c(0L, 11L)))
add(ols_case("hospital_admissions_gradual_newey3", "hospital", "inpatient_admissions", "gradual", c(0L, 12L, 25L), errors = "newey:3", lag = 3))
add(ols_case("hospital_visits_decay_ols", "hospital", "outpatient_visits", "decay", c(0L, 3L, 12L), extra_tolerance = flat(0.13)))
add(ols_case("chsi_visits_log_gradual_ols", "chsi", "outpatient_visits", "gradual", c(0L, 6L, 25L), transform = "log",
             extra_tolerance = flat(0.27)))

# 5. Poisson, hospital admissions, gradual step; glm on the design linearised at the profile maximum.
rows <- institution("hospital")
series <- make_series("month", rows$month, rows$inpatient_admissions)
dz <- base_design(series)
X0 <- dz$X0; k <- dz$k
y <- rows$inpatient_admissions
control_glm <- glm.control(epsilon = 1e-12, maxit = 5000)
delta <- profile_rate(function(d) as.numeric(logLik(glm(y ~ X0 + g_value("gradual", d, k) - 1, family = poisson, control = control_glm))))
at <- glm(y ~ X0 + g_value("gradual", delta, k) - 1, family = poisson, control = control_glm)
omega <- unname(coef(at)[3])
J <- cbind(X0, g_value("gradual", delta, k), omega * g_rate("gradual", delta, k))
lin <- glm(y ~ J - 1, family = poisson, control = control_glm)
step <- unname(coef(lin)[4])
stopifnot(abs(step) < 1e-6)
theta <- unname(coef(lin)); theta[4] <- delta + step
V <- unname(vcov(lin)); se <- sqrt(diag(V))
first_row <- match(interruption, series$periods)
horizons <- c(0L, 12L, 25L)
e <- effects_of("gradual", X0, k, theta, V, first_row, series$periods, horizons, qnorm(0.975), log = TRUE)
z <- theta / se
add(fixture_case(
  "hospital_admissions_gradual_poisson", kind = "model",
  call = "glm(admissions ~ X0 + g(delta) - 1, poisson) profiled over delta (optimize, tol 1e-10); glm(admissions ~ [X0, g, omega dg/d(delta)] - 1, poisson) at the maximum, vcov(glm); effects by hand",
  data = list(series = series),
  spec = list(interruptions = I(interruption), impact = "gradual", seasonality = "none", family = "poisson",
              errors = "ols", effects_at = I(horizons)),
  expected = list(n = length(y),
                  coefficients = coefficient_rows(c("intercept", "time", "gradual1", "rate1"), theta, se, z, 2 * pnorm(-abs(z)),
                                                  theta - qnorm(0.975) * se, theta + qnorm(0.975) * se),
                  log_likelihood = as.numeric(logLik(lin)), effects = e$effects, long_run = e$long_run),
  tolerance = list(default = tolerance(1e-6, "IRLS to 1e-12 at a profile maximum found to 1e-10 in delta"))))

# 6. AR(1) errors, hospital admissions, gradual step; arima on the linearised design.
control <- list(reltol = 1e-12, maxit = 10000)
arima_fit <- function(xreg) arima(y, order = c(1, 0, 0), xreg = xreg, include.mean = TRUE, method = "ML", optim.control = control)
delta <- profile_rate(function(d) arima_fit(cbind(time = X0[, 2], g = g_value("gradual", d, k)))$loglik)
at <- arima_fit(cbind(time = X0[, 2], g = g_value("gradual", delta, k)))
omega <- unname(coef(at)["g"])
lin <- arima_fit(cbind(time = X0[, 2], g = g_value("gradual", delta, k), r = omega * g_rate("gradual", delta, k)))
stopifnot(lin$code == 0)
cf <- coef(lin)
theta <- unname(cf[c("intercept", "time", "g", "r")]); step <- theta[4]; theta[4] <- delta + step
V <- unname(vcov(lin)[c("intercept", "time", "g", "r"), c("intercept", "time", "g", "r")]); se <- sqrt(diag(V))
e <- effects_of("gradual", X0, k, theta, V, first_row, series$periods, horizons, qnorm(0.975), log = FALSE)
add(fixture_case(
  "hospital_admissions_gradual_ar1", kind = "model",
  call = "arima(admissions, order = c(1, 0, 0), xreg = cbind(time, g(delta)), method = \"ML\") profiled over delta (optimize, tol 1e-10); arima with xreg cbind(time, g, omega dg/d(delta)) at the maximum; effects by hand",
  data = list(series = series),
  spec = list(interruptions = I(interruption), impact = "gradual", seasonality = "none", errors = "arima:1,0,0",
              effects_at = I(horizons)),
  expected = list(n = length(y),
                  coefficients = coefficient_rows(c("intercept", "time", "gradual1", "rate1"), theta, se),
                  error_parameters = list(phi1 = unname(cf["ar1"])),
                  log_likelihood = lin$loglik, effects = lapply(e$effects, function(x) x[c("periods_after", "period", "fitted", "counterfactual", "absolute", "absolute_se", "relative", "relative_se")]),
                  long_run = lapply(e$long_run, function(x) x[c("term", "estimate", "std_error")])),
  tolerance = list(
    default = tolerance(1e-5, "each profile point is an optimiser's maximum (to about 1e-7 in the log-likelihood), so delta-hat agrees to about 1e-6"),
    coefficients.std_error = tolerance(2e-3, "numerical Hessians at slightly different optima"),
    effects.absolute_se = tolerance(2e-3, "from the numerical Hessian"),
    effects.relative_se = tolerance(2e-3, "from the numerical Hessian"),
    long_run.std_error = tolerance(2e-3, "from the numerical Hessian"),
    log_likelihood = tolerance(1e-8, "the maximum itself"))))

write_fixture(out_file, "transfer.R",
  "Reference transfer-function impacts with an estimated rate (nls, glm and arima at the profile maximum), generated by tests/reference/transfer.R",
  list(r = R.version.string, sandwich = as.character(packageVersion("sandwich")),
       jsonlite = as.character(packageVersion("jsonlite"))),
  cases)
