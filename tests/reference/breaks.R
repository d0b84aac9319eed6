# Reference fixtures for the sup-F search for an unknown break date.
#
# What: computes, for every candidate break date in the trimmed range, the F statistic of a break
# in the interruption terms, the sup F, its date and Hansen's (1997) p value, with R strucchange,
# and writes them, with the input data of each case, to tests/reference/breaks.json. The C# tests
# read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/breaks.R
# Data are read from the folder in ITS_DATA (default data, the repository's own copies), which must hold
# prop99_smoking.csv. The output is deterministic (fixed seeds, nothing time-dependent).
#
# strucchange's conventions (Fstats, cov.type "const", i.e. vcov. = NULL; strucchange 1.5):
# - break index i: the first segment is observations 1..i, so the interruption period (the first
#   period of the new regime) is observation i + 1;
# - from = floor(trim * n), to = n - from, candidates i = from..to; from is raised to k + 1 and
#   to lowered to n - k - 1 when the trim leaves fewer than k + 1 observations on a side;
# - F_i = (RSS0 - RSS1) / (RSS1 / (n - 2k)): the Chow statistic NOT divided by the number of
#   restrictions k (it is k times the classical F), on the n - 2k df of the two-segment fit;
# - lambda = ((n - from) to) / (from (n - to)), computed from the adjusted from and to;
# - p value of sup F: pvalue.Fstats(sup F, type = "supF", k, lambda), Hansen's (1997) response
#   surface. (sctest uses 1 - pf(sup F, k, n - 2k) instead when lambda = 1, i.e. one candidate at
#   n / 2, without dividing by k; the kit keeps Hansen's formula there, whose tau = 0.5 branch is
#   the chi-square(k) tail.)
#
# Full breaks (cases a-c and f): y ~ t, both coefficients break, so Fstats applies directly; the script
# checks that the nested-lm computation below gives the same numbers. Partial breaks (cases d, e):
# only the interruption terms of the kit's design (level and slope, or level) break while the
# seasonal terms and covariates stay fixed; Fstats cannot express that, so the F statistics are
# computed with nested lm fits and the same formula, with n - k0 - q denominator df (k0 columns
# without a break, q restrictions; n - 2k when all k break), and the p value with
# pvalue.Fstats(k = q). Each side keeps at least 3 observations (k + 1 for y ~ t), the kit's
# minimum around an interruption.

suppressPackageStartupMessages({
  library(strucchange)
  library(jsonlite)
})

data_dir <- Sys.getenv("ITS_DATA", unset = "data")
out_file <- file.path("tests", "reference", "breaks.json")
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

# Candidate break indices from..to, as Fstats computes them with k + 1 = 3: a side never has
# fewer than 3 observations.
trim_range <- function(n, trim) {
  from <- floor(trim * n)
  to <- n - from
  from <- max(from, 3)
  to <- min(to, n - 3)
  stopifnot(from <= to)
  list(from = from, to = to, lambda = ((n - from) * to) / (from * (n - to)))
}

# F of a break at a period: the null design (the kit's design without interruption terms) against
# the same design plus the interruption terms at that period, by nested lm fits.
break_f <- function(series, impact, seasonality, covariates) {
  y <- series$y
  rss <- function(X) sum(residuals(lm(y ~ X - 1))^2)
  X0 <- make_design(series, series$periods[2], impact, seasonality, covariates)
  X0 <- X0[, !interruption_columns(X0), drop = FALSE]  # any period: only the rest is kept
  rss0 <- rss(X0)
  q <- if (impact == "level+slope") 2L else 1L
  df <- length(y) - ncol(X0) - q
  list(q = q, df = df, at = function(period) {
    rss1 <- rss(make_design(series, period, impact, seasonality, covariates))
    (rss0 - rss1) / (rss1 / df)
  })
}

# F of a break at every candidate index i (interruption at observation i + 1).
nested_f <- function(series, impact, seasonality, covariates, trim) {
  r <- trim_range(length(series$y), trim)
  b <- break_f(series, impact, seasonality, covariates)
  f <- vapply(r$from:r$to, function(i) b$at(series$periods[i + 1]), 0)
  c(r, list(index = r$from:r$to, f = f, q = b$q, df = b$df))
}

