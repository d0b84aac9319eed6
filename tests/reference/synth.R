# Reference fixtures for Abadie, Diamond and Hainmueller's (2010) synthetic control on the
# Proposition 99 panel (39 states, 1970-2000, California treated from 1989), as the R package
# Synth (1.1-x) computes it with dataprep() and synth().
#
# What: a transparent port of Synth 1.1-6's dataprep()/synth()/fn.V()/collect.optimx(), written out
# here because Synth is not installed (it is not a Debian package):
#   - predictors as dataprep builds X: means with na.rm = TRUE of lnincome, retprice and
#     age15to24 over 1980-1988 and of beer over 1984-1988, and cigsale in 1975, 1980 and 1988
#     ("special predictors"); Z = cigsale 1970-1988;
#   - every predictor (row of X) divided by its SD over the 39 units (treated included);
#   - the inner problem: W = argmin (X1 - X0 W)' V (X1 - X0 W) over the simplex, by
#     kernlab::ipop with Synth's settings (margin 5e-4, sigf 5, bound 10, maxiter 1000);
#   - the outer problem: V = diag(|v| / sum |v|) minimising the pre-period MSPE of Z at W(V), by
#     optimx(c("Nelder-Mead", "BFGS")) from equal weights and from the regression start
#     (diag(B B') of the OLS of Z on the scaled X, intercept dropped), the best of the four runs
#     kept;
#   - W once more at the chosen V by Synth's ipop, loss.w and loss.v;
#   - at the same V, the exact W the kit is compared with (it solves the inner problem exactly):
#     ipop cannot give it (at sigf 12, margin 1e-10, and down to sigf 8, its Newton system is
#     singular once weights reach their bounds: "system is computationally singular"), so it is
#     computed by Wolfe's (1976) minimum-norm-point algorithm, a finite active-set method for
#     min |sum_j w_j p_j| over the simplex with p_j = V^(1/2) (X0_j - X1) (the same problem, since
#     sum w = 1), and checked by its KKT conditions; the most precise ipop that does run is
#     recorded beside it.
# How the kit is compared: V is not identified (many V give one W), so the kit's own V search is
# held one-sided to R's V in the exact nested problem (best_loss_v: the pre-period MSPE at R's V
# and the exact W; Synth's own loss.v is at ipop's inexact W, which its search can exploit, and is
# informative only); every other number is compared at R's V, given to the kit as custom V: the
# exact W to 1e-6, Synth's ipop W to 5e-3. A placebo unit inside the donors' predictor hull
# (loss.w 0) has many W, and compares its loss.w only.
# Cases: the Abadie et al. (2010) specification; the synthetic control on the outcome path alone
# (no predictors); leave-one-out of every donor with weight > 0.001; the placebo in space (every
# state in turn as the treated unit, the post/pre RMSPE ratios ranked, California's rank and p);
# an in-time placebo with the interruption moved to 1980.
# Abadie et al. (2010, Table 2, Figures 2, 4, 7, 8) report Colorado 0.164, Connecticut 0.069,
# Montana 0.199, Nevada 0.234, Utah 0.334, a 2000 gap of about -26 packs and California's ratio
# the largest of the 39 (p = 1/39). The script prints its numbers beside these and stops only if
# fewer than 4 of the 5 states get weight > 0.01 or the 2000 gap is outside -30..-20.
# Writes tests/reference/synth.json; the C# tests read only that JSON.
#
# How to run (from the repository root):
#   Rscript tests/reference/synth.R
#
# Data are read from the folder in ITS_DATA (default data, the repository's own copies).
# Wolfe's algorithm is written out below (base R). Needs jsonlite, kernlab (ipop) and optimx
# (Debian r-cran-jsonlite, r-cran-kernlab, r-cran-optimx). Deterministic (no random numbers). The
# placebo in space runs 39 full synth() fits and dominates the run time (about 4 minutes).

suppressPackageStartupMessages({ library(jsonlite); library(kernlab); library(optimx) })

data_dir <- Sys.getenv("ITS_DATA", "data")
out_file <- file.path("tests", "reference", "synth.json")
source(file.path("tests", "reference", "fixture.R"))
started <- proc.time()[["elapsed"]]

# ---- the panel ----

prop99 <- read.csv(file.path(data_dir, "prop99_smoking.csv"), na.strings = "")
prop99$year <- as.integer(round(prop99$year))
states <- unique(prop99$state)                   # the file's order of first appearance
years <- sort(unique(prop99$year))
stopifnot(length(states) == 39, identical(years, 1970:2000),
          nrow(prop99) == length(states) * length(years))

# A column of the panel as a years x states matrix (rows named by year, columns by state).
panel_matrix <- function(column) {
  M <- sapply(states, function(s) {
    rows <- prop99[prop99$state == s, ]
    rows[[column]][match(years, rows$year)]
  })
  dimnames(M) <- list(as.character(years), states)
  M
}
panel <- lapply(setNames(nm = c("cigsale", "lnincome", "beer", "age15to24", "retprice")), panel_matrix)

