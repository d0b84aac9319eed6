# Reference fixtures for the multiple-group comparison (its compare): the pooled interaction model
# of Linden (2015), fitted by lm on the stacked series, with its covariances and difference tests.
#
# What: every case stacks the groups' series, reference group first, and fits every design term
# plus each term multiplied by the indicator of each other group (seasonal terms and covariates
# too, so the pooled point estimates equal the per-group fits). Writes tests/reference/compare.json.
#
# Newey-West lag scopes:
#   across  sandwich::NeweyWest(fit, lag = L, prewhite = FALSE, adjust = TRUE) on the stacked rows
#           in their order, so lags pair the last periods of one group with the first of the next,
#           as Stata itsa does on its stacked data (SOURCES.md).
#   within  the same Bartlett meat summed over each group's own rows only, written out below from
#           sandwich::estfun() and bread(), scaled by n/(n-k) as Stata.
#
# How to run (from the repository root):   Rscript tests/reference/compare.R
# Data are read from ITS_DATA (default data, the repository's own copies), which must hold prop99_smoking.csv.
# Deterministic: fixed seeds, synthetic inputs rounded to 6 decimals before fitting.

suppressPackageStartupMessages({
  library(sandwich)
  library(jsonlite)
})

data_dir <- Sys.getenv("ITS_DATA", unset = "data")
out_file <- file.path("tests", "reference", "compare.json")
source(file.path("tests", "reference", "design.R"))
source(file.path("tests", "reference", "fixture.R"))

# ---------------------------------------------------------------------------------------------
# The pooled model
# ---------------------------------------------------------------------------------------------

# units: list of list(name = group, unit, series), stacked in this order; `reference` names the
# group coded 0; the other groups, in order of first appearance, get one block of interactions each.
pooled_design <- function(units, reference, interruptions, impact, seasonality, covariates, transform) {
  base <- lapply(units, function(u) make_design(u$series, interruptions, impact, seasonality, covariates))
  names <- vapply(units, function(u) u$name, "")
  compared <- setdiff(unique(names), reference)
  prefix <- if (length(compared) == 1) "group" else paste0("group[", compared, "]")
  blocks <- lapply(seq_along(units), function(i) {
    X <- base[[i]]
    extra <- do.call(cbind, lapply(compared, function(g) X * as.numeric(names[i] == g)))
    cbind(X, extra)
  })
  X <- do.call(rbind, blocks)
  terms <- colnames(base[[1]])
  group_terms <- unlist(lapply(prefix, function(p) ifelse(terms == "intercept", p, paste0(p, ":", terms))))
  colnames(X) <- c(terms, group_terms)
  y <- unlist(lapply(units, function(u) u$series$y))
  if (transform == "log") y <- log(y)
  list(X = X, y = y, sizes = vapply(units, function(u) length(u$series$y), 0L), terms = colnames(X), compared = compared, prefix = prefix)
}

# Bartlett meat summed within consecutive blocks of rows, Stata scaling n/(n-k).
newey_within <- function(fit, lag, sizes) {
  u <- estfun(fit)
  n <- nrow(u); k <- ncol(u)
  meat <- matrix(0, k, k)
  start <- 0
  for (s in sizes) {
    ub <- u[start + seq_len(s), , drop = FALSE]
    m <- crossprod(ub)
    for (j in seq_len(min(lag, s - 1))) {
      w <- 1 - j / (lag + 1)
      cross <- crossprod(ub[1:(s - j), , drop = FALSE], ub[(j + 1):s, , drop = FALSE])
      m <- m + w * (cross + t(cross))
    }
    meat <- meat + m
    start <- start + s
  }
  b <- bread(fit) / n  # (X'X)^-1
  b %*% meat %*% b * n / (n - k)
}