# Hansen's p value as strucchange computes it, with each 1 - pchisq(x, df) replaced by
# pchisq(x, df, lower.tail = FALSE): the same approximation, without the cancellation that makes
# 1 - pchisq lose relative precision below about 1e-8 and return 0 below 1e-16. The fixture holds
# both; the kit computes the upper tail directly.
upper_tail <- function(e) {
  if (!is.call(e)) return(e)
  if (identical(e[[1]], as.name("-")) && length(e) == 3 && identical(e[[2]], 1) &&
      is.call(e[[3]]) && identical(e[[3]][[1]], as.name("pchisq"))) {
    cl <- e[[3]]
    cl$lower.tail <- FALSE
    return(cl)
  }
  for (i in seq_along(e)) if (!identical(e[[i]], quote(expr = ))) e[[i]] <- upper_tail(e[[i]])
  e
}
pvalue_upper <- strucchange:::pvalue.Fstats
body(pvalue_upper) <- upper_tail(body(pvalue_upper))
stopifnot(sum(grepl("lower.tail = FALSE", deparse(body(pvalue_upper)), fixed = TRUE)) == 3)

cases <- list()

add_case <- function(name, series, prespecified, impact, seasonality, covariates, trim, f, index,
                     q, lambda, df, p_value, call) {
  p_upper <- pvalue_upper(max(f), type = "supF", k = q, lambda = lambda)
  stopifnot(abs(p_upper - p_value) < 1e-15)
  best <- which.max(f)
  candidates <- lapply(seq_along(f), function(j)
    list(index = index[j], period = series$periods[index[j] + 1], f = f[j]))
  pre <- NULL
  if (length(prespecified)) {
    # Its F whether or not it is a candidate; its rank (1 = largest F) only among candidates.
    i <- match(prespecified, series$periods) - 1L
    j <- match(i, index)
    pre_f <- break_f(series, impact, seasonality, covariates)$at(prespecified)
    stopifnot(is.na(j) || isTRUE(all.equal(pre_f, f[j], tolerance = 1e-10)))
    pre <- list(period = prespecified, f = pre_f,
                rank = if (is.na(j)) NULL else sum(f > f[j]) + 1L)
  }
  cases[[length(cases) + 1]] <<- fixture_case(
    name, kind = "break-search", call = call,
    data = list(series = series),
    spec = list(interruptions = as.list(prespecified), impact = impact, seasonality = seasonality,
                covariates = as.list(covariates), errors = "ols", trim = trim),
    expected = list(
      n = length(series$y), restrictions = q, df_residual = df,
      from = min(index), to = max(index), lambda = lambda,
      candidates = candidates,
      sup_f = f[best], break_index = index[best], break_period = series$periods[index[best] + 1],
      p_value = as.numeric(p_upper), p_value_sctest = p_value,
      prespecified = pre),
    tolerance = break_tolerance)
}

# Closed forms (least-squares residual sums, Hansen's formula): the same arithmetic as R, up to
# rounding. strucchange takes 1 - pchisq, which is exact only to about 1e-16 absolute (and 0
# below that); the kit's p value is the direct upper tail. So it is compared at 1e-8 relative
# with the upper-tail form of the same function all the way down (California's is 5e-40), and
# with sctest's own number at 1e-8 relative above 1e-7 and 1e-8 x 1e-7 = 1e-15 absolute below.
break_tolerance <- list(
  default = tolerance(1e-8, "closed form: the same arithmetic as R up to rounding"),
  p_value = tolerance(1e-8, "the upper tail, relative all the way down", floor = 1e-300),
  p_value_sctest = tolerance(1e-8, "strucchange's 1 - pchisq is exact to about 1e-16 absolute only", floor = 1e-7))