# A predictor: the mean (na.rm = TRUE, as dataprep's predictors.op = "mean" and its special
# predictors) of `column` over the years from..to; `spec` is the kit's grammar COLUMN:FROM-TO
# or COLUMN:YEAR, `name` the label the fixture reports.
predictor <- function(column, from, to = from) {
  list(column = column, from = from, to = to,
       spec = if (from == to) sprintf("%s:%d", column, from) else sprintf("%s:%d-%d", column, from, to),
       name = if (from == to) sprintf("%s %d", column, from) else sprintf("%s %d-%d", column, from, to))
}

# X: predictors x units, for the given units.
predictor_matrix <- function(predictors, units) {
  X <- matrix(vapply(predictors, function(p) {
    rows <- as.character(p$from:p$to)
    colMeans(panel[[p$column]][rows, units, drop = FALSE], na.rm = TRUE)
  }, numeric(length(units))), nrow = length(predictors), byrow = TRUE)
  dimnames(X) <- list(vapply(predictors, `[[`, "", "name"), units)
  stopifnot(!anyNA(X))
  X
}

# Y: years x units of cigsale over from..to.
outcome_matrix <- function(units, from, to) panel$cigsale[as.character(from:to), units, drop = FALSE]

# ---- the inner problem: W given V ----

# Synth's ipop settings; and tighter ones, most precise first, for the most precise ipop that runs.
ipop_synth <- list(margin = 5e-4, sigf = 5, bound = 10)
ipop_ladder <- lapply(12:6, function(s) list(margin = min(5e-4, 10^-(s - 2)), sigf = s, bound = 10))

# min 0.5 w' H w + c' w  s.t.  sum w = 1, 0 <= w <= 1, by kernlab::ipop as Synth calls it.
simplex_qp <- function(H, c, settings) {
  J <- length(c)
  res <- ipop(c = c, H = H, A = t(rep(1, J)), b = 1, l = rep(0, J), u = rep(1, J), r = 0,
              margin = settings$margin, maxiter = 1000, sigf = settings$sigf, bound = settings$bound)
  list(w = as.numeric(primal(res)), how = how(res))
}

# The QP of W given V for scaled predictors: H = X0' V X0, c = -X1' V X0 (fn.V, synth()).
w_problem <- function(v, X0s, X1s) {
  V <- diag(as.numeric(v), nrow = length(v))
  list(H = t(X0s) %*% V %*% X0s, c = -c(t(X1s) %*% V %*% X0s),
       P = sqrt(as.numeric(v)) * (X0s - X1s))            # the points of the min-norm form
}

# W(V) by ipop (Synth's settings unless told).
solve_w <- function(v, X0s, X1s, settings = ipop_synth) {
  qp <- w_problem(v, X0s, X1s)
  simplex_qp(qp$H, qp$c, settings)
}

# The most precise of ipop_ladder at which ipop runs without error (NULL if none does).
ipop_tightest <- function(H, c) {
  for (settings in ipop_ladder) {
    res <- try(simplex_qp(H, c, settings), silent = TRUE)
    if (!inherits(res, "try-error")) return(c(res, list(settings = settings)))
  }
  NULL
}

# Wolfe's (1976) minimum-norm-point algorithm: the exact minimiser of |P w|^2 over the simplex
# (w >= 0, sum w = 1), P a d x J matrix whose columns are the points. It keeps a "corral" S of
# affinely independent points and the weights lam > 0 of the current point x = P_S lam:
#   major cycle: x is optimal if no point lies beyond the hyperplane through x normal to x
#     (x'x - min_j x'p_j <= tol max_j |p_j|^2); otherwise the point minimising x'p_j joins S;
#   minor cycle: a = the affine minimiser of |P_S a| subject to sum a = 1 (a linear system); if
#     a > 0 it becomes lam; otherwise move from lam towards a until a weight reaches 0, drop it,
#     and repeat.
# With sum w = 1, |P w|^2 = (X1 - X0 w)' V (X1 - X0 w) for P = V^(1/2) (X0 - X1 1'), and
# = |Z1 - Z0 w|^2 for P = Z0 - Z1 1': the same problems ipop solves as 0.5 w'Hw + c'w.
wolfe_min_norm <- function(P, tol = 1e-13, max_iter = 1000) {
  J <- ncol(P)
  scale <- max(colSums(P^2))
  S <- which.min(colSums(P^2))
  lam <- 1
  for (iteration in seq_len(max_iter)) {
    x <- c(P[, S, drop = FALSE] %*% lam)
    scores <- c(crossprod(P, x))
    j <- which.min(scores)
    if (sum(x^2) - scores[j] <= tol * scale || j %in% S) break
    S <- c(S, j); lam <- c(lam, 0)
    repeat {
      PS <- P[, S, drop = FALSE]
      K <- rbind(cbind(crossprod(PS), 1), c(rep(1, length(S)), 0))
      a <- solve(K, c(rep(0, length(S)), 1))[seq_along(S)]
      if (all(a > 1e-15)) { lam <- a; break }
      out <- a <= 1e-15
      theta <- min(lam[out] / (lam[out] - a[out]))
      lam <- (1 - theta) * lam + theta * a
      keep <- lam > 1e-15
      S <- S[keep]; lam <- lam[keep] / sum(lam[keep])
    }
  }
  w <- numeric(J); w[S] <- lam
  list(w = w, iterations = iteration)
}

