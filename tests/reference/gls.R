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
# Data are read from the folder in ITS_DATA (default ../shared/data): prop99_smoking.csv and
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

data_dir <- Sys.getenv("ITS_DATA", unset = "../shared/data")
out_file <- file.path("tests", "reference", "gls.json")
collected_warnings <- character(0)

# ---------------------------------------------------------------------------------------------
# Series and design (as gaussian.R)
# ---------------------------------------------------------------------------------------------

period_labels <- function(frequency, start_year, start_sub, n) {
  per_year <- switch(frequency, month = 12L, quarter = 4L, year = 1L)
  idx <- (start_sub - 1L) + seq_len(n) - 1L
  yr <- start_year + idx %/% per_year
  sub <- idx %% per_year + 1L
  switch(frequency,
         month = sprintf("%04d-%02d", yr, sub),
         quarter = sprintf("%04d-Q%d", yr, sub),
         year = sprintf("%04d", yr))
}

calendar_month <- function(periods) as.integer(substr(periods, 6, 7))

# time = 0 at the first period; level{j} = 1 from T_j on; slope{j} = t - T_j from T_j on.
# Column order: intercept, time, level/slope per interruption, seasonal terms.
make_design <- function(series, interruptions, seasonality) {
  periods <- series$periods
  n <- length(periods)
  t <- 0:(n - 1)
  X <- cbind(intercept = rep(1, n), time = t)
  for (j in seq_along(interruptions)) {
    Tj <- match(interruptions[j], periods) - 1L
    stopifnot(!is.na(Tj))
    X <- cbind(X, as.numeric(t >= Tj), ifelse(t >= Tj, t - Tj, 0))
    colnames(X)[ncol(X) - 1:0] <- paste0(c("level", "slope"), j)
  }
  if (startsWith(seasonality, "fourier:")) {
    m <- calendar_month(periods)
    for (j in seq_len(as.integer(sub("fourier:", "", seasonality)))) {
      X <- cbind(X, sin(2 * pi * j * m / 12), cos(2 * pi * j * m / 12))
      colnames(X)[ncol(X) - 1:0] <- c(paste0("sin", j), paste0("cos", j))
    }
  } else stopifnot(seasonality == "none")
  X
}

make_series <- function(frequency, periods, y) {
  list(frequency = frequency, periods = periods, y = y,
       covariates = setNames(list(), character(0)))  # JSON {} not []
}

# ---------------------------------------------------------------------------------------------
# The (restricted) log-likelihood by hand, in nlme's parametrisation
# ---------------------------------------------------------------------------------------------

# Partial autocorrelations r_1..r_p -> AR coefficients (Durbin-Levinson; Jones 1980):
# a_k = r_k, a_j <- a_j - r_k a_{k-j}.
pacf_to_coef <- function(r) {
  a <- numeric(0)
  for (k in seq_along(r)) a <- c(a - r[k] * rev(a), r[k])
  a
}

# nlme's unconstrained corARMA parameters u -> (phi, theta): r = tanh(u / 2) (nlme stores
# log((1 + r) / (1 - r))); AR coefficients from the first p; MA coefficients (1 + theta_1 B + ...)
# theta = -DL(-r) of the last q (nlme ARMA_transPar with sgn = -1), so that theta_1 = r_1 for q = 1.
corpars <- function(u, p, q) {
  r <- tanh(u / 2)
  list(phi = if (p) pacf_to_coef(r[seq_len(p)]) else numeric(0),
       theta = if (q) -pacf_to_coef(-r[p + seq_len(q)]) else numeric(0))
}

# GLS pieces given u: Lambda = ARMA correlation matrix = L L', X* = L^-1 X, y* = L^-1 y.
gls_parts <- function(u, p, q, y, X) {
  cp <- corpars(u, p, q)
  n <- length(y)
  rho <- ARMAacf(ar = cp$phi, ma = cp$theta, lag.max = n - 1)
  L <- t(chol(toeplitz(unname(rho))))
  Xs <- forwardsolve(L, X)
  ys <- forwardsolve(L, y)
  qx <- qr(Xs)
  b <- qr.coef(qx, ys)
  list(b = b, rss = sum((ys - Xs %*% b)^2), logdet = 2 * sum(log(diag(L))),
       logdet_x = 2 * sum(log(abs(diag(qr.R(qx))))), R = qr.R(qx))
}