# A full break of y ~ t, by strucchange itself, checked against the nested-lm computation.
full_break <- function(name, series, prespecified, trim, outcome) {
  y <- series$y
  t <- seq_along(y) - 1
  # A short series makes Fstats move from and to (with a warning, expected there).
  fs <- withCallingHandlers(Fstats(y ~ t, from = trim), warning = function(w) {
    stopifnot(conditionMessage(w) %in% c("'from' changed (was too small)", "'to' changed (was too large)"))
    invokeRestart("muffleWarning")
  })
  test <- sctest(fs, type = "supF")
  f <- as.numeric(fs$Fstats)
  from <- as.integer(round(tsp(fs$Fstats)[1] * fs$nobs))  # on a plain vector the series starts at from / n
  index <- from:(from + length(f) - 1L)
  nested <- nested_f(series, "level+slope", "none", character(0), trim)
  stopifnot(identical(index, nested$index), isTRUE(all.equal(f, nested$f, tolerance = 1e-10)),
            fs$breakpoint == index[which.max(f)], isTRUE(all.equal(fs$par, nested$lambda)),
            fs$par != 1)  # lambda = 1 would make sctest a Chow test
  add_case(name, series, prespecified, "level+slope", "none", character(0), trim, f, index,
           q = fs$nreg, lambda = fs$par, df = fs$nobs - 2L * fs$nreg,
           p_value = unname(test$p.value),
           call = sprintf('sctest(Fstats(%s ~ t, from = %s), type = "supF")', outcome, format(trim)))
}

# A partial break: only the interruption terms break; p value by Hansen's approximation.
partial_break <- function(name, series, prespecified, impact, seasonality, covariates, trim) {
  r <- nested_f(series, impact, seasonality, covariates, trim)
  sup <- max(r$f)
  p <- strucchange:::pvalue.Fstats(sup, type = "supF", k = r$q, lambda = r$lambda)
  add_case(name, series, prespecified, impact, seasonality, covariates, trim, r$f, r$index,
           q = r$q, lambda = r$lambda, df = r$df, p_value = as.numeric(p),
           call = sprintf(paste0('F_i = (RSS0 - RSS1_i) / (RSS1_i / %d), nested lm fits; ',
                                 'strucchange:::pvalue.Fstats(%.15g, type = "supF", k = %d, lambda = %.15g)'),
                          r$df, sup, r$q, r$lambda))
}

# (a) California, Proposition 99 (annual 1970-2000): cigsale ~ t, trim 0.15; Proposition 99's
# 1989 is the pre-specified date.
ca <- california(data_dir)
ca_series <- make_series("year", period_labels("year", 1970L, 1L, 31L), ca$cigsale)
full_break("california_full", ca_series, "1989", 0.15, "cigsale")

# (b, c) Synthetic monthly series, n = 60, with a level and slope change at 2019-10 (observation
# 34) and iid noise. The pre-specified 2017-08 (observation 8) lies outside the 0.15 range
# (candidates from observation 10) and inside the 0.10 range (from observation 7).
# Synthetic values are rounded to 6 decimals so the JSON carries exactly what was fitted.
set.seed(20240601)
s_periods <- period_labels("month", 2017L, 1L, 60L)
s_X <- make_design(make_series("month", s_periods, NULL), "2019-10", "level+slope", "none",
                   character(0))
s_y <- round(20 + 0.10 * s_X[, "time"] + 2.5 * s_X[, "level1"] - 0.25 * s_X[, "slope1"] +
             rnorm(60, 0, 1), 6)
s_series <- make_series("month", s_periods, unname(s_y))
full_break("synthetic_full_trim15", s_series, "2017-08", 0.15, "y")
full_break("synthetic_full_trim10", s_series, "2017-08", 0.10, "y")

# (d) Synthetic monthly series, n = 72, with month dummies: a level and slope change at 2021-04
# (observation 40) while the seasonal pattern stays fixed. Pre-specified: the true date.
set.seed(20240602)
d_periods <- period_labels("month", 2018L, 1L, 72L)
d_X <- make_design(make_series("month", d_periods, NULL), "2021-04", "level+slope", "month",
                   character(0))