# The exact W of a QP (H, c, points P), with its KKT check and the most precise ipop beside it.
exact_w <- function(qp) {
  exact <- wolfe_min_norm(qp$P)
  tight <- ipop_tightest(qp$H, qp$c)
  list(w = exact$w, iterations = exact$iterations, kkt = kkt_violation(exact$w, qp$H, qp$c),
       ipop = if (is.null(tight)) NULL else
         list(sigf = tight$settings$sigf, margin = tight$settings$margin, how = tight$how,
              max_abs_difference = max(abs(tight$w - exact$w)), weights = tight$w))
}

# How far w is from the exact minimiser: the KKT conditions of min 0.5 w'Hw + c'w on the simplex
# say the gradient g = Hw + c equals its minimum over the support {w > 0} and is no smaller off it.
# Reported relative to max |g|: the largest spread of g on the support (weights > 1e-6) and the
# largest amount by which g falls below that level off it, and the smallest weight.
kkt_violation <- function(w, H, c) {
  g <- c(H %*% w + c)
  on <- w > 1e-6
  level <- sum(w[on] * g[on]) / sum(w[on])
  list(support_spread = max(abs(g[on] - level)) / max(abs(g)),
       off_support_below = max(0, level - g[!on]) / max(abs(g)),
       min_weight = min(w))
}

# ---- the outer problem: V ----

# fn.V: the pre-period MSPE of Z at W(V), V = diag(|x| / sum |x|).
fn_v <- function(x, X0s, X1s, Z0, Z1) {
  w <- solve_w(abs(x) / sum(abs(x)), X0s, X1s)$w
  sum((Z1 - Z0 %*% w)^2) / nrow(Z0)
}

# optimx from `start` with Synth's methods and controls; collect.optimx(, "min"): the method with
# the lowest value (a failed method has value NA and is ignored; the first of ties is kept).
optimise_v <- function(start, X0s, X1s, Z0, Z1) {
  res <- optimx(par = start, fn = fn_v, gr = NULL, hess = NULL,
                method = c("Nelder-Mead", "BFGS"), itnmax = NULL, hessian = FALSE,
                control = list(kkt = FALSE, starttests = FALSE, dowarn = FALSE, all.methods = FALSE),
                X0s = X0s, X1s = X1s, Z0 = Z0, Z1 = Z1)
  k <- length(start)
  values <- setNames(res$value, rownames(res))
  best <- which(values == min(values, na.rm = TRUE))[1]
  list(par = as.numeric(res[best, 1:k]), value = values[[best]], method = rownames(res)[best],
       values = as.list(values))
}

# The regression start: OLS of Z (every unit's pre-period outcomes) on an intercept and the scaled
# predictors, B without the intercept row, diag(B B') normalised; NULL if X'X is singular.
regression_start <- function(X0s, X1s, Z0, Z1) {
  Xall <- cbind(X1s, X0s)
  Xall <- cbind(rep(1, ncol(Xall)), t(Xall))
  Zall <- cbind(Z1, Z0)
  Beta <- try(solve(t(Xall) %*% Xall) %*% t(Xall) %*% t(Zall), silent = TRUE)
  if (inherits(Beta, "try-error")) return(NULL)
  Beta <- Beta[-1, , drop = FALSE]
  SV2 <- diag(Beta %*% t(Beta))
  SV2 / sum(SV2)
}

# synth(): X0, X1 predictors (unscaled), Z0, Z1 pre-period outcomes.
synth <- function(X0, X1, Z0, Z1) {
  divisor <- sqrt(apply(cbind(X0, X1), 1, var))
  X0s <- X0 / divisor
  X1s <- c(X1) / divisor
  k <- nrow(X0)
  sv1 <- rep(1 / k, k)
  equal <- optimise_v(sv1, X0s, X1s, Z0, Z1)
  sv2 <- regression_start(X0s, X1s, Z0, Z1)
  regression <- if (is.null(sv2)) NULL else optimise_v(sv2, X0s, X1s, Z0, Z1)
  # Synth keeps the equal-weights start only if strictly lower.
  best <- if (is.null(regression) || equal$value < regression$value) equal else regression
  v <- abs(best$par) / sum(abs(best$par))
  inner <- solve_w(v, X0s, X1s)
  qp <- w_problem(v, X0s, X1s)
  precise <- exact_w(qp)
  w <- inner$w
  V <- diag(v, nrow = k)
  loss_w <- c(t(X1s - X0s %*% w) %*% V %*% (X1s - X0s %*% w))
  loss_v <- sum((Z1 - Z0 %*% w)^2) / nrow(Z0)
  list(v = v, w = w, w_precise = precise$w, loss_w = loss_w, loss_v = loss_v,
       loss_w_precise = sum((qp$P %*% precise$w)^2),
       loss_v_precise = sum((Z1 - Z0 %*% precise$w)^2) / nrow(Z0),
       how = inner$how, precise = precise, kkt = kkt_violation(w, qp$H, qp$c),
       start_equal = sv1, start_regression = sv2, equal = equal, regression = regression,
       chosen = if (identical(best, equal)) "equal" else "regression")
}

