# Reference fixtures for generalized least squares with ARMA(p, q) errors (nlme::gls).
#
# What: fits every case below with
#   nlme::gls(y ~ X - 1, correlation = corARMA(p = P, q = Q), method = "REML" | "ML")
# on a design X built exactly as gaussian.R's make_design (Stata itsa time coding), and writes the
# inputs (series and design columns) and results to tests/reference/gls.json. The C# tests
# (GlsReferenceTests) read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/gls.R
# Data are read from the folder in ITS_DATA (default data, the repository's own copies): prop99_smoking.csv and
# sicily.csv. The output is deterministic (fixed seed, nothing time-dependent).
#
# Besides nlme's fit, the script evaluates the (restricted) log-likelihood by hand (explicit ARMA
# correlation matrix from stats::ARMAacf, Cholesky, QR) and stops unless it reproduces logLik(gls)
# at nlme's optimum; it then re-maximises that profiled likelihood from nlme's optimum with optim
# (BFGS, reltol 1e-15) to show nlme's optimum is precise (printed, not stored). The Satterthwaite
# degrees of freedom of the REML cases are computed by hand with finite differences (below);
# nlme has no Satterthwaite option.
#
# Only base R, stats, nlme and jsonlite are used.

suppressPackageStartupMessages({
  library(nlme)
  library(jsonlite)
})

data_dir <- Sys.getenv("ITS_DATA", unset = "data")
out_file <- file.path("tests", "reference", "gls.json")
collected_warnings <- character(0)

# Series and design (time coding as the kit), and the likelihood by hand.
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "gls-likelihood.R"))
source(file.path("tests", "reference", "fixture.R"))

# ---------------------------------------------------------------------------------------------
# Case runner
# ---------------------------------------------------------------------------------------------

control <- glsControl(tolerance = 1e-10, msTol = 1e-10, msMaxIter = 500L, maxIter = 500L,
                      opt = "nlminb")
control_string <- "glsControl(tolerance = 1e-10, msTol = 1e-10, msMaxIter = 500, maxIter = 500, opt = \"nlminb\")"

# Smallest modulus of the roots of 1 - phi_1 z - ... and 1 + theta_1 z + ... (Inf if none).
min_root <- function(cf) if (length(cf) > 1) min(Mod(polyroot(cf))) else Inf

run_case <- function(name, series, outcome, interruptions, seasonality, p, q, method) {
  X <- make_design(series, interruptions, "level+slope", seasonality, character(0))
  y <- series$y
  reml <- method == "REML"
  d <- data.frame(y = y)
  d$X <- X
  fit <- withCallingHandlers(
    gls(y ~ X - 1, data = d, correlation = corARMA(p = p, q = q), method = method,
        control = control),
    warning = function(w) {
      collected_warnings <<- c(collected_warnings, paste0(name, ": ", conditionMessage(w)))
      invokeRestart("muffleWarning")
    })
  u <- unname(coef(fit$modelStruct$corStruct))
  cp <- unname(coef(fit$modelStruct$corStruct, unconstrained = FALSE))
  phi <- cp[seq_len(p)]
  theta <- cp[p + seq_len(q)]
  mine <- corpars(u, p, q)
  stopifnot(isTRUE(all.equal(mine$phi, phi, tolerance = 1e-12)),
            isTRUE(all.equal(mine$theta, theta, tolerance = 1e-12)))
  ll_hand <- loglik_profile(u, p, q, y, X, reml)
  stopifnot(abs(ll_hand - as.numeric(logLik(fit))) < 1e-8 * abs(ll_hand))
  # Re-maximise from nlme's optimum: how far is nlme from the maximum?
  polish <- optim(u, function(v) -loglik_profile(v, p, q, y, X, reml), method = "BFGS",
                  control = list(reltol = 1e-15, maxit = 1000))
  b <- coef(fit)
  V <- vcov(fit)
  k <- ncol(X)
  r_pacf <- tanh(u / 2)
  near_boundary <- any(abs(r_pacf) > 0.98) || min_root(c(1, -phi)) < 1.02 ||
    min_root(c(1, theta)) < 1.02
  cat(sprintf("%-36s u = %s  logLik %.10f  optim from there: u = %s  logLik gain %.2e  %s\n",
              name, paste(format(u, digits = 10), collapse = ","), ll_hand,
              paste(format(polish$par, digits = 10), collapse = ","),
              -polish$value - ll_hand, if (near_boundary) "NEAR BOUNDARY" else ""))
  sdf <- if (reml && !near_boundary) satterthwaite(fit$sigma^2, u, p, q, y, X) else NULL
  rhs <- if (q == 0) sprintf("corARMA(p = %d)", p) else sprintf("corARMA(p = %d, q = %d)", p, q)
  call <- sprintf("gls(%s ~ X - 1, correlation = %s, method = \"%s\", control = %s) [X: %s]",
                  outcome, rhs, method, control_string, paste(colnames(X), collapse = ", "))
  # The kit's spelling; REML fits off the boundary also ask for the Satterthwaite df.
  errors <- paste0(if (q == 0) sprintf("gls-ar:%d", p) else sprintf("gls-arma:%d,%d", p, q),
                   ":", tolower(method), if (!is.null(sdf)) ":satterthwaite" else "")
  se <- sqrt(diag(V))
  df <- if (is.null(sdf)) rep(length(y) - k, k) else sdf
  expected <- list(
    n = length(y), df_residual = length(y) - k,
    coefficients = lapply(seq_len(k), function(j) list(
      term = colnames(X)[j], estimate = unname(b[j]), std_error = unname(se[j]), df = unname(df[j]))),
    vcov = matrix_rows(V),
    error_parameters = as.list(setNames(c(phi, theta), c(sprintf("phi%d", seq_len(p)), sprintf("theta%d", seq_len(q))))),
    sigma = fit$sigma, log_likelihood = as.numeric(logLik(fit)), aic = AIC(fit),
    near_boundary = near_boundary)
  # Off the boundary the kit has nothing to warn about.
  if (!near_boundary) expected$warnings <- list()
  fixture_case(
    name, kind = "model", call = call,
    data = list(series = series,
                design = list(terms = colnames(X), columns = lapply(seq_len(k), function(j) unname(X[, j])))),
    spec = list(interruptions = as.list(interruptions), impact = "level+slope", seasonality = seasonality,
                transform = "none", transition = 0L, covariates = list(), errors = errors),
    expected = expected,
    tolerance = if (near_boundary) boundary_tolerance else maximised_tolerance)
}

