# Reference fixtures for the Cumby-Huizinga test of residual autocorrelation after OLS, written
# from Cumby and Huizinga (1992), "Testing the autocorrelation structure of disturbances in
# ordinary least squares and instrumental variables regressions", Econometrica 60:185-195, with
# the conventions of Stata's actest (Baum and Schaffer) where the paper leaves a choice.
#
# What: for residuals u of y = X b + u and H0 "u is MA(q)", the autocorrelations at lags q+1..q+s
#   r_j = sum_t u_t u_{t-j} / sum_t u_t^2          (acf(u, demean = FALSE))
# have sqrt(T) r -> N(0, V) with, by the paper's Proposition 1 (instruments Z = X for OLS),
#   V = V_r + B V_d B' + C D' B' + B D C',
#   V_r = Psi_uu / sigma^4, B = -E[U_t x_t'] / sigma^2, D = (S_xz A^-1 S_zx)^-1 S_xz A^-1,
# where Psi is the long-run covariance of the moments (z_t u_t, U_t u_t), U_t = (u_{t-q-1}, ...,
# u_{t-q-s}) (0 before the series starts), A its z block; under H0 these moments are MA(q), so Psi
# sums the autocovariances up to lag q with weight 1 (a truncated kernel), heteroskedasticity-robust
# (sum u_t^2 ...) or homoskedastic (sigma^2 sum ...). Proposition 2: T r' V^-1 r ~ chi-square(s).
# Variants as actest's options: q0 (no autocovariances even when q > 0); bp, the modified
# Box-Pierce form V = I - B V_d B' (homoskedastic); small, r_j scaled by sqrt((T + 2)/(T - j)).
# A Psi with a negative determinant is made positive semidefinite by the absolute values of its
# eigenvalues (Stock and Watson 2008), as actest does. For each p = 1..L the two tests actest
# prints: lags 1..p (q = 0, s = p) and lag p alone (q = p - 1, s = 1).
#
# Check: the homoskedastic test of lags 1..p (q = 0) is the Breusch-Godfrey LM test, so the script
# stops unless it equals lmtest::bgtest(fit, order = p, type = "Chisq") for every case and p.
#
# Writes tests/reference/cumby_huizinga.json; the C# tests read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/cumby_huizinga.R
#
# Data are read from the folder in ITS_DATA (default data, the repository's own copies).
# Only base R, stats, lmtest and jsonlite are used. The output is deterministic.

suppressPackageStartupMessages({
  library(jsonlite)
  library(lmtest)
})

data_dir <- Sys.getenv("ITS_DATA", "data")
out_file <- file.path("tests", "reference", "cumby_huizinga.json")
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

# The variant as the kit spells it (CumbyHuizingaOptions.Parse).
variant <- function(robust, q0, bp, small) {
  words <- c(if (robust) "robust" else "homoskedastic", if (q0 && !bp) "q0", if (bp) "bp", if (small) "small")
  paste(words, collapse = ",")
}

ch_statistic <- function(u, X, q, s, robust, q0, bp, small) {
  T <- length(u); h <- ncol(X)
  lags <- (q + 1):(q + s)
  r <- acf(u, lag.max = q + s, demean = FALSE, plot = FALSE)$acf[lags + 1]
  U <- matrix(vapply(lags, function(j) c(rep(0, j), u[seq_len(T - j)]), numeric(T)), nrow = T)
  Z <- X
  moments <- cbind(Z, U)
  sigma2 <- sum(u^2) / T
  bandwidth <- if (q0 || q == 0) 0 else q
  if (robust) {
    g <- moments * u
    Psi <- crossprod(g)
  } else {
    Psi <- sigma2 * crossprod(moments)
  }
  for (tau in seq_len(bandwidth)) {
    now <- (tau + 1):T
    G <- if (robust) crossprod(g[now, , drop = FALSE], g[now - tau, , drop = FALSE])
         else sum(u[now] * u[now - tau]) / T * crossprod(moments[now, , drop = FALSE], moments[now - tau, , drop = FALSE])
    Psi <- Psi + G + t(G)
  }
  Psi <- Psi / T
  adjusted <- det(Psi) < 0
  if (adjusted) {
    e <- eigen(Psi, symmetric = TRUE)
    Psi <- e$vectors %*% diag(abs(e$values), nrow = length(e$values)) %*% t(e$vectors)
  }
  zz <- 1:h; uu <- h + seq_len(s)
  A <- Psi[zz, zz, drop = FALSE]
  Sxz <- crossprod(X, Z) / T
  D <- solve(Sxz %*% solve(A) %*% t(Sxz)) %*% Sxz %*% solve(A)
  B <- -crossprod(U, X) / T / sigma2
  BVB <- B %*% D %*% A %*% t(D) %*% t(B)
  BDC <- B %*% D %*% Psi[zz, uu, drop = FALSE] / sigma2
  V <- if (bp) diag(s) - BVB else Psi[uu, uu, drop = FALSE] / sigma2^2 + BVB + BDC + t(BDC)
  if (small) r <- r * sqrt((T + 2) / (T - lags))
  list(statistic = T * as.numeric(t(r) %*% solve(V, r)), adjusted = adjusted)
}