# log L(sigma2, u) = -1/2 [m log(2 pi sigma2) + log|Lambda| + RSS*/sigma2 (+ log|X*'X*| for REML)],
# m = n - k (REML) or n (ML). This is nlme's criterion: its REML omits + 1/2 log|X'X|.
loglik_full <- function(s2, u, p, q, y, X, reml) {
  z <- gls_parts(u, p, q, y, X)
  m <- length(y) - if (reml) ncol(X) else 0
  -0.5 * (m * log(2 * pi * s2) + z$logdet + z$rss / s2 + if (reml) z$logdet_x else 0)
}

# Profiled over sigma2 (sigma2 = RSS* / m).
loglik_profile <- function(u, p, q, y, X, reml) {
  z <- gls_parts(u, p, q, y, X)
  m <- length(y) - if (reml) ncol(X) else 0
  loglik_full(z$rss / m, u, p, q, y, X, reml)
}

# ---------------------------------------------------------------------------------------------
# Satterthwaite degrees of freedom (REML), by hand
# ---------------------------------------------------------------------------------------------
# theta = (sigma2, u_1, ..., u_{p+q}); V(theta) = sigma2 (X' Lambda(u)^-1 X)^-1.
# df(c) = 2 (c'Vc)^2 / (g' A g), g = d(c'Vc)/d theta, A = (-H)^-1, H = Hessian of the REML
# log-likelihood loglik_full in theta, all at the REML estimate. Central finite differences with
# steps h = 1e-3 sigma2 for sigma2 and 1e-3 for each u_i; the Hessian's off-diagonal entries by the
# four-point formula [f(++) - f(+-) - f(-+) + f(--)] / (4 h_i h_j).
satterthwaite <- function(s2, u, p, q, y, X) {
  theta <- c(s2, u)
  h <- c(1e-3 * s2, rep(1e-3, length(u)))
  d <- length(theta)
  f <- function(th) loglik_full(th[1], th[-1], p, q, y, X, TRUE)
  vc <- function(th) th[1] * chol2inv(gls_parts(th[-1], p, q, y, X)$R)
  e <- function(i) { v <- numeric(d); v[i] <- h[i]; v }
  H <- matrix(0, d, d)
  f0 <- f(theta)
  for (i in 1:d) {
    H[i, i] <- (f(theta + e(i)) - 2 * f0 + f(theta - e(i))) / h[i]^2
    if (i < d) for (j in (i + 1):d) {
      H[i, j] <- H[j, i] <- (f(theta + e(i) + e(j)) - f(theta + e(i) - e(j)) -
                             f(theta - e(i) + e(j)) + f(theta - e(i) - e(j))) / (4 * h[i] * h[j])
    }
  }
  A <- solve(-H)
  dV <- lapply(1:d, function(i) (vc(theta + e(i)) - vc(theta - e(i))) / (2 * h[i]))
  V <- vc(theta)
  vapply(seq_len(ncol(X)), function(k) {
    g <- vapply(dV, function(D) D[k, k], 0)
    2 * V[k, k]^2 / as.numeric(t(g) %*% A %*% g)
  }, 0)
}

# ---------------------------------------------------------------------------------------------
# Case runner
# ---------------------------------------------------------------------------------------------

control <- glsControl(tolerance = 1e-10, msTol = 1e-10, msMaxIter = 500L, maxIter = 500L,
                      opt = "nlminb")
control_string <- "glsControl(tolerance = 1e-10, msTol = 1e-10, msMaxIter = 500, maxIter = 500, opt = \"nlminb\")"

# Smallest modulus of the roots of 1 - phi_1 z - ... and 1 + theta_1 z + ... (Inf if none).
min_root <- function(cf) if (length(cf) > 1) min(Mod(polyroot(cf))) else Inf