fit_case <- function(name, units, reference, interruptions, impact = "level+slope", seasonality = "none",
                     covariates = character(0), transform = "none", errors, lag_scope = "within") {
  d <- pooled_design(units, reference, interruptions, impact, seasonality, covariates, transform)
  fit <- lm(d$y ~ d$X - 1)
  names(fit$coefficients) <- d$terms
  lag <- if (startsWith(errors, "newey:")) as.integer(sub("newey:", "", errors)) else NA
  V <- if (errors == "ols") vcov(fit)
       else if (errors %in% c("hc0", "hc1", "hc2", "hc3")) vcovHC(fit, type = toupper(errors))
       else if (lag_scope == "across") NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = TRUE)
       else newey_within(fit, lag, d$sizes)
  vcov_call <- if (errors == "ols") "vcov(fit)"
       else if (errors %in% c("hc0", "hc1", "hc2", "hc3")) sprintf('vcovHC(fit, type = "%s")', toupper(errors))
       else if (lag_scope == "across") sprintf("NeweyWest(fit, lag = %d, prewhite = FALSE, adjust = TRUE)", lag)
       else sprintf("newey_within(fit, lag = %d, sizes = c(%s))", lag, paste(d$sizes, collapse = ", "))
  b <- coef(fit); se <- sqrt(diag(V)); df <- fit$df.residual
  tval <- b / se; q <- qt(0.975, df)
  base <- make_design(units[[1]]$series, interruptions, impact, "none", character(0))
  interruption <- colnames(base)[interruption_columns(base)]
  tests <- list()
  for (g in seq_along(d$prefix)) {
    p <- d$prefix[g]
    idx <- match(paste0(p, ":", interruption), d$terms)
    for (i in seq_along(idx))
      tests[[length(tests) + 1]] <- list(group = d$compared[g], term = interruption[i], estimate = unname(b[idx[i]]),
                                         std_error = unname(se[idx[i]]), p_value = unname(2 * pt(-abs(tval[idx[i]]), df)))
    if (length(idx) > 1) {
      w <- as.numeric(t(b[idx]) %*% solve(V[idx, idx], b[idx]))
      f <- w / length(idx)
      tests[[length(tests) + 1]] <- list(group = d$compared[g], term = paste(interruption, collapse = "+"), statistic = f,
                                         df = length(idx), df_residual = df, p_value = pf(f, length(idx), df, lower.tail = FALSE))
    }
  }
  fixture_case(
    name, kind = "group-comparison",
    call = sprintf("fit <- lm(y ~ X - 1) [X: %s, stacked %s]; coeftest(fit, vcov. = %s)",
                   paste(d$terms, collapse = ", "), paste(vapply(units, function(u) u$name, ""), collapse = ", "), vcov_call),
    data = list(units = lapply(units, function(u) list(name = u$name, unit = if (is.null(u$unit)) u$name else u$unit, series = u$series))),
    spec = list(reference = reference, interruptions = I(interruptions), impact = impact, seasonality = seasonality,
                covariates = I(covariates), transform = transform, errors = errors, lag_scope = lag_scope),
    expected = list(
      n = nobs(fit), df_residual = df, sigma = summary(fit)$sigma,
      coefficients = coefficient_rows(d$terms, b, se, tval, 2 * pt(-abs(tval), df), b - q * se, b + q * se),
      vcov = matrix_rows(V),
      difference_tests = tests),
    tolerance = compare_tolerance)
}

# Closed forms (QR least squares, sandwich products): 1e-8 relative. A covariance that is 0 up to
# rounding (orthogonal columns) is compared on the scale of SE_i SE_j: a correlation below 1e-6
# counts as 0.
compare_tolerance <- list(
  default = tolerance(1e-8, "closed form: the same arithmetic as R up to rounding"),
  vcov = tolerance(1e-8, "a correlation below 1e-6 counts as 0", scale = "variance_pair"))

# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------

cases <- list()