# ---- one specification: treated, donors, predictors, pre-period ----

# Everything the cases report for one synthetic control: the fit, the path treated vs synthetic
# over from..to, the gaps, pre and post MSPE.
fit_unit <- function(treated, donors, predictors, pre_from, pre_to, to = 2000) {
  X1 <- predictor_matrix(predictors, treated)
  X0 <- predictor_matrix(predictors, donors)
  Z1 <- outcome_matrix(treated, pre_from, pre_to)
  Z0 <- outcome_matrix(donors, pre_from, pre_to)
  fit <- synth(X0, X1, Z0, Z1)
  Y1 <- c(outcome_matrix(treated, pre_from, to))
  Y0 <- outcome_matrix(donors, pre_from, to)
  pre <- seq_len(pre_to - pre_from + 1)
  # The path, gaps and MSPEs at Synth's W and at the exact W.
  at <- function(w) {
    synthetic <- c(Y0 %*% w)
    gap <- Y1 - synthetic
    list(synthetic_path = synthetic, gap = gap, pre_mspe = mean(gap[pre]^2), post_mspe = mean(gap[-pre]^2),
         average_post_gap = mean(gap[-pre]))
  }
  c(fit, list(X0 = X0, X1 = X1, periods = pre_from:to, treated_path = Y1), at(fit$w),
    list(exact = at(fit$w_precise)))
}

weight_rows <- function(units, w) lapply(seq_along(units), function(j) list(unit = units[j], weight = w[j]))
path_rows <- function(fit, synthetic = fit$synthetic_path) lapply(seq_along(fit$periods), function(t)
  list(period = as.character(fit$periods[t]), treated = fit$treated_path[t], synthetic = synthetic[t]))
start_report <- function(run) list(value = run$value, method = run$method, par = run$par, values = run$values)
show_weights <- function(units, w, min = 1e-3) {
  keep <- w > min
  paste(sprintf("%s %.4f", units[keep], w[keep]), collapse = ", ")
}
report_fit <- function(label, fit, donors) {
  cat(sprintf("%s: loss.v %.6f (equal start %.6f by %s, regression start %s, kept %s), loss.w %.3g\n", label,
              fit$loss_v, fit$equal$value, fit$equal$method,
              if (is.null(fit$regression)) "failed" else sprintf("%.6f by %s", fit$regression$value, fit$regression$method),
              fit$chosen, fit$loss_w))
  cat("  weights:", show_weights(donors, fit$w), "\n")
  cat(sprintf("  Synth's ipop %s, max |w - exact w| %.2g, loss.v at exact w %.6f; exact w: KKT spread %.2g, below %.2g (%d Wolfe iterations)\n",
              fit$how, max(abs(fit$w - fit$w_precise)), fit$loss_v_precise,
              fit$precise$kkt$support_spread, fit$precise$kkt$off_support_below, fit$precise$iterations))
  ip <- fit$precise$ipop
  cat(sprintf("  most precise ipop that runs: %s\n", if (is.null(ip)) "none" else
    sprintf("sigf %d, margin %g (%s), max |w - exact w| %.2g", ip$sigf, ip$margin, ip$how, ip$max_abs_difference)))
}

abadie <- list(predictor("lnincome", 1980, 1988), predictor("retprice", 1980, 1988),
               predictor("age15to24", 1980, 1988), predictor("beer", 1984, 1988),
               predictor("cigsale", 1975), predictor("cigsale", 1980), predictor("cigsale", 1988))
abadie_spec <- vapply(abadie, `[[`, "", "spec")
treated <- "California"
donors <- setdiff(states, treated)
data_entry <- function(...) list(file = "prop99_smoking.csv", outcome = "cigsale", treated = treated, interruption = "1989", ...)
call_text <- "synth(dataprep(prop99, predictors and special.predictors as spec, dependent = cigsale, time.optimize.ssr = 1970:1988)), Synth 1.1-6 ported: optimx(Nelder-Mead, BFGS) from equal and regression starts, ipop(margin 5e-4, sigf 5, bound 10)"

v_tolerance <- not_compared("V is not identified: many V give the same W; the kit's own search is compared by best_loss_v")
# Synth's loss.v is the MSPE at ipop's inexact W, which its V search can exploit (at R's V the exact
# W's MSPE is up to twice it in the placebos): the kit's search is held to R's V in the exact
# nested problem instead, best_loss_v (= loss_v_precise).
loss_v_informative <- not_compared("Synth's loss.v, at ipop's inexact W; informative (the kit's search is compared by best_loss_v)")
best_loss_v_tolerance <- list(compare = "kit_at_most", relative = 1e-3, floor = 1e-6,
  reason = "the kit's own V search: its loss_v (pre-period MSPE at its V and its exact W) must be at most R's V's in the same exact nested problem, times (1 + 1e-3)")
