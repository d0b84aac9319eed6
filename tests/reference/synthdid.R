# Reference fixtures for synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg,
# Imbens and Wager 2021), the synthetic control and difference-in-differences estimators of the
# same framework, on the Proposition 99 panel (39 states, 1970-2000, California treated from 1989).
#
# What: a transparent port of the published algorithm as the authors' R package synthdid (1.0)
# runs it, written out here because the package is not a Debian package:
#   - the collapsed form of the panel (controls by pre-periods, with the post-period means and the
#     treated units' mean), the noise level sd(first differences of the controls' pre-periods),
#     zeta_omega = ((N1 T1)^(1/4)) noise, zeta_lambda = 1e-6 noise, min.decrease = 1e-5 noise;
#   - unit weights omega and time weights lambda by Frank-Wolfe on the regularised least squares
#     problems (sc.weight.fw, fw.step), with intercepts, 100 iterations, then sparsified
#     (weights at most max / 4 set to 0, renormalised) and 10,000 more;
#   - synthdid_estimate, sc_estimate (lambda = 0, no intercept, eta_omega = 1e-6) and
#     did_estimate (uniform weights);
#   - the placebo standard error with every control once as the pseudo-treated unit (the
#     exhaustive form of vcov(method = "placebo"), which draws 200 of them at random):
#     sqrt((r - 1) / r) sd of the r = N0 placebo estimates, each re-estimating omega from the
#     estimate's own, restricted and renormalised, and keeping lambda;
#   - for the synthetic control, Abadie et al.'s (2010) placebo in space: every control in turn
#     as the treated unit against the other controls, the post/pre RMSPE ratios ranked, and the
#     permutation p value (California's rank over 39).
# Arkhangelsky et al. (2021, Table 1 and the synthdid vignette) report -15.6 (synthetic DiD),
# -19.6 (synthetic control) and -27.3 (DiD); the script stops unless it reproduces them to 0.05.
# Writes tests/reference/synthdid.json; the C# tests read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/synthdid.R
#
# Data are read from the folder in ITS_DATA (default data, the repository's own copies).
# Only base R and jsonlite are used. The output is deterministic.

suppressPackageStartupMessages(library(jsonlite))

data_dir <- Sys.getenv("ITS_DATA", "data")
out_file <- file.path("tests", "reference", "synthdid.json")
source(file.path("tests", "reference", "fixture.R"))

# One Frank-Wolfe step on 0.5 |A x - b|^2 + 0.5 eta |x|^2 over the simplex, with exact line search.
fw_step <- function(A, x, b, eta) {
  Ax <- A %*% x
  half_grad <- t(Ax - b) %*% A + eta * x
  i <- which.min(half_grad)
  d_x <- -x
  d_x[i] <- 1 - x[i]
  if (all(d_x == 0)) return(x)
  d_err <- A[, i] - Ax
  step <- -sum(c(half_grad) * d_x) / (sum(d_err^2) + eta * sum(d_x^2))
  x + min(1, max(0, step)) * d_x
}

# Weights lambda on the columns 1..T0 of Y (rows are observations) that fit its last column.
sc_weight_fw <- function(Y, zeta, intercept, lambda = NULL, min_decrease, max_iter) {
  T0 <- ncol(Y) - 1
  N0 <- nrow(Y)
  if (is.null(lambda)) lambda <- rep(1 / T0, T0)
  if (intercept) Y <- apply(Y, 2, function(col) col - mean(col))
  A <- Y[, 1:T0, drop = FALSE]
  b <- Y[, T0 + 1]
  eta <- N0 * zeta^2
  vals <- numeric(0)
  t <- 0
  while (t < max_iter && (t < 2 || vals[t - 1] - vals[t] > min_decrease^2)) {
    t <- t + 1
    lambda <- c(fw_step(A, lambda, b, eta))
    err <- Y %*% c(lambda, -1)
    vals[t] <- zeta^2 * sum(lambda^2) + sum(err^2) / N0
  }
  list(lambda = lambda, iterations = t)
}

sparsify <- function(v) {
  v[v <= max(v) / 4] <- 0
  v / sum(v)
}

collapsed_form <- function(Y, N0, T0) {
  N <- nrow(Y); T <- ncol(Y)
  rbind(cbind(Y[1:N0, 1:T0, drop = FALSE], rowMeans(Y[1:N0, (T0 + 1):T, drop = FALSE])),
        cbind(t(colMeans(Y[(N0 + 1):N, 1:T0, drop = FALSE])), mean(Y[(N0 + 1):N, (T0 + 1):T, drop = FALSE])))
}

noise_level <- function(Y, N0, T0) sd(apply(Y[1:N0, 1:T0], 1, diff))

# synthdid_estimate: the weights not given are estimated (from `start` when given).
estimate <- function(Y, N0, T0, method, omega = NULL, lambda = NULL, start_omega = NULL) {
  N1 <- nrow(Y) - N0; T1 <- ncol(Y) - T0
  noise <- noise_level(Y, N0, T0)
  eta_omega <- if (method == "sc") 1e-6 else ((N1 * T1)^(1 / 4))
  zeta_omega <- eta_omega * noise
  zeta_lambda <- 1e-6 * noise
  min_decrease <- 1e-5 * noise
  if (method == "did") { omega <- rep(1 / N0, N0); lambda <- rep(1 / T0, T0) }
  if (method == "sc") lambda <- rep(0, T0)
  Yc <- collapsed_form(Y, N0, T0)
  if (is.null(lambda)) {
    fit <- sc_weight_fw(Yc[1:N0, ], zeta_lambda, TRUE, NULL, min_decrease, 100)
    lambda <- sc_weight_fw(Yc[1:N0, ], zeta_lambda, TRUE, sparsify(fit$lambda), min_decrease, 10000)$lambda
  }
  if (is.null(omega)) {
    fit <- sc_weight_fw(t(Yc[, 1:T0]), zeta_omega, method != "sc", start_omega, min_decrease, 100)
    omega <- sc_weight_fw(t(Yc[, 1:T0]), zeta_omega, method != "sc", sparsify(fit$lambda), min_decrease, 10000)$lambda
  }
  tau <- c(t(c(-omega, rep(1 / N1, N1))) %*% Y %*% c(-lambda, rep(1 / T1, T1)))
  list(estimate = tau, omega = omega, lambda = lambda, noise = noise, zeta_omega = zeta_omega, zeta_lambda = zeta_lambda)
}