run_case <- function(name, series, outcome, interruptions, seasonality, p, q, method) {
  X <- make_design(series, interruptions, seasonality)
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
  errors <- paste0(if (q == 0) sprintf("gls-ar:%d", p) else sprintf("gls-arma:%d,%d", p, q),
                   ":", tolower(method))
  se <- sqrt(diag(V))
  list(
    name = name,
    series = series,
    interruptions = as.list(interruptions), impact = "level+slope", seasonality = seasonality,
    transform = "none", transition = 0L, covariates = list(), errors = errors,
    p = p, q = q, method = method, call = call,
    design = list(terms = colnames(X), columns = lapply(seq_len(k), function(j) unname(X[, j]))),
    n = length(y), df_residual = length(y) - k,
    coefficients = lapply(seq_len(k), function(j) list(
      term = colnames(X)[j], estimate = unname(b[j]), std_error = unname(se[j]),
      satterthwaite_df = if (is.null(sdf)) NULL else sdf[j])),
    vcov = lapply(seq_len(k), function(i) unname(V[i, ])),
    phi = I(phi), theta = I(theta), unconstrained = I(u),
    sigma = fit$sigma, log_likelihood = as.numeric(logLik(fit)), aic = AIC(fit),
    near_boundary = near_boundary,
    satterthwaite = if (reml) (if (is.null(sdf)) "not computed: the estimate is at the boundary, where the information matrix is singular" else
      "by hand in gls.R: theta = (sigma2, nlme unconstrained u); central differences, h = 1e-3 sigma2 and 1e-3 u") else NULL)
}

# ---------------------------------------------------------------------------------------------
# Data and cases
# ---------------------------------------------------------------------------------------------

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

# (a) California, Proposition 99 (annual 1970-2000, interruption 1989).
prop99 <- read.csv(file.path(data_dir, "prop99_smoking.csv"))
ca <- prop99[prop99$state == "California", ]
ca <- ca[order(ca$year), ]
stopifnot(identical(as.integer(round(ca$year)), 1970:2000))
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
s_X <- make_design(make_series("month", s_periods, NULL), "2019-01", "none")
s_y <- round(50 + 0.1 * s_X[, "time"] - 3 * s_X[, "level1"] - 0.15 * s_X[, "slope1"] +
             ar1(72, 0.5, 1), 6)
s_series <- make_series("month", s_periods, unname(s_y))
add(run_case("synthetic_ar1_ar1_reml", s_series, "y", "2019-01", "none", 1, 0, "REML"))
add(run_case("synthetic_ar1_arma11_reml", s_series, "y", "2019-01", "none", 1, 1, "REML"))

stopifnot(!anyDuplicated(vapply(cases, `[[`, "", "name")))

# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

fixture <- list(
  description = paste("Reference results for GLS with ARMA(p, q) errors by REML and ML",
                      "(nlme::gls with corARMA), generated by tests/reference/gls.R"),
  satterthwaite = paste("nlme has no Satterthwaite df; satterthwaite_df is computed by hand in gls.R:",
                        "df = 2 (c'Vc)^2 / (g'Ag), theta = (sigma2, unconstrained corARMA parameters),",
                        "g = d(c'Vc)/dtheta and A = inverse of minus the Hessian of the REML",
                        "log-likelihood, both by central finite differences (h = 1e-3 sigma2, 1e-3)."),
  generated_with = list(
    r = R.version.string,
    nlme = as.character(packageVersion("nlme")),
    jsonlite = as.character(packageVersion("jsonlite"))),
  cases = cases)

writeLines(toJSON(fixture, digits = NA, auto_unbox = TRUE, null = "null", na = "null",
                  pretty = TRUE), out_file, useBytes = TRUE)
cat("Wrote", length(cases), "cases to", out_file, "\n")
if (length(collected_warnings)) {
  cat("Warnings:\n")
  cat(paste0("  ", unique(collected_warnings), "\n"), sep = "")
}