loss_v_precise_tolerance <- tolerance(1e-8, "the MSPE at R's V and the exact W: the kit's exact inner solver at R's V gives it to rounding")
w_tolerance <- tolerance(5e-3, "Synth's ipop (sigf 5, margin 5e-4) at R's V stops short of the exact minimiser by up to about 4e-3 per weight here: the kit's W at R's V within 5e-3 absolute (weights are at most 1, floor 1)", floor = 1)
w_precise_tolerance <- tolerance(1e-6, "the exact W at R's V (Wolfe's algorithm, KKT residual about 1e-13 relative); the kit solves the same QP exactly: 1e-6 absolute (floor 1)", floor = 1)
fit_tolerance <- tolerance(0.01, "at Synth's ipop W, up to about 1e-3 per weight from the exact W, which moves the synthetic path by up to about 0.1 packs: 1e-2 relative, floor 1 (0.01 absolute)", floor = 100)
fit_precise_tolerance <- tolerance(1e-6, "at the exact W at R's V", floor = 1e-2)

# ---- case 1: Abadie et al. (2010) ----

cat("Case 1: Abadie et al. (2010), California against 38 donors\n")
main <- fit_unit(treated, donors, abadie, 1970, 1988)
report_fit("  synth()", main, donors)
published <- c(Colorado = 0.164, Connecticut = 0.069, Montana = 0.199, Nevada = 0.234, Utah = 0.334)
for (s in names(published))
  cat(sprintf("  %-12s published %.3f  port %.4f  precise %.6f\n", s, published[[s]],
              main$w[donors == s], main$w_precise[donors == s]))
others <- setdiff(donors, names(published))
cat(sprintf("  all others: published 0, port max %.4f (%s)\n", max(main$w[donors %in% others]),
            others[which.max(main$w[donors %in% others])]))
gap_2000 <- main$gap[main$periods == 2000]
cat(sprintf("  gap 2000: published about -26, port %.3f; pre RMSPE %.4f, post RMSPE %.4f, mean post gap %.3f\n",
            gap_2000, sqrt(main$pre_mspe), sqrt(main$post_mspe), main$average_post_gap))
cat(sprintf("  at the exact W: gap 2000 %.3f; pre RMSPE %.4f, post RMSPE %.4f, mean post gap %.3f; max |path difference| %.3f\n",
            main$exact$gap[main$periods == 2000], sqrt(main$exact$pre_mspe), sqrt(main$exact$post_mspe),
            main$exact$average_post_gap, max(abs(main$synthetic_path - main$exact$synthetic_path))))
found <- sum(main$w[match(names(published), donors)] > 0.01)
if (found < 4) stop(sprintf("only %d of Abadie et al.'s 5 donors get weight > 0.01", found))
if (gap_2000 < -30 || gap_2000 > -20) stop(sprintf("the 2000 gap %.3f is outside -30..-20", gap_2000))