ch_tests <- function(fit, X, max_lag, robust = TRUE, q0 = FALSE, bp = FALSE, small = FALSE) {
  q0 <- q0 || bp  # Box-Pierce assumes no autocorrelation under H0 (actest: bp implies q0)
  u <- unname(residuals(fit))
  T <- length(u); k <- ncol(X)
  lapply(seq_len(min(max_lag, T - k - 1)), function(p) {
    range <- ch_statistic(u, X, 0, p, robust, q0, bp, small)
    single <- ch_statistic(u, X, p - 1, 1, robust, q0, bp, small)
    if (!robust && !bp && !small) {
      bg <- unname(bgtest(fit, order = p, type = "Chisq")$statistic)
      stopifnot(abs(range$statistic - bg) <= 1e-9 * bg)
    }
    list(lag = p,
         lags_chisq = range$statistic, lags_df = p, lags_p_value = pchisq(range$statistic, p, lower.tail = FALSE),
         lag_chisq = single$statistic, lag_df = 1L, lag_p_value = pchisq(single$statistic, 1, lower.tail = FALSE),
         adjusted = range$adjusted || single$adjusted)
  })
}

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

tolerances <- list(default = tolerance(1e-8, "closed forms from the OLS residuals"))

# One case per variant: the OLS fit of the series' design, the tests at lags 1..12 (the kit's
# default --test-lag), and the OLS coefficients so the fit is the same.
add_variants <- function(name, series, y_fit, interruption, seasonality, variants, transform = "none") {
  X <- make_design(series, interruption, "level+slope", seasonality, character(0))
  fit <- lm(y_fit ~ X - 1)
  for (v in variants) {
    label <- variant(v$robust, v$q0, v$bp, v$small)
    tests <- ch_tests(fit, X, 12, v$robust, v$q0, v$bp, v$small)
    add(fixture_case(
      paste0(name, "_", gsub(",", "_", label)), kind = "model",
      call = sprintf("Cumby-Huizinga (%s) on residuals(lm(y ~ X - 1)), lags 1..12, by Propositions 1 and 2", label),
      data = list(series = series),
      spec = list(interruptions = I(interruption), impact = "level+slope", seasonality = seasonality,
                  transform = transform, errors = "ols", cumby_huizinga = label),
      expected = list(
        coefficients = coefficient_rows(colnames(X), unname(coef(fit)), unname(sqrt(diag(vcov(fit))))),
        diagnostics = list(cumby_huizinga = list(variant = label, tests = tests))),
      tolerance = tolerances))
  }
}

v <- function(robust = TRUE, q0 = FALSE, bp = FALSE, small = FALSE) list(robust = robust, q0 = q0, bp = bp, small = small)

# 1. California, Proposition 99: cigarette sales 1970-2000 (n = 31), every variant.
ca <- california(data_dir)
ca_series <- make_series("year", period_labels("year", 1970L, 1L, 31L), ca$cigsale)
add_variants("california", ca_series, ca$cigsale, "1989", "none",
             list(v(), v(robust = FALSE), v(q0 = TRUE), v(robust = FALSE, bp = TRUE),
                  v(robust = FALSE, small = TRUE), v(small = TRUE)))

# 2. Sicily, log of the standardised rate with Fourier terms (n = 59).
sicily <- read.csv(file.path(data_dir, "sicily.csv"))
sicily <- sicily[order(sicily$year, sicily$month), ]
sic_periods <- sprintf("%04d-%02d", sicily$year, sicily$month)
rate <- sicily$aces / sicily$stdpop * 100000
sic_series <- make_series("month", sic_periods, rate)
add_variants("sicily_log_fourier2", sic_series, log(rate), "2005-01", "fourier:2",
             list(v(), v(robust = FALSE, q0 = TRUE)), transform = "log")

# 3. Synthetic 96 months with month dummies and heteroskedastic MA(2) errors (sd growing 1 to 3).
set.seed(19920101)
s_periods <- period_labels("month", 2012L, 1L, 96L)
s_X <- make_design(make_series("month", s_periods, NULL), "2016-01", "level+slope", "month", character(0))
e <- rnorm(98) * seq(1, 3, length.out = 98)
s_y <- round(80 + 0.1 * s_X[, "time"] + 4 * s_X[, "level1"] - 0.2 * s_X[, "slope1"] +
             3 * sin(2 * pi * calendar_month(s_periods) / 12) + e[3:98] + 0.6 * e[2:97] + 0.3 * e[1:96], 6)
s_series <- make_series("month", s_periods, unname(s_y))
add_variants("synthetic_ma2_month", s_series, unname(s_y), "2016-01", "month",
             list(v(), v(robust = FALSE), v(q0 = TRUE)))

write_fixture(out_file, "cumby_huizinga.R",
  "Reference Cumby-Huizinga tests (Cumby and Huizinga 1992; Stata actest's variants) after OLS, generated by tests/reference/cumby_huizinga.R",
  list(r = R.version.string, lmtest = as.character(packageVersion("lmtest")),
       jsonlite = as.character(packageVersion("jsonlite"))),
  cases)
