# Prints the C# and R coverage tables side by side (bench/results/coverage-cs.csv and
# coverage-r.csv) and flags cells whose coverage differs by more than 3 Monte Carlo SEs.
# Run from the repository root after both sides: Rscript bench/compare-coverage.R [replicates] [cs_seconds] [r_seconds]
args <- commandArgs(trailingOnly = TRUE)
replicates <- if (length(args) >= 1) as.integer(args[1]) else 1000L
cs <- read.csv(file.path("bench", "results", "coverage-cs.csv"))
r <- read.csv(file.path("bench", "results", "coverage-r.csv"))
m <- merge(cs, r, by = c("n", "rho", "method", "parameter"), suffixes = c("_cs", "_r"), sort = FALSE)
m <- m[order(m$method, m$parameter, m$n, m$rho), ]
# Two independent Monte Carlo estimates of the same coverage: SE of the difference.
p <- (m$coverage_cs + m$coverage_r) / 2
mc_se <- sqrt(2 * p * (1 - p) / replicates)
m$flag <- ifelse(abs(m$coverage_cs - m$coverage_r) > 3 * pmax(mc_se, 1 / replicates), "*", "")
fmt <- function(x, d = 3) formatC(x, format = "f", digits = d)
cat("| method | parameter | n | rho | bias C# | bias R | emp. SE C# | emp. SE R | coverage C# | coverage R | failed C# | failed R | |\n")
cat("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
for (i in seq_len(nrow(m))) with(m[i, ], cat(sprintf("| %s | %s | %d | %.1f | %s | %s | %s | %s | %s | %s | %d | %d | %s |\n",
  method, parameter, n, rho, fmt(bias_cs), fmt(bias_r), fmt(empirical_se_cs), fmt(empirical_se_r),
  fmt(coverage_cs), fmt(coverage_r), failures_cs, failures_r, flag)))
cat(sprintf("\n%d replicates per cell; failed = fits left out of the cell (no estimate, or Satterthwaite df undefined at the boundary); * = coverages differ by more than 3 Monte Carlo SEs (%d of %d cells).\n",
            replicates, sum(m$flag == "*"), nrow(m)))
if (length(args) >= 3) {
  cs_s <- as.numeric(args[2]); r_s <- as.numeric(args[3])
  cat(sprintf("Time for the whole grid: C# %.1f s, R %.1f s (R / C# = %.1f).\n", cs_s, r_s, r_s / cs_s))
}