# Likelihood maximisation: both sides stop near the optimum (nlme's optimum agrees with a BFGS
# re-maximisation to about 1e-7 in the parameters), so 1e-5 relative. AR/MA parameters relative
# to max(|value|, 0.1): the likelihood changes by about 1e-13 within 1e-7 of the optimum, so a
# parameter near 0 (theta = 0.006) is determined to about 1e-7 only. Satterthwaite df: second
# derivatives by finite differences on both sides, 1e-3.
maximised_tolerance <- list(
  default = tolerance(1e-5, "both optimisers stop near the optimum"),
  vcov = tolerance(1e-5, "a covariance 0 up to rounding is compared on the scale of the largest variance",
                   scale = "largest_variance"),
  coefficients.df = tolerance(1e-3, "Satterthwaite df: finite-difference second derivatives on both sides"),
  error_parameters = tolerance(1e-5, "a parameter near 0 is determined to about 1e-7 only", floor = 0.1))

# At the boundary (California REML: the restricted likelihood rises toward rho = 1) each side
# stops at its own point close to rho = 1: quantities with a finite limit agree to 1e-4, while
# sigma, the intercept's SE and the covariance grow without bound as rho -> 1.
boundary_tolerance <- list(
  default = tolerance(1e-4, "at the boundary each side stops at its own rho close to 1"),
  error_parameters = tolerance(1e-4, "at the boundary each side stops at its own rho close to 1", floor = 0.1),
  sigma = not_compared("grows without bound as rho -> 1; depends on where the optimiser stopped"),
  vcov = not_compared("the intercept's variance grows without bound as rho -> 1"),
  `coefficients[intercept].std_error` = not_compared("grows without bound as rho -> 1"))

# ---------------------------------------------------------------------------------------------
# Data and cases
# ---------------------------------------------------------------------------------------------

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

# (a) California, Proposition 99 (annual 1970-2000, interruption 1989).
ca <- california(data_dir)
ca_series <- make_series("year", period_labels("year", 1970L, 1L, 31L), ca$cigsale)
add(run_case("california_ar1_reml", ca_series, "cigsale", "1989", "none", 1, 0, "REML"))
add(run_case("california_ar1_ml", ca_series, "cigsale", "1989", "none", 1, 0, "ML"))
add(run_case("california_ar2_ml", ca_series, "cigsale", "1989", "none", 2, 0, "ML"))

# (b) Sicily acute coronary events per 100,000 (Lopez Bernal et al. 2017), Fourier K = 2.
sicily <- read.csv(file.path(data_dir, "sicily.csv"))
sicily <- sicily[order(sicily$year, sicily$month), ]
sic_periods <- sprintf("%04d-%02d", sicily$year, sicily$month)
stopifnot(identical(sic_periods, period_labels("month", 2002L, 1L, 59L)))
sic_series <- make_series("month", sic_periods, sicily$aces / sicily$stdpop * 100000)
add(run_case("sicily_fourier2_ar1_reml", sic_series, "rate", "2005-01", "fourier:2", 1, 0, "REML"))
add(run_case("sicily_fourier2_ar1_ml", sic_series, "rate", "2005-01", "fourier:2", 1, 0, "ML"))
add(run_case("sicily_fourier2_arma11_ml", sic_series, "rate", "2005-01", "fourier:2", 1, 1, "ML"))