d_y <- round(50 + 0.2 * d_X[, "time"] - 3 * d_X[, "level1"] + 0.15 * d_X[, "slope1"] +
             4 * sin(2 * pi * calendar_month(d_periods) / 12) + rnorm(72, 0, 1.2), 6)
d_series <- make_series("month", d_periods, unname(d_y))
partial_break("synthetic_partial_month", d_series, "2021-04", "level+slope", "month",
              character(0), 0.15)

# (e) Synthetic monthly series, n = 48, Fourier K = 1 seasonality and a covariate: a level-only
# change (q = 1) at 2020-02 (observation 26). Pre-specified: 2020-05, near the true date.
set.seed(20240603)
e_periods <- period_labels("month", 2018L, 1L, 48L)
e_x <- round(rnorm(48, 0, 1), 6)
e_X <- make_design(make_series("month", e_periods, NULL, list(x = e_x)), "2020-02", "level",
                   "fourier:1", "x")
e_y <- round(10 + 0.05 * e_X[, "time"] - 1.5 * e_X[, "level1"] + 0.8 * e_X[, "sin1"] +
             0.6 * e_x + rnorm(48, 0, 0.5), 6)
e_series <- make_series("month", e_periods, unname(e_y), list(x = e_x))
partial_break("synthetic_level_only", e_series, "2020-05", "level", "fourier:1", "x", 0.15)

# (f) A short synthetic annual series, n = 14: floor(0.15 n) = 2 observations would leave too few
# on a side, so Fstats moves from to k + 1 = 3 and to to n - k - 1 = 11. Pre-specified: 2007.
set.seed(20240604)
f_periods <- period_labels("year", 2000L, 1L, 14L)
f_X <- make_design(make_series("year", f_periods, NULL), "2008", "level+slope", "none", character(0))
f_y <- round(5 + 0.3 * f_X[, "time"] - 1 * f_X[, "level1"] - 0.2 * f_X[, "slope1"] +
             rnorm(14, 0, 0.3), 6)
f_series <- make_series("year", f_periods, unname(f_y))
full_break("short_full_adjusted", f_series, "2007", 0.15, "y")

for (cs in cases)
  cat(sprintf("  %-26s n = %d, q = %d, candidates %d..%d, sup F = %.4f at %s, p = %.4g, lambda = %.4f\n",
              cs$name, cs$expected$n, cs$expected$restrictions, cs$expected$from, cs$expected$to,
              cs$expected$sup_f, cs$expected$break_period, cs$expected$p_value_sctest, cs$expected$lambda))

# Hansen's approximation on its own, over every branch of pvalue.Fstats: tau = lambda below 1,
# tau <= 0.01 (the last row), interpolation between rows, 0.49 <= tau < 0.5, and tau = 0.5
# (lambda = 1, chi-square); statistics small enough for the response surface to clip at 0.
for (k in 1:2) for (lambda in c(0.005, 0.3, 1, 1.0001, 9, 32.1111111111111, 81, 10000))
  for (x in c(0.2, 3, 7.4, 20, 45)) {
    cases[[length(cases) + 1]] <- fixture_case(
      sprintf("hansen supF = %s, k = %d, lambda = %s", format(x), k, format(lambda, digits = 15)),
      kind = "hansen-p-value",
      call = sprintf('strucchange:::pvalue.Fstats(%s, type = "supF", k = %d, lambda = %s)',
                     format(x), k, format(lambda, digits = 15)),
      data = list(statistic = x, restrictions = k, lambda = lambda),
      spec = NULL,
      expected = list(
        p_value = as.numeric(pvalue_upper(x, type = "supF", k = k, lambda = lambda)),
        p_value_sctest = as.numeric(strucchange:::pvalue.Fstats(x, type = "supF", k = k, lambda = lambda))),
      tolerance = break_tolerance)
  }

write_fixture(out_file, "breaks.R",
  paste("Reference sup-F break-date searches (strucchange conventions),",
        "generated by tests/reference/breaks.R"),
  list(r = R.version.string,
       strucchange = as.character(packageVersion("strucchange")),
       jsonlite = as.character(packageVersion("jsonlite"))),
  cases)