# Every control once as the pseudo-treated unit; omega re-estimated from the estimate's own.
placebo_se <- function(Y, N0, T0, method, fit) {
  taus <- vapply(seq_len(N0), function(j) {
    ind <- c(setdiff(seq_len(N0), j), j)
    start <- fit$omega[ind[1:(N0 - 1)]]
    start <- start / sum(start)
    if (method == "did") return(estimate(Y[ind, ], N0 - 1, T0, "did")$estimate)
    lambda <- if (method == "sc") NULL else fit$lambda
    estimate(Y[ind, ], N0 - 1, T0, method, lambda = lambda, start_omega = start)$estimate
  }, 0)
  r <- length(taus)
  list(se = sqrt((r - 1) / r) * sd(taus), placebos = taus)
}

# Abadie et al.'s (2010) placebo in space: the synthetic control of the treated unit, then of
# every control against the other controls; ranked by post/pre RMSPE.
placebo_in_space <- function(Y, N0, T0, names) {
  fits <- lapply(c(N0 + 1, seq_len(N0)), function(u) {
    ind <- if (u == N0 + 1) seq_len(N0 + 1) else c(setdiff(seq_len(N0), u), u)
    Yu <- Y[ind, ]
    n <- length(ind) - 1
    omega <- estimate(Yu, n, T0, "sc")$omega
    gap <- Yu[n + 1, ] - colSums(omega * Yu[seq_len(n), , drop = FALSE])
    list(unit = names[u], treated = u == N0 + 1, pre_rmspe = sqrt(mean(gap[1:T0]^2)), post_rmspe = sqrt(mean(gap[-(1:T0)]^2)))
  })
  ratio <- vapply(fits, function(f) f$post_rmspe / f$pre_rmspe, 0)
  rank <- sum(ratio >= ratio[1])
  list(units = lapply(fits[order(-ratio)], function(f) c(f, list(ratio = f$post_rmspe / f$pre_rmspe))),
       rank = rank, p_value = rank / length(fits))
}

prop99 <- read.csv(file.path(data_dir, "prop99_smoking.csv"))
prop99$year <- as.integer(round(prop99$year))
states <- sort(unique(prop99$state))
controls <- setdiff(states, "California")
years <- sort(unique(prop99$year))
stopifnot(identical(years, 1970:2000), length(states) == 39)
Y <- t(sapply(c(controls, "California"), function(s) {
  rows <- prop99[prop99$state == s, ]
  rows$cigsale[order(rows$year)]
}))
N0 <- length(controls); T0 <- sum(years < 1989)

published <- c(sdid = -15.6, sc = -19.6, did = -27.3)
cases <- list()
for (method in c("sdid", "sc", "did")) {
  fit <- estimate(Y, N0, T0, method)
  stopifnot(abs(fit$estimate - published[[method]]) < 0.05)
  se <- placebo_se(Y, N0, T0, method, fit)
  expected <- list(estimate = fit$estimate, published = published[[method]],
                   noise_level = fit$noise, zeta_omega = fit$zeta_omega,
                   unit_weights = as.list(setNames(fit$omega, controls)),
                   time_weights = as.list(setNames(fit$lambda, as.character(years[1:T0]))),
                   placebo_se = se$se, placebo_estimates = as.list(setNames(se$placebos, controls)))
  if (method == "sc") {
    expected$placebo_in_space <- placebo_in_space(Y, N0, T0, c(controls, "California"))
    # Abadie et al. (2010), whose weights also match predictors (income, beer, age, price), find
    # California's ratio the largest of the 39 (p = 1/39); with synthdid's weights, on the outcome
    # path alone, it ranks third (p = 3/39).
  }
  cases[[length(cases) + 1]] <- fixture_case(
    paste0("prop99_", method), kind = "synthetic-did",
    call = sprintf("%s_estimate(Y, N0 = 38, T0 = 19) as synthdid 1.0 computes it (ported); placebo SE with every control once", method),
    data = list(panel = list(units = c(controls, "California"), periods = as.character(years),
                             y = lapply(seq_len(nrow(Y)), function(i) unname(Y[i, ])))),
    spec = list(method = method, treated = I("California"), interruptions = I("1989")),
    expected = expected,
    tolerance = list(
      default = tolerance(1e-8, "the same Frank-Wolfe iterations on both sides"),
      published = tolerance(0.05 / abs(published[[method]]), "the published estimates are rounded to 0.1: within 0.05 of them", floor = 1)))
}

write_fixture(out_file, "synthdid.R",
  "Reference synthetic DiD, synthetic control and DiD on Proposition 99 (a port of synthdid 1.0), generated by tests/reference/synthdid.R",
  list(r = R.version.string, jsonlite = as.character(packageVersion("jsonlite"))),
  cases)