# (c) Synthetic monthly series, 72 months, AR(1) errors with rho = 0.5 (burn-in 200), rounded to
# 6 decimals so the JSON holds exactly what was fitted.
ar1 <- function(n, rho, sd, burn = 200) {
  u <- rnorm(n + burn, 0, sd)
  e <- numeric(n + burn)
  e[1] <- u[1]
  for (i in 2:(n + burn)) e[i] <- rho * e[i - 1] + u[i]
  e[burn + seq_len(n)]
}
set.seed(20240501)
s_periods <- period_labels("month", 2016L, 1L, 72L)
s_X <- make_design(make_series("month", s_periods, NULL), "2019-01", "level+slope", "none", character(0))
s_y <- round(50 + 0.1 * s_X[, "time"] - 3 * s_X[, "level1"] - 0.15 * s_X[, "slope1"] +
             ar1(72, 0.5, 1), 6)
s_series <- make_series("month", s_periods, unname(s_y))
add(run_case("synthetic_ar1_ar1_reml", s_series, "y", "2019-01", "none", 1, 0, "REML"))
add(run_case("synthetic_ar1_arma11_reml", s_series, "y", "2019-01", "none", 1, 1, "REML"))

# (d) Synthetic monthly series, 300 months, ARMA(2,2) errors (phi 0.5, -0.2; theta 0.3, 0.1; burn-in
# 200): from u = 0 a search can stay on the ridge where the AR and MA parts move in step (the kit's
# did, 67 below this REML log-likelihood, before it also started from the ML ARMA estimate).
set.seed(20261203)
arma22 <- as.numeric(arima.sim(list(ar = c(0.5, -0.2), ma = c(0.3, 0.1)), n = 300, n.start = 200))
m_periods <- period_labels("month", 2000L, 1L, 300L)
m_X <- make_design(make_series("month", m_periods, NULL), "2020-01", "level+slope", "none", character(0))
m_y <- round(100 + 0.01 * m_X[, "time"] - 3 * m_X[, "level1"] + arma22, 6)
m_series <- make_series("month", m_periods, unname(m_y))
add(run_case("synthetic_arma22_arma22_reml", m_series, "y", "2020-01", "none", 2, 2, "REML"))
add(run_case("synthetic_arma22_arma22_ml", m_series, "y", "2020-01", "none", 2, 2, "ML"))

# (e) Washouts: the transition periods are left out and corARMA(form = ~ t) takes the period
# index t as time, so the correlations still span the missing periods (the kit's Kalman filter
# treats them as missing observations).
washout_case <- function(name, series, interruptions, p, q, method, transition) {
  X <- make_design(series, interruptions, "level+slope", "none", character(0))
  rows <- setdiff(seq_along(series$y), transition_rows(series, interruptions, transition))
  d <- data.frame(y = series$y[rows], t = rows)
  d$X <- X[rows, , drop = FALSE]
  fit <- gls(y ~ X - 1, data = d, correlation = corARMA(p = p, q = q, form = ~ t), method = method, control = control)
  cp <- unname(coef(fit$modelStruct$corStruct, unconstrained = FALSE))
  k <- ncol(X)
  errors <- paste0(if (q == 0) sprintf("gls-ar:%d", p) else sprintf("gls-arma:%d,%d", p, q), ":", tolower(method))
  fixture_case(
    name, kind = "model",
    call = sprintf("gls(y ~ X - 1, data = d[-transition rows], correlation = corARMA(p = %d, q = %d, form = ~ t), method = \"%s\", control = %s)",
                   p, q, method, control_string),
    data = list(series = series),
    spec = list(interruptions = as.list(interruptions), impact = "level+slope", seasonality = "none",
                transform = "none", transition = transition, errors = errors),
    expected = list(
      n = length(rows), df_residual = length(rows) - k,
      coefficients = coefficient_rows(colnames(X), coef(fit), sqrt(diag(vcov(fit)))),
      error_parameters = as.list(setNames(cp, c(sprintf("phi%d", seq_len(p)), sprintf("theta%d", seq_len(q))))),
      sigma = fit$sigma, log_likelihood = as.numeric(logLik(fit)), aic = AIC(fit)),
    tolerance = maximised_tolerance)
}
add(washout_case("synthetic_ar1_washout3_reml", s_series, "2019-01", 1, 0, "REML", 3L))
add(washout_case("synthetic_arma22_washout6_ml", m_series, "2020-01", 2, 2, "ML", 6L))

# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

write_fixture(out_file, "gls.R",
  paste("Reference results for GLS with ARMA(p, q) errors by REML and ML",
        "(nlme::gls with corARMA), generated by tests/reference/gls.R.",
        "nlme has no Satterthwaite df; the df of REML fits are computed by hand in gls.R:",
        "df = 2 (c'Vc)^2 / (g'Ag), theta = (sigma2, unconstrained corARMA parameters),",
        "g = d(c'Vc)/dtheta and A = inverse of minus the Hessian of the REML",
        "log-likelihood, both by central finite differences (h = 1e-3 sigma2, 1e-3)."),
  list(r = R.version.string,
       nlme = as.character(packageVersion("nlme")),
       jsonlite = as.character(packageVersion("jsonlite"))),
  cases)
if (length(collected_warnings)) {
  cat("Warnings:\n")
  cat(paste0("  ", unique(collected_warnings), "\n"), sep = "")
}