case_abadie <- fixture_case(
  "prop99_abadie", kind = "synthetic-control", call = call_text,
  data = data_entry(donors = donors, pre_period = "1970-1988", z_periods = "1970-1988"),
  spec = list(predictors = abadie_spec),
  expected = list(
    predictors = rownames(main$X0), treated_predictors = unname(c(main$X1)),
    synthetic_predictors = unname(c(main$X0 %*% main$w)),
    synthetic_predictors_precise = unname(c(main$X0 %*% main$w_precise)),
    v = main$v, weights = weight_rows(donors, main$w), weights_precise = weight_rows(donors, main$w_precise),
    loss_v = main$loss_v, loss_v_precise = main$loss_v_precise, best_loss_v = main$loss_v_precise, loss_w = main$loss_w,
    loss_w_precise = main$loss_w_precise,
    path = path_rows(main), gap_2000 = gap_2000,
    pre_rmspe = sqrt(main$pre_mspe), post_rmspe = sqrt(main$post_mspe), average_post_gap = main$average_post_gap,
    path_precise = path_rows(main, main$exact$synthetic_path), gap_2000_precise = main$exact$gap[main$periods == 2000],
    pre_rmspe_precise = sqrt(main$exact$pre_mspe), post_rmspe_precise = sqrt(main$exact$post_mspe),
    average_post_gap_precise = main$exact$average_post_gap,
    v_start_equal = main$start_equal, v_start_regression = main$start_regression,
    value_equal = main$equal$value, value_regression = main$regression$value,
    method_equal = main$equal$method, method_regression = main$regression$method,
    start_kept = main$chosen,
    optimx_equal = start_report(main$equal), optimx_regression = start_report(main$regression),
    ipop_status = main$how, exact_solver = list(method = "Wolfe (1976) minimum-norm point", iterations = main$precise$iterations,
                                                kkt = main$precise$kkt, tightest_ipop = main$precise$ipop),
    published = list(weights = as.list(published), gap_2000 = -26, california_rank = 1)),
  tolerance = list(
    default = tolerance(1e-6, "deterministic inputs: predictor means, scaling"),
    treated_predictors = tolerance(1e-10, "means of the data"),
    v = v_tolerance,
    v_start_equal = not_compared("Synth's first start, 1/7 each; informative"),
    v_start_regression = not_compared("Synth's regression start; informative (the kit's V search is compared by loss_v)"),
    weights = w_tolerance, weights_precise = w_precise_tolerance,
    synthetic_predictors = tolerance(1e-3, "X0 W at Synth's ipop precision"),
    synthetic_predictors_precise = tolerance(1e-6, "X0 W at the precise W"),
    loss_v = loss_v_informative, loss_v_precise = loss_v_precise_tolerance, best_loss_v = best_loss_v_tolerance,
    loss_w = tolerance(0.01, "(X1 - X0 W)' V (X1 - X0 W) at R's V and Synth's ipop W", floor = 1e-4),
    loss_w_precise = tolerance(1e-6, "the same at the exact W: the inner QP's minimum at R's V", floor = 1e-4),
    path = fit_tolerance, gap_2000 = fit_tolerance, pre_rmspe = fit_tolerance, post_rmspe = fit_tolerance,
    average_post_gap = fit_tolerance,
    path_precise = fit_precise_tolerance, gap_2000_precise = fit_precise_tolerance,
    pre_rmspe_precise = fit_precise_tolerance, post_rmspe_precise = fit_precise_tolerance,
    average_post_gap_precise = fit_precise_tolerance,
    value_equal = not_compared("R's optimx path from the equal start; informative"),
    value_regression = not_compared("R's optimx path from the regression start; informative"),
    method_equal = not_compared("which optimx method won; informative"),
    method_regression = not_compared("which optimx method won; informative"),
    start_kept = not_compared("informative"), optimx_equal = not_compared("informative"),
    optimx_regression = not_compared("informative"), ipop_status = not_compared("informative"),
    exact_solver = not_compared("informative: how exact weights_precise are, and how close the most precise ipop that runs gets"),
    published = not_compared("Abadie et al. (2010), rounded; the script checks the port against them loosely")))

# ---- case 2: the outcome path alone ----

# min sum over 1970-1988 of (Z1 - Z0 w)^2 on the simplex: H = Z0'Z0, c = -Z0'Z1 for ipop, the
# points Z0 - Z1 1' for Wolfe's algorithm (exact).
cat("Case 2: synthetic control on the outcome path 1970-1988 alone\n")
Z0 <- outcome_matrix(donors, 1970, 1988); Z1 <- c(outcome_matrix(treated, 1970, 1988))
path_fit <- exact_w(list(H = t(Z0) %*% Z0, c = -c(t(Z0) %*% Z1), P = Z0 - Z1))
kkt_path <- path_fit$kkt
gap_path <- c(panel$cigsale[, treated] - panel$cigsale[, donors] %*% path_fit$w)
pre <- years <= 1988
cat(sprintf("  exact W (%d Wolfe iterations): KKT spread %.2g, below %.2g\n  weights: %s\n  pre RMSPE %.4f, post RMSPE %.4f, gap 2000 %.3f\n",
            path_fit$iterations, kkt_path$support_spread, kkt_path$off_support_below, show_weights(donors, path_fit$w),
            sqrt(mean(gap_path[pre]^2)), sqrt(mean(gap_path[!pre]^2)), gap_path[years == 2000]))
ip <- path_fit$ipop
cat(sprintf("  most precise ipop that runs: %s\n", if (is.null(ip)) "none" else
  sprintf("sigf %d, margin %g (%s), max |w - exact w| %.2g", ip$sigf, ip$margin, ip$how, ip$max_abs_difference)))
case_path <- fixture_case(
  "prop99_outcome_path", kind = "synthetic-control",
  call = "argmin |Z1 - Z0 w|^2 over the simplex, Z = cigsale 1970-1988, by Wolfe's minimum-norm-point algorithm (ipop(H = t(Z0) %*% Z0, c = -t(Z0) %*% Z1) at sigf 12, margin 1e-10 fails: singular system)",
  data = data_entry(donors = donors, pre_period = "1970-1988", z_periods = "1970-1988"),
  spec = list(predictors = character(0)),
  expected = list(weights = weight_rows(donors, path_fit$w), pre_rmspe = sqrt(mean(gap_path[pre]^2)),
                  post_rmspe = sqrt(mean(gap_path[!pre]^2)), gap_2000 = gap_path[years == 2000],
                  exact_solver = list(method = "Wolfe (1976) minimum-norm point", iterations = path_fit$iterations,
                                      kkt = kkt_path, tightest_ipop = path_fit$ipop)),
  tolerance = list(
    default = tolerance(1e-6, "the exact QP on both sides"),
    weights = tolerance(1e-6, "the exact W (Wolfe's algorithm, KKT residual about 1e-13 relative); the kit solves the same QP exactly: 1e-6 absolute (floor 1)", floor = 1),
    exact_solver = not_compared("informative: how exact the weights are, and how close the most precise ipop that runs gets")))

