# Writes outpatient-visits.csv: a SYNTHETIC monthly series of hospital outpatient visits,
# January 2016 to November 2019, for trying the `its` command. It is not real data.
#
# The generating model follows the hospital-outpatient line of ../../../shared/sanming/CALIBRATION.md
# (assumed values, not published ones): ln Y = ln 440000 + 0.018 t - 0.019 (t - 21) post
# + calendar-month offset + Spring Festival weight * (-0.14) + AR(1) noise (rho 0.4, sd 0.025),
# t = 0 in January 2016, post from October 2017 (t = 21).
#
# Run from the repository root: Rscript data/examples/make_outpatient_visits.R
set.seed(20171001)
n <- 47
t <- 0:(n - 1)
month <- t %% 12 + 1
year <- 2016 + t %/% 12
offset <- c(.02, -.03, .04, .02, .01, 0, .03, .03, -.01, -.04, -.01, .02)
# Spring Festival: February 2016, 2018, 2019 fully; 2017 split between January and February.
sf <- numeric(n)
sf[t == 1] <- 1; sf[t == 12] <- 0.6; sf[t == 13] <- 0.4; sf[t == 25] <- 1; sf[t == 37] <- 1
post <- as.numeric(t >= 21)
u <- as.numeric(arima.sim(list(ar = 0.4), n, sd = 0.025, n.start = 100))
log_y <- log(440000) + 0.018 * t - 0.019 * (t - 21) * post + offset[month] - 0.14 * sf + u
out <- data.frame(month = sprintf("%d-%02d", year, month), visits = round(exp(log_y)), spring_festival = sf)
write.csv(out, "data/examples/outpatient-visits.csv", row.names = FALSE, quote = FALSE)
