# Series and design matrices with the kit's time coding, shared by the fixture scripts
# (gaussian.R, glm.R). Sourced, not run on its own.

# ---------------------------------------------------------------------------------------------
# Series and design
# ---------------------------------------------------------------------------------------------

# Period labels of a regular series: monthly "2016-01", quarterly "2010-Q1", annual "1970".
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

# Calendar month (1..12) of monthly labels "YYYY-MM".
calendar_month <- function(periods) as.integer(substr(periods, 6, 7))

# Quarter (1..4) of quarterly labels "YYYY-Qn".
calendar_quarter <- function(periods) as.integer(substr(periods, 7, 7))

# Design matrix built from the period index only, with the Stata itsa time coding:
# time = 0 at the first period; level{j} = 1 from T_j on; slope{j} = t - T_j from T_j on (0 at T_j).
# Column order: intercept, time, interruption terms, seasonal terms, covariates.
make_design <- function(series, interruptions, impact, seasonality, covariates) {
  periods <- series$periods
  n <- length(periods)
  stopifnot(!anyDuplicated(periods), all(interruptions %in% periods))
  t <- 0:(n - 1)
  X <- cbind(intercept = rep(1, n), time = t)
  for (j in seq_along(interruptions)) {
    Tj <- match(interruptions[j], periods) - 1L
    level <- as.numeric(t >= Tj)
    slope <- ifelse(t >= Tj, t - Tj, 0)
    if (impact %in% c("level+slope", "level")) X <- cbind(X, level)
    if (impact == "level+slope" || impact == "slope") X <- cbind(X, slope)
    nm <- c(if (impact != "slope") paste0("level", j), if (impact != "level") paste0("slope", j))
    colnames(X)[ncol(X) - length(nm) + seq_along(nm)] <- nm
  }
  if (seasonality != "none") {
    # Month dummies for monthly series, quarter dummies for quarterly ones, Fourier pairs of the
    # series' period (12 or 4) at the period's position in its year; annual series have none.
    stopifnot(series$frequency %in% c("month", "quarter"))
    S <- if (series$frequency == "month") 12L else 4L
    s <- if (S == 12L) calendar_month(periods) else calendar_quarter(periods)
    if (seasonality == "month") {
      stopifnot(S == 12L)
      for (k in 2:12) X <- cbind(X, as.numeric(s == k))
      colnames(X)[ncol(X) - 10:0] <- paste0("month", 2:12)
    } else if (seasonality == "quarter") {
      stopifnot(S == 4L)
      for (k in 2:4) X <- cbind(X, as.numeric(s == k))
      colnames(X)[ncol(X) - 2:0] <- paste0("quarter", 2:4)
    } else if (startsWith(seasonality, "fourier:")) {
      K <- as.integer(sub("fourier:", "", seasonality))
      stopifnot(2L * K <= S)
      for (j in seq_len(K)) {
        # At j = S / 2 the sine is 0 in every period; forecast::fourier leaves it out too.
        if (2L * j != S) {
          X <- cbind(X, sin(2 * pi * j * s / S))
          colnames(X)[ncol(X)] <- paste0("sin", j)
        }
        X <- cbind(X, cos(2 * pi * j * s / S))
        colnames(X)[ncol(X)] <- paste0("cos", j)
      }
    } else stop("unknown seasonality ", seasonality)
  }
  for (cv in covariates) {
    X <- cbind(X, series$covariates[[cv]])
    colnames(X)[ncol(X)] <- cv
  }
  X
}

# Interruption columns (level{j}, slope{j}) of a design.
interruption_columns <- function(X) grepl("^(level|slope)[0-9]+$", colnames(X))

# Rows left out of the fit: the `transition` periods starting at each interruption.
transition_rows <- function(series, interruptions, transition) {
  if (transition == 0) return(integer(0))
  Tj <- match(interruptions, series$periods)
  rows <- sort(unique(unlist(lapply(Tj, function(s) s + 0:(transition - 1)))))
  rows[rows <= length(series$periods)]
}

# A series as stored in the fixture: frequency, period labels, raw outcome, named covariates.
make_series <- function(frequency, periods, y, covariates = list()) {
  if (!length(covariates)) covariates <- setNames(list(), character(0))  # JSON {} not []
  list(frequency = frequency, periods = periods, y = y, covariates = covariates)
}

# California's rows of prop99_smoking.csv (Linden 2015's single-group example), by year 1970-2000.
california <- function(data_dir) {
  prop99 <- read.csv(file.path(data_dir, "prop99_smoking.csv"))
  ca <- prop99[prop99$state == "California", ]
  ca <- ca[order(ca$year), ]
  stopifnot(identical(as.integer(round(ca$year)), 1970:2000))
  ca
}