# ---- case 3: leave one out ----

cat("Case 3: leave-one-out of every donor with weight > 0.001\n")
loo <- lapply(donors[main$w > 1e-3], function(d) {
  kept <- setdiff(donors, d)
  fit <- fit_unit(treated, kept, abadie, 1970, 1988)
  report_fit(sprintf("  without %s", d), fit, kept)
  cat(sprintf("  gap 2000 %.3f, mean post gap %.3f\n", fit$gap[fit$periods == 2000], fit$average_post_gap))
  list(dropped = d, weights = weight_rows(kept, fit$w), weights_precise = weight_rows(kept, fit$w_precise),
       v = fit$v, loss_v = fit$loss_v, loss_v_precise = fit$loss_v_precise, best_loss_v = fit$loss_v_precise,
       gap_2000 = fit$gap[fit$periods == 2000], average_post_gap = fit$average_post_gap,
       gap_2000_precise = fit$exact$gap[fit$periods == 2000], average_post_gap_precise = fit$exact$average_post_gap,
       start_kept = fit$chosen)
})
case_loo <- fixture_case(
  "prop99_leave_one_out", kind = "synthetic-control",
  call = paste("for every donor with weight > 0.001 in prop99_abadie:", call_text, "without it"),
  data = data_entry(donors = donors, pre_period = "1970-1988", z_periods = "1970-1988"),
  spec = list(predictors = abadie_spec),
  expected = list(fits = loo),
  tolerance = list(
    default = tolerance(1e-6, "deterministic"),
    fits.weights = w_tolerance, fits.weights_precise = w_precise_tolerance, fits.v = v_tolerance,
    fits.loss_v = loss_v_informative, fits.loss_v_precise = loss_v_precise_tolerance, fits.best_loss_v = best_loss_v_tolerance,
    fits.gap_2000 = fit_tolerance, fits.average_post_gap = fit_tolerance,
    fits.gap_2000_precise = fit_precise_tolerance, fits.average_post_gap_precise = fit_precise_tolerance,
    fits.start_kept = not_compared("informative")))

# ---- case 4: placebo in space ----

# A unit inside the donors' predictor hull matches its predictors exactly (loss.w 0 at the exact W)
# with many W: its MSPEs depend on which W the solver stops at (ipop's interior point, the kit's
# active set), so only loss.w is compared for it.
cat("Case 4: placebo in space, every state in turn as the treated unit\n")
w_unique_floor <- 1e-12
placebos <- lapply(seq_along(states), function(i) {
  s <- states[i]
  fit <- if (s == treated) main else fit_unit(s, setdiff(states, s), abadie, 1970, 1988)
  cat(sprintf("  %2d/39 %-15s pre MSPE %9.4f (exact W %9.4f) post MSPE %10.4f ratio %8.3f loss.w %.2g (kept %s start; %.0fs elapsed)\n",
              i, s, fit$pre_mspe, fit$exact$pre_mspe, fit$post_mspe, fit$post_mspe / fit$pre_mspe, fit$loss_w_precise,
              fit$chosen, proc.time()[["elapsed"]] - started))
  list(unit = s, v = fit$v, loss_w_precise = fit$loss_w_precise, best_loss_v = fit$loss_v_precise,
       pre_rmspe_precise = sqrt(fit$exact$pre_mspe), post_rmspe_precise = sqrt(fit$exact$post_mspe),
       ratio_precise = sqrt(fit$exact$post_mspe / fit$exact$pre_mspe),
       loss_v = fit$loss_v, pre_rmspe = sqrt(fit$pre_mspe), post_rmspe = sqrt(fit$post_mspe),
       ratio = sqrt(fit$post_mspe / fit$pre_mspe))
})
# Ranked, as the kit reports them, by the post/pre RMSPE ratio (the square root of Abadie et al.'s
# MSPE ratio: the same order), at Synth's W as Synth reports them.
ratios <- vapply(placebos, `[[`, 0, "ratio")
ca_ratio <- ratios[states == treated]
ca_rank <- sum(ratios >= ca_ratio)        # ties count against California
cat(sprintf("  California's ratio %.3f ranks %d of 39 (published 1), p = %.4f (published 1/39 = 0.026); next largest %.3f (%s)\n",
            ca_ratio, ca_rank, ca_rank / 39, max(ratios[states != treated]), states[states != treated][which.max(ratios[states != treated])]))
ratios_precise <- vapply(placebos, `[[`, 0, "ratio_precise")
cat(sprintf("  at the exact W at R's V: California ranks %d\n", sum(ratios_precise >= ratios_precise[states == treated])))
hull <- states[vapply(placebos, `[[`, 0, "loss_w_precise") < w_unique_floor]
cat(sprintf("  W not unique (inside the donors' predictor hull at R's V): %s\n", paste(hull, collapse = ", ")))
not_unique <- not_compared("inside the donors' predictor hull at R's V (loss.w 0): W is not unique, and the MSPEs depend on where the solver stops")
per_unit <- unlist(lapply(hull, function(s) setNames(rep(list(not_unique), 4),
  sprintf("units[%s].%s", s, c("best_loss_v", "pre_rmspe_precise", "post_rmspe_precise", "ratio_precise")))), recursive = FALSE)