# Linden (2015): California against the mean of the other 38 states, annual 1970-2000, 1989.
prop99 <- read.csv(file.path(data_dir, "prop99_smoking.csv"))
ca <- california(data_dir)
others <- prop99[prop99$state != "California", ]
stopifnot(length(unique(others$state)) == 38)
control_mean <- aggregate(cigsale ~ year, data = others, FUN = mean)
control_mean <- control_mean[order(control_mean$year), ]
years <- period_labels("year", 1970, 1, 31)
prop99_groups <- list(
  list(name = "control", unit = "mean of 38 states", series = make_series("year", years, control_mean$cigsale)),
  list(name = "California", series = make_series("year", years, ca$cigsale)))
for (e in c("ols", "hc1", "newey:1")) {
  scopes <- if (startsWith(e, "newey")) c("within", "across") else "within"
  for (s in scopes)
    cases[[length(cases) + 1]] <- fit_case(paste("prop99 mean", e, s), prop99_groups, "control", "1989", errors = e, lag_scope = s)
}

# Stata itsa's own regression stacks every state (ids in alphabetical order, California the
# third) rather than their mean, and newey lets lags run across the stacked states: that is the
# model whose slope-difference p value, 0.136, Linden's Stata help for ITSA power quotes.
states <- unique(prop99$state)
stacked <- lapply(states, function(s) {
  rows <- prop99[prop99$state == s, ]
  rows <- rows[order(rows$year), ]
  list(name = if (s == "California") "California" else "control", unit = s, series = make_series("year", years, rows$cigsale))
})
for (s in c("across", "within"))
  cases[[length(cases) + 1]] <- fit_case(paste("prop99 stacked newey:1", s), stacked, "control", "1989", errors = "newey:1", lag_scope = s)
itsa <- cases[[length(cases) - 1]]
stopifnot(round(itsa$expected$difference_tests[[2]]$p_value, 3) == 0.136)

# Synthetic monthly two-group panel with known differences: the treated group's level change is
# 0.08 lower and its slope change 0.006 lower (log scale), with month effects and AR(1) noise.
set.seed(20251)
n <- 48
months <- period_labels("month", 2016, 1, n)
t <- 0:(n - 1); post <- as.numeric(t >= 24); since <- ifelse(t >= 24, t - 24, 0)
season <- 0.05 * cos(2 * pi * calendar_month(months) / 12)
ar1 <- function(rho, sd) as.numeric(arima.sim(list(ar = rho), n, sd = sd))
control <- exp(10 + 0.004 * t - 0.02 * post - 0.002 * since + season + ar1(0.4, 0.02))
treated <- exp(11 + 0.006 * t - 0.10 * post - 0.008 * since + season + ar1(0.4, 0.02))
synthetic <- list(
  list(name = "community", series = make_series("month", months, round(control, 6))),
  list(name = "hospital", series = make_series("month", months, round(treated, 6))))
for (e in c("ols", "newey:3")) {
  scopes <- if (startsWith(e, "newey")) c("within", "across") else "within"
  for (s in scopes)
    cases[[length(cases) + 1]] <- fit_case(paste("synthetic", e, s), synthetic, "community", "2018-01", seasonality = "month",
                                           transform = "log", errors = e, lag_scope = s)
}

# Three groups, each compared with the reference, level change only.
third <- exp(9 + 0.002 * t + 0.05 * post + season + ar1(0.2, 0.03))
three <- c(synthetic, list(list(name = "clinic", series = make_series("month", months, round(third, 6)))))
cases[[length(cases) + 1]] <- fit_case("three groups newey:2", three, "community", "2018-01", transform = "log", errors = "newey:2")
cases[[length(cases) + 1]] <- fit_case("three groups level hc3", three, "community", "2018-01", impact = "level", errors = "hc3")

write_fixture(out_file, "compare.R",
  "Pooled interaction models of multiple-group ITS (lm on the stacked series, sandwich covariances); see compare.R",
  list(r = R.version.string, sandwich = as.character(packageVersion("sandwich"))),
  cases)