ipop_informative <- not_compared("at Synth's ipop W, which at R's V moves a placebo's RMSPE ratio by up to a factor 3 from the exact W's; informative")
case_placebo <- fixture_case(
  "prop99_placebo_in_space", kind = "synthetic-control",
  call = paste("for every state as the treated unit against the other 38:", call_text),
  data = data_entry(units = states, pre_period = "1970-1988", z_periods = "1970-1988"),
  spec = list(predictors = abadie_spec),
  expected = list(units = placebos, california_rank = ca_rank, p_value = ca_rank / 39),
  tolerance = c(list(
    default = tolerance(1e-6, "deterministic"),
    units.v = v_tolerance,
    units.loss_w_precise = tolerance(1e-6, "the inner QP's minimum at R's V", floor = 1e-4),
    units.best_loss_v = best_loss_v_tolerance,
    units.pre_rmspe_precise = fit_precise_tolerance, units.post_rmspe_precise = fit_precise_tolerance,
    units.ratio_precise = fit_precise_tolerance,
    units.loss_v = loss_v_informative, units.pre_rmspe = ipop_informative, units.post_rmspe = ipop_informative,
    units.ratio = ipop_informative,
    california_rank = tolerance(0, "an integer rank, the kit's own V search against R's: must be equal"),
    p_value = tolerance(1e-12, "rank / 39: equal to rounding")), per_unit))

# ---- case 5: in-time placebo, interruption 1980 ----

cat("Case 5: in-time placebo, interruption moved to 1980\n")
in_time <- list(predictor("lnincome", 1972, 1979), predictor("retprice", 1972, 1979),
                predictor("age15to24", 1972, 1979), predictor("cigsale", 1970),
                predictor("cigsale", 1975), predictor("cigsale", 1979))
fake <- fit_unit(treated, donors, in_time, 1970, 1979, to = 1988)
report_fit("  synth()", fake, donors)
cat(sprintf("  pre RMSPE %.4f, pseudo-post RMSPE %.4f, mean pseudo gap %.3f\n",
            sqrt(fake$pre_mspe), sqrt(fake$post_mspe), fake$average_post_gap))
case_in_time <- fixture_case(
  "prop99_in_time_1980", kind = "synthetic-control",
  call = "as prop99_abadie with the interruption at 1980: lnincome, retprice, age15to24 over 1972-1979 (beer starts in 1984, left out), cigsale 1970, 1975, 1979; Z = cigsale 1970-1979",
  data = data_entry(in_time = "1980", donors = donors, pre_period = "1970-1979", z_periods = "1970-1979", path_to = "1988"),
  spec = list(predictors = vapply(in_time, `[[`, "", "spec")),
  expected = list(predictors = rownames(fake$X0), treated_predictors = unname(c(fake$X1)), v = fake$v,
                  weights = weight_rows(donors, fake$w), weights_precise = weight_rows(donors, fake$w_precise),
                  loss_v = fake$loss_v, loss_v_precise = fake$loss_v_precise, best_loss_v = fake$loss_v_precise,
                  path = path_rows(fake), pre_rmspe = sqrt(fake$pre_mspe),
                  pseudo_post_rmspe = sqrt(fake$post_mspe), average_pseudo_gap = fake$average_post_gap,
                  value_equal = fake$equal$value, value_regression = fake$regression$value,
                  method_equal = fake$equal$method, method_regression = fake$regression$method,
                  start_kept = fake$chosen),
  tolerance = list(
    default = tolerance(1e-6, "deterministic inputs"),
    treated_predictors = tolerance(1e-10, "means of the data"),
    v = v_tolerance, weights = w_tolerance, weights_precise = w_precise_tolerance,
    loss_v = loss_v_informative, loss_v_precise = loss_v_precise_tolerance, best_loss_v = best_loss_v_tolerance,
    path = fit_tolerance, pre_rmspe = fit_tolerance,
    pseudo_post_rmspe = fit_tolerance, average_pseudo_gap = fit_tolerance,
    value_equal = not_compared("informative"), value_regression = not_compared("informative"),
    method_equal = not_compared("informative"), method_regression = not_compared("informative"),
    start_kept = not_compared("informative")))

write_fixture(out_file, "synth.R",
  "Reference synthetic control (Abadie, Diamond and Hainmueller 2010) on Proposition 99, a port of R Synth 1.1-6's dataprep()/synth() with kernlab::ipop and optimx, generated by tests/reference/synth.R",
  list(r = R.version.string, jsonlite = as.character(packageVersion("jsonlite")),
       kernlab = as.character(packageVersion("kernlab")), optimx = as.character(packageVersion("optimx")),
       synth_ported = "1.1-6"),
  list(case_abadie, case_path, case_loo, case_placebo, case_in_time))
cat(sprintf("Run time %.0f s\n", proc.time()[["elapsed"]] - started))
